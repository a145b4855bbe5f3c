// The answer-or-silence evaluation command on a tiny hand-made set: a KB about a made-up
// inference server, ten questions about it and ten lines of chit-chat. Clearly separable, so a
// working pipeline answers the first ten and stays silent on the rest, tuned either way.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/paths';

const run = promisify(execFile);
const dir = join(PROJECT_ROOT, 'test/fixtures/reject-tiny');

async function evalReject(...args: string[]) {
  const { stdout } = await run(
    process.execPath,
    [
      join(PROJECT_ROOT, 'dist/bench/eval/eval-reject.js'),
      '--kb',
      join(dir, 'kb'),
      '--questions',
      join(dir, 'questions.jsonl'),
      '--no-report',
      ...args,
    ],
    { env: { ...process.env }, timeout: 180_000 },
  );
  const row = (label: string) => {
    const line = stdout.split('\n').find((l) => l.startsWith(`| ${label}`));
    expect(line, `row ${label} in:\n${stdout}`).toBeDefined();
    const cells = line!.split('|').slice(2, 11);
    const n = (i: number) => Number((cells[i] ?? '').replace(/\*/g, '').trim());
    return {
      precision: n(0),
      recall: n(1),
      f1: n(2),
      threshold: n(3),
      tp: n(4),
      fp: n(5),
      fn: n(6),
      tn: n(7),
      calls: n(8),
    };
  };
  return row;
}

describe('npm run eval:reject', () => {
  it('tunes on --tune and scores every question through the pipeline in built-in mode', async () => {
    const row = await evalReject('--tune', join(dir, 'tune.jsonl'));
    const tuned = row('tuned on tune.jsonl');
    expect(tuned.tp + tuned.fp + tuned.fn + tuned.tn).toBe(20);
    expect(tuned.tp + tuned.fn).toBe(10);
    expect(tuned.f1).toBeGreaterThanOrEqual(0.9);
    expect(tuned.calls).toBe(0);
    const untuned = row('default gate, untuned');
    expect(untuned.tp + untuned.fp + untuned.fn + untuned.tn).toBe(20);
  });

  it('cross-validates without --tune', async () => {
    const cv = (await evalReject('--folds', '5'))('tuned, 5-fold CV');
    expect(cv.tp + cv.fp + cv.fn + cv.tn).toBe(20);
    expect(cv.f1).toBeGreaterThanOrEqual(0.9);
    expect(cv.threshold).toBeGreaterThan(0);
  });
});
