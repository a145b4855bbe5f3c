import { describe, expect, it } from 'vitest';
import { fuse } from '../../src/retrieval/fusion';
import type { ChunkHit } from '../../src/retrieval/search.repository';

const hit = (id: string, score: number): ChunkHit => ({
  chunkId: id,
  documentId: `d${id}`,
  versionId: 'v',
  title: 't',
  text: id,
  headingPath: [],
  page: null,
  metadata: {},
  score,
});

describe('fuse', () => {
  it('adds reciprocal ranks across signals and keeps each signal score and rank', () => {
    const rrf = { method: 'rrf', rrfK: 60, weights: { lexical: 1, vector: 1 } } as const;
    const fused = fuse({ lexical: [hit('1', 9), hit('2', 5)], vector: [hit('2', 0.9), hit('3', 0.8)] }, rrf);
    expect(fused.map((h) => h.chunkId)).toEqual(['2', '1', '3']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[0]!.signals).toEqual({ lexical: { score: 5, rank: 2 }, vector: { score: 0.9, rank: 1 } });
    expect(fused[1]!.signals).toEqual({ lexical: { score: 9, rank: 1 } });
  });

  it('honours weights, and weighted fusion normalises each list', () => {
    const lists = { lexical: [hit('1', 10), hit('2', 0)], vector: [hit('2', 0.5), hit('1', 0.1)] };
    expect(fuse(lists, { method: 'rrf', rrfK: 60, weights: { lexical: 0, vector: 1 } })[0]!.chunkId).toBe('2');
    const weighted = fuse(lists, { method: 'weighted', rrfK: 60, weights: { lexical: 2, vector: 1 } });
    expect(weighted.map((h) => [h.chunkId, h.score])).toEqual([
      ['1', 2],
      ['2', 1],
    ]);
  });

  it('returns one list unchanged in order when only one signal ran', () => {
    expect(fuse({ vector: [hit('7', 0.3), hit('8', 0.2)] }).map((h) => h.chunkId)).toEqual(['7', '8']);
  });
});
