import { describe, expect, it } from 'vitest';
import {
  Bm25Index,
  bm25Score,
  bm25TermScore,
  DEFAULT_BM25,
  idf,
  queryTerms,
  resolveParams,
  termFrequencies,
} from '../../../src/retrieval/bm25';

// The tiny corpus every hand computation below uses:
//   d1 = a b a      dl 3
//   d2 = b c        dl 2
//   d3 = c c c d    dl 4
//   N = 3, avgdl = (3 + 2 + 4) / 3 = 3
//   df: a 1, b 2, c 2, d 1
//   idf(a) = ln(1 + (3 − 1 + 0.5) / (1 + 0.5)) = ln(1 + 2.5/1.5) = ln(8/3) ≈ 0.980829
//   idf(b) = idf(c) = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln(1 + 1.5/2.5) = ln(1.6) ≈ 0.470004
// With k1 = 1.2, b = 0.75 the length factor K = k1·(1 − b + b·dl/avgdl) is
//   d1: 1.2·(0.25 + 0.75·3/3) = 1.2 · d2: 1.2·(0.25 + 0.75·2/3) = 0.9 · d3: 1.2·(0.25 + 0.75·4/3) = 1.5
const corpus = (): Bm25Index => {
  const index = new Bm25Index();
  index.add('d1', ['a', 'b', 'a']);
  index.add('d2', ['b', 'c']);
  index.add('d3', ['c', 'c', 'c', 'd']);
  return index;
};
const IDF_A = Math.log(8 / 3);
const IDF_BC = Math.log(1.6);
const EPS = 9; // toBeCloseTo digits: |diff| < 5e-10

describe('idf', () => {
  it('is Lucene’s ln(1 + (N − df + 0.5)/(df + 0.5))', () => {
    expect(idf(3, 1)).toBeCloseTo(IDF_A, EPS);
    expect(idf(3, 2)).toBeCloseTo(IDF_BC, EPS);
  });

  it('stays positive for a term in every document', () => {
    // ln(1 + 0.5/3.5) = ln(8/7)
    expect(idf(3, 3)).toBeCloseTo(Math.log(8 / 7), EPS);
    expect(idf(3, 3)).toBeGreaterThan(0);
  });

  it('stays positive when postings of versions still indexing push df past N', () => {
    // Unclamped: ln(1 + (3 − 10 + 0.5) / 10.5) < 0. Clamped to N = df: ln(1 + 0.5/10.5).
    expect(idf(3, 10)).toBeCloseTo(Math.log(1 + 0.5 / 10.5), EPS);
    expect(idf(3, 10)).toBeGreaterThan(0);
  });
});

describe('bm25TermScore', () => {
  it('is idf·tf·(k1+1)/(tf + k1·(1 − b + b·dl/avgdl))', () => {
    // d1, term a: tf 2 → ln(8/3) · 2·2.2 / (2 + 1.2) = ln(8/3) · 1.375
    expect(bm25TermScore(2, 3, 3, IDF_A, 1.2, 0.75)).toBeCloseTo(IDF_A * 1.375, EPS);
    // d3, term c: tf 3 → ln(1.6) · 3·2.2 / (3 + 1.5) = ln(1.6) · 6.6/4.5
    expect(bm25TermScore(3, 4, 3, IDF_BC, 1.2, 0.75)).toBeCloseTo((IDF_BC * 6.6) / 4.5, EPS);
  });

  it('is 0 for an absent term and survives an empty corpus (avgdl 0)', () => {
    expect(bm25TermScore(0, 3, 3, IDF_A, 1.2, 0.75)).toBe(0);
    expect(bm25TermScore(1, 0, 0, 1, 1.2, 0.75)).toBeCloseTo(1, EPS);
  });

  it('with k1 = 0 ignores term frequency; with b = 0 ignores length', () => {
    expect(bm25TermScore(5, 3, 3, IDF_A, 0, 0.75)).toBeCloseTo(IDF_A, EPS);
    expect(bm25TermScore(1, 100, 3, IDF_A, 1.2, 0)).toBeCloseTo(bm25TermScore(1, 1, 3, IDF_A, 1.2, 0), EPS);
  });
});

