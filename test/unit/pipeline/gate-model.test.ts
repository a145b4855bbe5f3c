import { describe, expect, it } from 'vitest';
import { EVIDENCE_FEATURES, type EvidenceFeatures } from '../../../src/pipeline/evidence';
import {
  bestThreshold,
  exampleScore,
  fitExampleModel,
  fitWeights,
  gateScore,
  metricsAt,
} from '../../../src/pipeline/gate-model';
import { tuneGate } from '../../../src/pipeline/tune';

const features = (over: Partial<EvidenceFeatures> = {}): EvidenceFeatures => ({
  ...(Object.fromEntries(EVIDENCE_FEATURES.map((f) => [f, 0])) as EvidenceFeatures),
  ...over,
});

describe('bestThreshold', () => {
  // Hand-made: scores with labels. Cutting at 0.6 answers {0.9 g, 0.8 g, 0.7 b, 0.6 g}:
  // P 3/4, R 3/4 (the good 0.2 is missed), F1 0.75. At 0.2 everything is answered: P 4/7,
  // R 1, F1 0.727. At 0.8: P 1, R 2/4, F1 0.667. So 0.6 is the F1 maximum.
  const scored = [
    { score: 0.9, good: true },
    { score: 0.8, good: true },
    { score: 0.7, good: false },
    { score: 0.6, good: true },
    { score: 0.4, good: false },
    { score: 0.3, good: false },
    { score: 0.2, good: true },
  ];

  it('picks the F1-maximising threshold on a small hand-made set', () => {
    const { best, curve } = bestThreshold(scored);
    expect(best.threshold).toBe(0.6);
    expect(best.precision).toBeCloseTo(0.75);
    expect(best.recall).toBeCloseTo(0.75);
    expect(best.f1).toBeCloseTo(0.75);
    expect(curve.find((p) => p.threshold === 0.2)!.f1).toBeCloseTo(8 / 11);
    expect(curve.find((p) => p.threshold === 0.8)!.f1).toBeCloseTo(2 / 3);
    expect(Math.max(...curve.map((p) => p.f1))).toBe(best.f1);
  });

  it('moves tied scores together and prefers the higher threshold on equal F1', () => {
    const tied = [
      { score: 0.5, good: true },
      { score: 0.5, good: false },
      { score: 0.1, good: false },
    ];
    expect(bestThreshold(tied).curve.map((p) => p.threshold)).toEqual([0.1, 0.5]);
    expect(metricsAt(tied, 0.5)).toMatchObject({ precision: 0.5, recall: 1 });
    // 0.9 answers one of two good (F1 2/3); 0.3 answers both good and both bad (F1 2/3 too):
    // the tie goes to the higher threshold.
    const tie = [
      { score: 0.9, good: true },
      { score: 0.5, good: false },
      { score: 0.4, good: false },
      { score: 0.3, good: true },
    ];
    expect(metricsAt(tie, 0.3).f1).toBeCloseTo(2 / 3);
    expect(bestThreshold(tie).best).toMatchObject({ threshold: 0.9, precision: 1, recall: 0.5 });
  });
});

describe('fitExampleModel', () => {
  it('gives words of good examples positive log-odds and words of bad ones negative', () => {
    const m = fitExampleModel([
      { terms: ['mmcv', 'install'], good: true },
      { terms: ['mmcv', 'cuda'], good: true },
      { terms: ['lunch', 'today'], good: false },
      { terms: ['lunch', 'haha'], good: false },
    ]);
    expect(m.logOdds.mmcv).toBeGreaterThan(0);
    expect(m.logOdds.lunch).toBeLessThan(0);
    expect(exampleScore(m, ['mmcv', 'build'])).toBeGreaterThan(exampleScore(m, ['lunch', 'build']));
    expect(exampleScore(undefined, ['mmcv'])).toBe(0);
  });
});

describe('fitWeights and tuneGate', () => {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const good = i % 2 === 0;
    return { features: features({ salienceSum: good ? 10 + (i % 7) : 2 + (i % 5), triage: good ? 0.9 : 0.4 }), good };
  });

  it('learns weights that separate separable examples, in raw feature units', () => {
    const { weights, bias } = fitWeights(rows);
    expect(weights.salienceSum).toBeGreaterThan(0);
    const model = { version: 1 as const, weights, bias, threshold: 0.5 };
    for (const r of rows) expect(gateScore(model, r.features) >= 0.5).toBe(r.good);
  });

  it('tunes weights, example model and threshold; refuses too few examples', () => {
    const examples = rows.map((r, i) => ({ ...r, terms: r.good ? ['mmcv', `t${i}`] : ['lunch', `t${i}`] }));
    const { model, metrics, curve } = tuneGate(examples);
    expect(metrics.f1).toBe(1);
    expect(curve.length).toBeGreaterThan(1);
    expect(model.examples!.logOdds.mmcv).toBeGreaterThan(0);
    expect(() => tuneGate(examples.slice(0, 4))).toThrow(/at least 3 good and 3 bad/);
  });
});
