// BM25 as Lucene computes it (BM25Similarity, without its 8-bit length quantisation). The pure
// functions are the specification: the SQL implementation is checked against them, and
// Bm25Index is the in-memory reference the evaluation command runs.
//
// Query terms: each DISTINCT query term contributes once, whatever its count in the query. The
// tokenizer emits overlapping terms on purpose (identifier parts, search-mode sub-words), so a
// query like "cuda11.8 cuda" repeats `cuda`; summing per occurrence would let the analysis, not
// the user, decide a term's weight. nDCG@10 distinct vs per-occurrence (Lucene's sum), with the
// Tokenizer: cmrc2018_zh .9885 vs .9868, xquad_zh .9649 vs .9659, scifact_en .7064 vs .7043 —
// noise-level, and distinct keeps the SQL a plain `term = ANY($distinct_terms)`.

export interface Bm25Params {
  /** Term-frequency saturation; 0 makes a term count as present/absent only. */
  k1: number;
  /** Length normalisation strength; 0 ignores document length, 1 normalises fully. */
  b: number;
}

export const DEFAULT_BM25: Readonly<Bm25Params> = Object.freeze({ k1: 1.2, b: 0.75 });

export interface Bm25Hit {
  id: string;
  score: number;
}

/** Corpus-level statistics a score needs; what the SQL side must also compute. */
export interface Bm25CorpusStats {
  /** Number of documents (chunks), including ones with no terms. */
  N: number;
  /** Mean document length in terms; 0 for an empty corpus. */
  avgdl: number;
  df(term: string): number;
}

export function resolveParams(params?: Partial<Bm25Params>): Bm25Params {
  const k1 = params?.k1 ?? DEFAULT_BM25.k1;
  const b = params?.b ?? DEFAULT_BM25.b;
  if (!Number.isFinite(k1) || k1 < 0) throw new RangeError(`BM25 k1 must be a finite number >= 0, got ${k1}`);
  if (!Number.isFinite(b) || b < 0 || b > 1) throw new RangeError(`BM25 b must be within [0, 1], got ${b}`);
  return { k1, b };
}

/** Term counts of one document or query, in first-seen order. */
export function termFrequencies(terms: Iterable<string>): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

/** The distinct query terms that score, in first-seen order (see the note at the top). */
export function queryTerms(terms: Iterable<string>): string[] {
  return [...new Set(terms)];
}

/**
 * Robertson/Sparck Jones IDF with Lucene's +1 inside the log, so it is never negative even for a
 * term in every document: ln(1 + (N − df + 0.5) / (df + 0.5)).
 */
export function idf(N: number, df: number): number {
  // df can exceed N for a while: postings of versions still indexing count in df, not in N.
  // A term in every document then weighs what a term in every document should — nearly nothing —
  // instead of going negative and pushing matching chunks below non-matching ones.
  return Math.log(1 + (Math.max(N, df) - df + 0.5) / (df + 0.5));
}

/** idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)); 0 when the term is absent. */
export function bm25TermScore(tf: number, dl: number, avgdl: number, termIdf: number, k1: number, b: number): number {
  if (tf <= 0) return 0;
  // An all-empty corpus has avgdl 0; any document then has dl 0 and no terms, so the ratio is moot.
  const lengthRatio = avgdl > 0 ? dl / avgdl : 1;
  return (termIdf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + b * lengthRatio));
}

/** Score of one document for a query: the reference for checking one SQL result row. */
export function bm25Score(
  query: Iterable<string>,
  doc: { tf: ReadonlyMap<string, number>; dl: number },
  corpus: Bm25CorpusStats,
  params?: Partial<Bm25Params>,
): number {
  const { k1, b } = resolveParams(params);
  let score = 0;
  for (const term of queryTerms(query)) {
    const tf = doc.tf.get(term) ?? 0;
    if (tf > 0) score += bm25TermScore(tf, doc.dl, corpus.avgdl, idf(corpus.N, corpus.df(term)), k1, b);
  }
  return score;
}

interface IndexedDoc {
  tf: Map<string, number>;
  dl: number;
}

/**
 * In-memory BM25 over term lists. Postings are exact (no length quantisation), so scores agree
 * with bm25Score() to floating-point rounding. Fine for evaluation-sized corpora, not for serving.
 */
export class Bm25Index {
  private readonly docs = new Map<string, IndexedDoc>();
  private readonly postings = new Map<string, Map<string, number>>();
  private totalLength = 0;

  get size(): number {
    return this.docs.size;
  }

  get avgdl(): number {
    return this.docs.size > 0 ? this.totalLength / this.docs.size : 0;
  }

  df(term: string): number {
    return this.postings.get(term)?.size ?? 0;
  }

  stats(): Bm25CorpusStats {
    return { N: this.docs.size, avgdl: this.avgdl, df: (t) => this.df(t) };
  }

  /** Adds a document; adding an existing id replaces it. */
  add(id: string, terms: Iterable<string>): void {
    this.remove(id);
    const tf = termFrequencies(terms);
    let dl = 0;
    for (const [term, count] of tf) {
      dl += count;
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = new Map()));
      posting.set(id, count);
    }
    this.docs.set(id, { tf, dl });
    this.totalLength += dl;
  }

  /** Removes a document; returns whether it was there. */
  remove(id: string): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    for (const term of doc.tf.keys()) {
      const posting = this.postings.get(term)!;
      posting.delete(id);
      if (posting.size === 0) this.postings.delete(term);
    }
    this.docs.delete(id);
    this.totalLength -= doc.dl;
    return true;
  }

  /** Top documents by score (ties by id, so results are deterministic); only documents with a query term. */
  search(query: Iterable<string>, topK: number, params?: Partial<Bm25Params>): Bm25Hit[] {
    const { k1, b } = resolveParams(params);
    const N = this.docs.size;
    const avgdl = this.avgdl;
    const scores = new Map<string, number>();
    for (const term of queryTerms(query)) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const termIdf = idf(N, posting.size);
      for (const [id, tf] of posting) {
        const s = bm25TermScore(tf, this.docs.get(id)!.dl, avgdl, termIdf, k1, b);
        scores.set(id, (scores.get(id) ?? 0) + s);
      }
    }
    const hits = [...scores].map(([id, score]) => ({ id, score }));
    hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return hits.slice(0, Math.max(0, topK));
  }
}