describe('Bm25Index', () => {
  it('keeps N, df and avgdl', () => {
    const index = corpus();
    expect(index.size).toBe(3);
    expect(index.avgdl).toBe(3);
    expect(['a', 'b', 'c', 'd', 'z'].map((t) => index.df(t))).toEqual([1, 2, 2, 1, 0]);
  });

  it('scores a one-term query exactly and prefers the shorter document', () => {
    // b: d1 tf 1 → ln(1.6) · 2.2/(1 + 1.2) = ln(1.6); d2 tf 1 → ln(1.6) · 2.2/(1 + 0.9) = ln(1.6) · 2.2/1.9
    const hits = corpus().search(['b'], 10);
    expect(hits.map((h) => h.id)).toEqual(['d2', 'd1']);
    expect(hits[0]!.score).toBeCloseTo((IDF_BC * 2.2) / 1.9, EPS);
    expect(hits[1]!.score).toBeCloseTo(IDF_BC, EPS);
  });

  it('sums terms and ranks: query c a', () => {
    // d1 = ln(8/3)·1.375 ≈ 1.348640 · d3 = ln(1.6)·6.6/4.5 ≈ 0.689340 · d2 = ln(1.6)·2.2/1.9 ≈ 0.544215
    const hits = corpus().search(['c', 'a'], 10);
    expect(hits.map((h) => h.id)).toEqual(['d1', 'd3', 'd2']);
    expect(hits[0]!.score).toBeCloseTo(IDF_A * 1.375, EPS);
    expect(hits[1]!.score).toBeCloseTo((IDF_BC * 6.6) / 4.5, EPS);
    expect(hits[2]!.score).toBeCloseTo((IDF_BC * 2.2) / 1.9, EPS);
    expect(hits[0]!.score).toBeCloseTo(1.34864, 5);
  });

  it('counts a repeated query term once', () => {
    const index = corpus();
    expect(index.search(['a', 'a', 'c', 'a'], 10)).toEqual(index.search(['a', 'c'], 10));
    expect(queryTerms(['a', 'b', 'a'])).toEqual(['a', 'b']);
  });

  it('returns only matching documents, at most topK, ties broken by id', () => {
    const index = corpus();
    expect(index.search(['d'], 10).map((h) => h.id)).toEqual(['d3']);
    expect(index.search(['zzz'], 10)).toEqual([]);
    expect(index.search(['c', 'a'], 2).map((h) => h.id)).toEqual(['d1', 'd3']);
    expect(index.search(['c'], 0)).toEqual([]);
    // b = 0: d1 and d2 both score ln(1.6) · 2.2/(1 + 1.2) = ln(1.6), whatever their lengths.
    const flat = index.search(['b'], 10, { b: 0 });
    expect(flat.map((h) => h.id)).toEqual(['d1', 'd2']);
    expect(flat[0]!.score).toBeCloseTo(IDF_BC, EPS);
    expect(flat[1]!.score).toBeCloseTo(IDF_BC, EPS);
  });

  it('k1 changes how much repeats count', () => {
    // c with k1 = 2, b = 0.75: d3 K = 2·1.25 = 2.5 → ln(1.6)·3·3/(3 + 2.5) = ln(1.6)·9/5.5
    const hits = corpus().search(['c'], 10, { k1: 2 });
    expect(hits[0]).toEqual({ id: 'd3', score: expect.closeTo((IDF_BC * 9) / 5.5, EPS) });
    // k1 = 0: presence only, so d2 and d3 tie at idf and the id decides.
    expect(corpus().search(['c'], 10, { k1: 0 })).toEqual([
      { id: 'd2', score: expect.closeTo(IDF_BC, EPS) },
      { id: 'd3', score: expect.closeTo(IDF_BC, EPS) },
    ]);
  });

  it('remove() updates N, df and avgdl', () => {
    const index = corpus();
    expect(index.remove('d1')).toBe(true);
    expect(index.remove('d1')).toBe(false);
    // N = 2, avgdl = (2 + 4)/2 = 3, df(b) = 1 → idf(b) = ln(1 + 1.5/1.5) = ln 2; d2 K = 0.9
    expect(index.size).toBe(2);
    expect(index.avgdl).toBe(3);
    expect(index.df('a')).toBe(0);
    expect(index.df('b')).toBe(1);
    expect(index.search(['a'], 10)).toEqual([]);
    expect(index.search(['b'], 10)).toEqual([{ id: 'd2', score: expect.closeTo((Math.log(2) * 2.2) / 1.9, EPS) }]);
  });

  it('add() with an existing id replaces the document', () => {
    const index = corpus();
    index.add('d1', ['d']);
    // dl 1 + 2 + 4 → avgdl 7/3; a is gone, d is in two documents.
    expect(index.size).toBe(3);
    expect(index.avgdl).toBeCloseTo(7 / 3, EPS);
    expect(index.df('a')).toBe(0);
    expect(index.df('d')).toBe(2);
  });

  it('counts empty documents in N and avgdl', () => {
    const index = new Bm25Index();
    index.add('empty', []);
    expect(index.search(['a'], 10)).toEqual([]);
    index.add('x', ['a', 'a']);
    // N 2, avgdl 1, df 1 → idf ln(1 + 1.5/1.5) = ln 2; K = 1.2·(0.25 + 0.75·2) = 2.1 → ln2·4.4/4.1
    expect(index.search(['a'], 10)).toEqual([{ id: 'x', score: expect.closeTo((Math.log(2) * 4.4) / 4.1, EPS) }]);
  });
});

describe('bm25Score (the check for one SQL row)', () => {
  it('agrees with the index', () => {
    const index = corpus();
    const d3 = { tf: termFrequencies(['c', 'c', 'c', 'd']), dl: 4 };
    for (const params of [undefined, { k1: 0.9, b: 0.4 }]) {
      const expected = index.search(['c', 'd', 'c'], 10, params).find((h) => h.id === 'd3')!.score;
      expect(bm25Score(['c', 'd', 'c'], d3, index.stats(), params)).toBeCloseTo(expected, 12);
    }
  });
});

describe('parameters and helpers', () => {
  it('defaults to k1 1.2, b 0.75 and rejects nonsense', () => {
    expect(DEFAULT_BM25).toEqual({ k1: 1.2, b: 0.75 });
    expect(resolveParams({ b: 0 })).toEqual({ k1: 1.2, b: 0 });
    expect(() => resolveParams({ k1: -1 })).toThrow(RangeError);
    expect(() => resolveParams({ b: 1.5 })).toThrow(RangeError);
    expect(() => resolveParams({ k1: Number.NaN })).toThrow(RangeError);
  });

  it('termFrequencies counts in first-seen order', () => {
    expect([...termFrequencies(['b', 'a', 'b', 'c', 'b'])]).toEqual([
      ['b', 3],
      ['a', 1],
      ['c', 1],
    ]);
  });
});
