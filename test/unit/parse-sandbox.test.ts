// The parse sandbox runs the real parsers in worker threads (the compiled script; npm test
// builds first) and turns runaway time or memory into a ParseError for that file alone.
import { afterEach, describe, expect, it } from 'vitest';
import { ParseSandbox } from '../../workers/parsers/parse-sandbox';
import { ParserRegistry } from '../../workers/parsers/parser-registry';

let sandbox: ParseSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

// Deeply nested lists make remark build a large tree: a real document shape, just huge.
const huge = (n: number) =>
  Array.from({ length: n }, (_, i) => `${'  '.repeat(i % 8)}- item ${i} with some words in it`).join('\n');

// Threads load their parsers before the clock starts; on a busy 2-core machine that can take
// seconds, so these tests get room beyond vitest's 5 s default.
describe('ParseSandbox', { timeout: 60_000 }, () => {
  it('returns exactly what the in-process registry returns', async () => {
    sandbox = new ParseSandbox({ timeoutMs: 30_000, maxHeapMb: 256, threads: 1, recycleAfter: 10 });
    const input = {
      bytes: Buffer.from('# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n中文段落。\n'),
      filename: 'a.md',
    };
    expect(await sandbox.parse(input)).toEqual(await new ParserRegistry().parse(input));
  });

  it('passes parse errors through with their code', async () => {
    sandbox = new ParseSandbox({ timeoutMs: 30_000, maxHeapMb: 256, threads: 1, recycleAfter: 10 });
    await expect(sandbox.parse({ bytes: Buffer.from('   '), filename: 'a.txt' })).rejects.toMatchObject({
      name: 'ParseError',
      code: 'empty',
    });
  });

  it('stops a parse that runs past the time limit and keeps serving others', async () => {
    sandbox = new ParseSandbox({ timeoutMs: 200, maxHeapMb: 1024, threads: 1, recycleAfter: 10 });
    await expect(sandbox.parse({ bytes: Buffer.from(huge(300_000)), filename: 'big.md' })).rejects.toMatchObject({
      code: 'timeout',
    });
    const ok = await sandbox.parse({ bytes: Buffer.from('# Still here\n\nyes\n'), filename: 'ok.md' });
    expect(ok.title).toBe('Still here');
  });

  it('fails a parse that exceeds the heap cap with out_of_memory, not a crash', async () => {
    sandbox = new ParseSandbox({ timeoutMs: 60_000, maxHeapMb: 48, threads: 1, recycleAfter: 10 });
    await expect(sandbox.parse({ bytes: Buffer.from(huge(800_000)), filename: 'big.md' })).rejects.toMatchObject({
      code: 'out_of_memory',
    });
    const ok = await sandbox.parse({ bytes: Buffer.from('after\n'), filename: 'ok.txt' });
    expect(ok.blocks).toEqual([{ kind: 'paragraph', text: 'after' }]);
  });

  it('runs parses in parallel threads up to its limit', async () => {
    sandbox = new ParseSandbox({ timeoutMs: 30_000, maxHeapMb: 256, threads: 2, recycleAfter: 1 });
    const docs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        sandbox!.parse({ bytes: Buffer.from(`# Doc ${i}\n\ntext\n`), filename: `${i}.md` }),
      ),
    );
    expect(docs.map((d) => d.title)).toEqual(['Doc 0', 'Doc 1', 'Doc 2', 'Doc 3', 'Doc 4', 'Doc 5']);
  });
});
