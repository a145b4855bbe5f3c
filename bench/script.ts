// What every bench/ command shares: progress on stderr (stdout carries the results), and the
// entry point that exits with the script's outcome (open pools and timers would keep it alive).

export const log = (s: string): void => {
  process.stderr.write(s + '\n');
};

export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      log(err.stack ?? err.message);
      process.exit(1);
    },
  );
}
