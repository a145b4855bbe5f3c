// The gate's model: a logistic score over the evidence features, a threshold, and what the
// KB's labelled example questions taught it. Tuning fits all three from good and bad examples
// and picks the threshold that maximises F1 of the "answer" class (HuixiangDou's measure).
import { EVIDENCE_FEATURES, type EvidenceFeature, type EvidenceFeatures } from './evidence';

/** Naive Bayes over the terms of labelled examples: log P(term | good) − log P(term | bad). */
export interface ExampleModel {
  prior: number;
  logOdds: Record<string, number>;
}

export interface GateModel {
  version: 1;
  weights: Record<EvidenceFeature, number>;
  bias: number;
  /** Answer when score >= threshold. */
  threshold: number;
  examples?: ExampleModel;
}

export interface GateMetrics {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface LabelledFeatures {
  features: EvidenceFeatures;
  good: boolean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Before any tuning: the mean of the weights fitted on the two public development sets
 * (`npm run eval:reject -- … --print-model` on huixiangdou_zh and on scifact_en_offtopic; no
 * example feature, which only a KB's own examples can give). The two fits disagree — Chinese
 * group chat leans on KB coverage and triage, English claims on the vector and coverage — so an
 * untuned gate is a compromise; `POST /kbs/{kb}/tune` fits the KB's own. The threshold is the
 * mean of the tuned thresholds there.
 */
export const DEFAULT_GATE: GateModel = {
  version: 1,
  weights: {
    salienceSum: 0.031,
    salienceMax: 0.206,
    salientTerms: 0.146,
    rareTerms: 0.35,
    lexical: 0.587,
    coverage: 2.184,
    kbCoverage: 1.172,
    vector: 2.656,
    logTerms: -0.222,
    logLength: 0.444,
    triage: 0.459,
    examples: 0,
  },
  bias: -8.783,
  threshold: 0.35,
};

export function gateScore(model: GateModel, f: EvidenceFeatures): number {
  let z = model.bias;
  for (const k of EVIDENCE_FEATURES) z += (model.weights[k] ?? 0) * f[k];
  return sigmoid(z);
}

export function exampleScore(model: ExampleModel | undefined, terms: Iterable<string>): number {
  if (!model) return 0;
  let s = model.prior;
  for (const t of new Set(terms)) s += model.logOdds[t] ?? 0;
  return s;
}

/** Laplace-smoothed Bernoulli naive Bayes: each term counted once per example. */
export function fitExampleModel(examples: { terms: string[]; good: boolean }[], alpha = 1): ExampleModel {
  const good = new Map<string, number>();
  const bad = new Map<string, number>();
  let nGood = 0;
  let nBad = 0;
  for (const e of examples) {
    const into = e.good ? good : bad;
    if (e.good) nGood++;
    else nBad++;
    for (const t of new Set(e.terms)) into.set(t, (into.get(t) ?? 0) + 1);
  }
  const logOdds: Record<string, number> = {};
  for (const t of new Set([...good.keys(), ...bad.keys()])) {
    const lo =
      Math.log(((good.get(t) ?? 0) + alpha) / (nGood + 2 * alpha)) -
      Math.log(((bad.get(t) ?? 0) + alpha) / (nBad + 2 * alpha));
    logOdds[t] = Math.round(lo * 1000) / 1000;
  }
  return { prior: Math.log((nGood + 1) / (nBad + 1)), logOdds };
}

/**
 * L2-regularised logistic regression by gradient descent on standardised features, returned
 * in raw units so the trace can show weight × value for each feature.
 */
export function fitWeights(
  rows: LabelledFeatures[],
  opts: { l2?: number; iterations?: number; rate?: number } = {},
): Pick<GateModel, 'weights' | 'bias'> {
  const { l2 = 0.01, iterations = 2000, rate = 0.1 } = opts;
  const k = EVIDENCE_FEATURES.length;
  const X = rows.map((r) => EVIDENCE_FEATURES.map((f) => r.features[f]));
  const y = rows.map((r) => (r.good ? 1 : 0));
  const mu = Array.from({ length: k }, (_, j) => X.reduce((a, x) => a + x[j]!, 0) / X.length);
  const sd = mu.map((m, j) => Math.sqrt(X.reduce((a, x) => a + (x[j]! - m) ** 2, 0) / X.length) || 1);
  const Z = X.map((x) => x.map((v, j) => (v - mu[j]!) / sd[j]!));
  const w = new Array<number>(k).fill(0);
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(k).fill(0);
    let gb = 0;
    for (let i = 0; i < Z.length; i++) {
      const z = Z[i]!;
      let s = b;
      for (let j = 0; j < k; j++) s += w[j]! * z[j]!;
      const err = sigmoid(s) - y[i]!;
      for (let j = 0; j < k; j++) g[j]! += err * z[j]!;
      gb += err;
    }
    for (let j = 0; j < k; j++) w[j]! -= rate * (g[j]! / Z.length + l2 * w[j]!);
    b -= (rate * gb) / Z.length;
  }
  const weights = {} as Record<EvidenceFeature, number>;
  let bias = b;
  EVIDENCE_FEATURES.forEach((f, j) => {
    weights[f] = w[j]! / sd[j]!;
    bias -= (w[j]! * mu[j]!) / sd[j]!;
  });
  return { weights, bias };
}

/** Precision, recall and F1 of answering when score >= threshold. */
export function metricsAt(scored: { score: number; good: boolean }[], threshold: number): GateMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of scored) {
    if (s.score >= threshold) {
      if (s.good) tp++;
      else fp++;
    } else if (s.good) fn++;
  }
  return {
    threshold,
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
    f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0,
  };
}

/**
 * Every achievable cut (ties move together), best F1 first chosen; among equal F1 the higher
 * threshold wins — silence beats a wrong answer.
 */
export function bestThreshold(scored: { score: number; good: boolean }[]): { best: GateMetrics; curve: GateMetrics[] } {
  const cuts = [...new Set(scored.map((s) => s.score))].sort((a, b) => a - b);
  const curve = cuts.map((t) => metricsAt(scored, t));
  let best = curve[0] ?? { threshold: 0.5, precision: 0, recall: 0, f1: 0 };
  for (const m of curve) if (m.f1 >= best.f1) best = m;
  return { best, curve };
}
