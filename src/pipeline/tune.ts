// Tuning the gate on a KB's labelled example questions: naive Bayes over their terms, logistic
// weights over the evidence features, then the F1-maximising threshold.
import type { EvidenceFeatures } from './evidence';
import {
  bestThreshold,
  exampleScore,
  fitExampleModel,
  fitWeights,
  gateScore,
  type GateMetrics,
  type GateModel,
} from './gate-model';

export interface TuneExample {
  terms: string[];
  /** Evidence features with `examples` still 0: tuning fills it in. */
  features: EvidenceFeatures;
  good: boolean;
}

export interface TuneResult {
  model: GateModel;
  /** On the tuning examples themselves (the example feature scored out of fold). */
  metrics: GateMetrics;
  curve: GateMetrics[];
}

/** Fewer examples than this per class cannot place a threshold with any confidence. */
export const MIN_EXAMPLES_PER_CLASS = 3;

export function tuneGate(examples: TuneExample[], opts: { folds?: number } = {}): TuneResult {
  const good = examples.filter((e) => e.good).length;
  if (good < MIN_EXAMPLES_PER_CLASS || examples.length - good < MIN_EXAMPLES_PER_CLASS) {
    throw new RangeError(
      `tuning needs at least ${MIN_EXAMPLES_PER_CLASS} good and ${MIN_EXAMPLES_PER_CLASS} bad examples (got ${good} and ${examples.length - good})`,
    );
  }
  // Each example's own "examples" feature comes from a model that never saw it; otherwise the
  // naive Bayes score would look perfect on the training set and take all the weight.
  const folds = Math.min(opts.folds ?? 4, examples.length);
  const rows = examples.map((e) => ({ ...e, features: { ...e.features } }));
  for (let k = 0; k < folds; k++) {
    const model = fitExampleModel(rows.filter((_, i) => i % folds !== k));
    rows.forEach((r, i) => {
      if (i % folds === k) r.features.examples = exampleScore(model, r.terms);
    });
  }
  const fitted = fitWeights(rows);
  const partial: GateModel = { version: 1, ...fitted, threshold: 0.5 };
  const { best, curve } = bestThreshold(rows.map((r) => ({ score: gateScore(partial, r.features), good: r.good })));
  return {
    model: { ...partial, threshold: best.threshold, examples: fitExampleModel(examples) },
    metrics: best,
    curve: thin(curve, 101),
  };
}

/** At most n points of the curve, evenly spaced, for the API and the console. */
function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}
