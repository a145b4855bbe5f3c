import { describe, expect, it } from 'vitest';
import { mean, percentile, scoreRanking } from '../../bench/eval/metrics';

describe('ranking metrics', () => {
  it('computes nDCG@10, recall and MRR by hand', () => {
    // relevant at ranks 2 and 4 of two relevant: DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    const m = scoreRanking(['a', 'r1', 'b', 'r2', 'c'], new Set(['r1', 'r2']));
    expect(m.ndcg10).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    expect(m.mrr10).toBe(0.5);
    expect(m.recall10).toBe(1);
    const miss = scoreRanking([...'abcdefghij', 'r'], new Set(['r']));
    expect(miss).toEqual({ ndcg10: 0, recall10: 0, recall100: 1, mrr10: 0 });
  });

  it('averages and takes percentiles', () => {
    expect(mean([scoreRanking(['r'], new Set(['r'])), scoreRanking(['x'], new Set(['r']))]).ndcg10).toBe(0.5);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  });
});
