import { describe, expect, it } from 'vitest';
import type { Reranker } from '../../../src/inference/reranker';
import type { FusedHit } from '../../../src/retrieval/fusion';
import { rerank } from '../../../src/retrieval/rerank';

const hit = (id: number, score: number): FusedHit => ({
  chunkId: String(id),
  documentId: `d${id}`,
  versionId: 'v',
  title: 't',
  text: `passage ${id}`,
  headingPath: [],
  page: null,
  metadata: {},
  score,
  signals: { lexical: { score, rank: id } },
});

/** Prefers passages with higher ids: the opposite of the fused order below. */
const byId: Reranker = {
  id: 'by-id',
  rerank: async (_q, passages) => passages.map((p) => Number(/\d+/.exec(p)![0]) / 10),
};

describe('rerank', () => {
  const hits = [hit(1, 0.9), hit(2, 0.8), hit(3, 0.7), hit(4, 0.2), hit(5, 0.1)];

  it('blends the reranker into the candidates, keeps the rest below them, and scores only fall', async () => {
    const out = await rerank(byId, 'q', hits, { candidates: 3, weight: 0.9 });
    expect(out.map((h) => h.chunkId)).toEqual(['3', '2', '1', '4', '5']);
    expect(out[0]!.signals.rerank).toEqual({ score: 0.3, rank: 1 });
    expect(out[3]!.signals.rerank).toBeUndefined();
    const scores = out.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('keeps the fused order when the reranker has no say', async () => {
    const out = await rerank(byId, 'q', hits, { candidates: 5, weight: 0 });
    expect(out.map((h) => h.chunkId)).toEqual(['1', '2', '3', '4', '5']);
  });
});
