// The retrieval evaluation command on a tiny dataset whose metrics are known by construction:
// three queries whose words appear only in their relevant passage (rank 1 lexically) and one
// whose words appear nowhere (nothing found lexically), so lexical nDCG@10 = MRR@10 = R@10 = 0.75.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/paths';

const run = promisify(execFile);

describe('npm run eval:retrieval', () => {
  it('prints the known metrics for a hand-made dataset, with the baseline beside them', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(PROJECT_ROOT, 'dist/bench/eval/eval-retrieval.js'),
        join(PROJECT_ROOT, 'test/fixtures/eval-tiny'),
        '--no-report',
        '--modes',
        'lexical,hybrid',
      ],
      { env: { ...process.env }, timeout: 120_000 },
    );
    const row = (label: string) => {
      const line = stdout.split('\n').find((l) => l.startsWith(`| ${label} |`));
      expect(line, `row ${label} in:\n${stdout}`).toBeDefined();
      return line!
        .split('|')
        .slice(2, 6)
        .map((c) => Number(c.trim()));
    };
    // nDCG@10, Recall@10, Recall@100, MRR@10
    expect(row('Fennel lexical')).toEqual([0.75, 0.75, 0.75, 0.75]);
    expect(row('MiniSearch baseline')).toEqual([0.75, 0.75, 0.75, 0.75]);
    // Hybrid adds vector candidates: the unmatched query may now find its passage lower down.
    const hybrid = row('Fennel hybrid');
    expect(hybrid[0]).toBeGreaterThanOrEqual(0.75);
    expect(hybrid[2]).toBe(1); // Recall@100: every passage is a candidate of the vector signal
  });
});
