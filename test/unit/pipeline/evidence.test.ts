import { describe, expect, it } from 'vitest';
import { BackgroundModel, UNKNOWN_RARITY } from '../../../src/pipeline/background';
import { evidenceFeatures, termSalience } from '../../../src/pipeline/evidence';
import type { FusedHit } from '../../../src/retrieval/fusion';
import { Tokenizer } from '../../../src/retrieval/tokenizer';

const bg = BackgroundModel.get();

describe('BackgroundModel', () => {
  it('knows everyday words as common and technical ones as rare, in both languages', () => {
    // Terms as the index stores them (stemmed): today → todai.
    const [today, quantize] = new Tokenizer().tokenize('today quantize');
    expect(bg.rarity(today!)!).toBeLessThan(UNKNOWN_RARITY - 2);
    expect(bg.rarity(today!)!).toBeLessThan(bg.rarity(quantize!)!);
    expect(bg.rarity('mmcv')).toBe(UNKNOWN_RARITY);
    expect(bg.rarity('吃饭')!).toBeLessThan(bg.rarity('算子')!);
    // A Han string jieba does not list is a cross-word bigram, not a word: no opinion.
    expect(bg.rarity('问如')).toBeUndefined(); // 请问如何 → 问如
  });
});

describe('termSalience', () => {
  it('scores the KB’s own vocabulary high and words the KB never uses not at all', () => {
    const stats = {
      n: 1000,
      df: new Map([
        ['mmcv', 120],
        ['todai', 30],
        ['吃饭', 2],
      ]),
    };
    const s = termSalience(['mmcv', 'todai', '吃饭', 'kfc'], stats, bg);
    expect(s.get('mmcv')!).toBeGreaterThan(5);
    expect(s.get('mmcv')!).toBeGreaterThan(s.get('todai')! + 3);
    expect(s.has('kfc')).toBe(false);
  });
});

describe('evidenceFeatures', () => {
  const tokenizer = new Tokenizer();
  const hit = (text: string, lexical: number, vector: number): FusedHit => ({
    chunkId: '1',
    documentId: 'd',
    versionId: 'v',
    title: 't',
    text,
    headingPath: ['Install'],
    page: null,
    metadata: {},
    score: 1,
    signals: { lexical: { score: lexical, rank: 1 }, vector: { score: vector, rank: 1 } },
  });

  it('measures how much of the question the best passage and the KB cover', () => {
    const terms = tokenizer.tokenize('install mmcv with mim');
    const stats = {
      n: 100,
      df: new Map([
        ['instal', 10],
        ['mmcv', 20],
        ['mim', 5],
      ]),
    };
    const f = evidenceFeatures({
      question: 'install mmcv with mim',
      terms,
      stats,
      hits: [hit('Run mim install mmcv to install it.', 12, 0.4)],
      tokenizer,
      triage: 0.8,
      examples: 0,
    });
    expect(f.coverage).toBeCloseTo(1);
    expect(f.kbCoverage).toBeCloseTo(1);
    expect(f.lexical).toBeCloseTo(1.2);
    expect(f.vector).toBeCloseTo(0.4);
    expect(f.rareTerms).toBeGreaterThanOrEqual(1); // mmcv: unknown to everyday English, present in the KB
    const off = evidenceFeatures({
      question: 'install kfc',
      terms: tokenizer.tokenize('install kfc'),
      stats: { n: 100, df: new Map([['instal', 10]]) },
      hits: [hit('Run mim install mmcv.', 3, 0.1)],
      tokenizer,
      triage: 0.8,
      examples: 0,
    });
    expect(off.kbCoverage).toBeLessThan(0.6);
    expect(off.coverage).toBeLessThan(f.coverage);
    expect(off.salienceSum).toBeLessThan(f.salienceSum);
  });
});
