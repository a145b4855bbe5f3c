// What the gate knows about a question: how much of it the knowledge base can speak to.
// Every feature is a named number so the trace can show exactly what the gate weighed.
import { idf } from '../retrieval/bm25';
import type { FusedHit } from '../retrieval/fusion';
import { functionWords } from '../retrieval/builtin-reranker';
import type { Tokenizer } from '../retrieval/tokenizer';
import { BackgroundModel, UNKNOWN_RARITY } from './background';

/**
 * The terms that can be evidence: not function words ("when", "does", 如何, 吗), not the index's
 * cross-word Han bigrams (请问如何 → 问如). Measured on a two-document KB, "When does the
 * dishwasher run?" had its coverage cut from 1.0 to 0.28 by `when` and `doe`, which no passage
 * contains and every question has.
 */
export function evidenceTerms(terms: string[], tokenizer: Tokenizer, bg = BackgroundModel.get()): string[] {
  const stop = functionWords(tokenizer);
  // rarity() is undefined exactly for Han strings jieba does not list: the cross-word bigrams.
  return [...new Set(terms)].filter((t) => !stop.has(t) && bg.rarity(t) !== undefined);
}

export interface TermStats {
  /** Live chunks in the KB. */
  n: number;
  df: Map<string, number>;
}

export const EVIDENCE_FEATURES = [
  'salienceSum',
  'salienceMax',
  'salientTerms',
  'rareTerms',
  'lexical',
  'coverage',
  'kbCoverage',
  'vector',
  'logTerms',
  'logLength',
  'triage',
  'examples',
] as const;

export type EvidenceFeature = (typeof EVIDENCE_FEATURES)[number];
export type EvidenceFeatures = Record<EvidenceFeature, number>;

/** Salience above this many nats makes a term one of the KB's own words. */
const SALIENT = 3;

/**
 * Salience of a term = its general-language rarity − its IDF in the KB: how much more often
 * the KB uses it than everyday language does. "mmcv" (unknown to both tables, in 7% of chunks)
 * scores about 7.4; "吃" (common everywhere) below 0; a word the KB never uses is no evidence.
 */
export function termSalience(terms: string[], stats: TermStats, bg = BackgroundModel.get()): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of new Set(terms)) {
    const df = stats.df.get(t) ?? 0;
    const rarity = bg.rarity(t);
    if (df === 0 || rarity === undefined) continue;
    out.set(t, rarity - Math.log(stats.n / df));
  }
  return out;
}

export interface EvidenceInput {
  question: string;
  terms: string[];
  stats: TermStats;
  hits: FusedHit[];
  tokenizer: Tokenizer;
  /** The triage classifier's score in [0, 1]. */
  triage: number;
  /** Log-odds of "answer" from the KB's labelled example questions; 0 without any. */
  examples: number;
}

export function evidenceFeatures(x: EvidenceInput, bg = BackgroundModel.get()): EvidenceFeatures {
  const distinct = evidenceTerms(x.terms, x.tokenizer, bg);
  // Terms the KB has never seen weigh as much as its rarest: a question about "kfc" in a KB
  // about model deployment counts the unknown word as missing evidence, not as nothing.
  const weights = new Map(distinct.map((t) => [t, idf(x.stats.n, x.stats.df.get(t) ?? 0)]));
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  let known = 0;
  for (const [t, w] of weights) if ((x.stats.df.get(t) ?? 0) > 0) known += w;
  let best = 0;
  for (const hit of x.hits.slice(0, 5)) {
    const have = new Set(x.tokenizer.tokenize(`${hit.headingPath.join(' ')} ${hit.text}`));
    let m = 0;
    for (const [t, w] of weights) if (have.has(t)) m += w;
    best = Math.max(best, m);
  }
  const salience = [...termSalience(distinct, x.stats, bg).values()];
  const rare = distinct.filter(
    (t) => (x.stats.df.get(t) ?? 0) > 0 && /[a-z0-9]/.test(t) && bg.rarity(t) === UNKNOWN_RARITY,
  );
  const best0 = (xs: number[]) => Math.max(0, ...xs.filter(Number.isFinite));
  return {
    salienceSum: salience.reduce((a, s) => a + Math.max(0, s), 0),
    salienceMax: salience.length ? Math.max(...salience) : 0,
    salientTerms: salience.filter((s) => s > SALIENT).length,
    rareTerms: rare.length,
    lexical: best0(x.hits.map((h) => h.signals.lexical?.score ?? 0)) / 10,
    coverage: total > 0 ? best / total : 0,
    kbCoverage: total > 0 ? known / total : 0,
    vector: best0(x.hits.map((h) => h.signals.vector?.score ?? 0)),
    logTerms: Math.log1p(new Set(x.terms).size),
    logLength: Math.log1p([...x.question].length),
    triage: x.triage,
    examples: x.examples,
  };
}
