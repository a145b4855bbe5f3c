// Step 3: hybrid search in the KB (lexical + vector, fused), then the reranker over the
// candidates. Each hit keeps every signal's score for the trace.
import type { Reranker } from '../inference/reranker';
import type { FusedHit } from '../retrieval/fusion';
import type { SearchResult } from '../retrieval/search.service';
import { clip } from './intake.step';
import type { PipelineState, PipelineStep, StepReport } from './pipeline';
import { idf } from '../retrieval/bm25';
import { EngineError } from '../inference/engine-error';
import type { TermStats } from './evidence';

export type SearchFn = (kbId: string, query: string, topK: number) => Promise<SearchResult>;
export type TermStatsFn = (kbId: string, terms: string[]) => Promise<TermStats>;

export interface RetrieveOptions {
  /** Fused candidates the reranker sees. */
  candidates: number;
  /** Passages kept for the gate and the answer. */
  passages: number;
  /** Share of the final order that is the reranker's; the rest is the fused score. */
  rerankWeight: number;
}

export const DEFAULT_RETRIEVE: RetrieveOptions = { candidates: 20, passages: 5, rerankWeight: 0.5 };

export class RetrieveStep implements PipelineStep {
  readonly name = 'retrieve' as const;

  constructor(
    private readonly search: SearchFn,
    private readonly termStats: TermStatsFn,
    private readonly reranker?: Reranker,
    private readonly opts: RetrieveOptions = DEFAULT_RETRIEVE,
  ) {}

  async run(state: PipelineState): Promise<StepReport> {
    const res = await this.search(state.kb.id, state.query, this.opts.candidates);
    state.terms = res.terms;
    // The gate needs the same collection statistics; the reranker weighs terms by them.
    const stats = await this.termStats(state.kb.id, [...new Set(res.terms)]);
    state.termStats = stats;
    let hits = res.hits;
    let adapter = `hybrid:${res.mode}+${res.embedder}`;
    let rerankError: string | undefined;
    if (this.reranker && hits.length > 1) {
      try {
        hits = await rerank(this.reranker, state.query, hits, this.opts.rerankWeight, (t) =>
          idf(stats.n, stats.df.get(t) ?? 0),
        );
        adapter += `+${this.reranker.id}`;
      } catch (err) {
        // A reranker outage costs ordering quality, not the answer.
        if (!(err instanceof EngineError)) throw err;
        rerankError = err.message;
      }
    }
    state.hits = hits.slice(0, this.opts.passages);
    return {
      input: clip(state.query),
      output: {
        terms: res.terms,
        candidates: res.hits.length,
        ...(rerankError && { rerankFailed: rerankError }),
        hits: state.hits.map((h) => ({
          chunkId: h.chunkId,
          documentId: h.documentId,
          title: h.title,
          headingPath: h.headingPath,
          page: h.page,
          score: round(h.score),
          signals: h.signals,
        })),
      },
      score: state.hits[0]?.score ?? 0,
      adapter,
    };
  }
}

/** Blends min-max normalised fused scores with the reranker's, then re-sorts. */
export async function rerank(
  reranker: Reranker,
  query: string,
  hits: FusedHit[],
  weight: number,
  termIdf?: (term: string) => number,
): Promise<FusedHit[]> {
  const scores = await reranker.rerank(
    query,
    hits.map((h) => `${h.headingPath.join(' › ')}\n${h.text}`),
    { idf: termIdf },
  );
  const max = Math.max(...hits.map((h) => h.score));
  const min = Math.min(...hits.map((h) => h.score));
  const order = [...scores].map((s, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const rankOf = new Map(order.map((i, r) => [i, r + 1]));
  return hits
    .map((h, i) => ({
      ...h,
      score: (1 - weight) * (max > min ? (h.score - min) / (max - min) : 1) + weight * scores[i]!,
      signals: { ...h.signals, rerank: { score: round(scores[i]!), rank: rankOf.get(i)! } },
    }))
    .sort((a, b) => b.score - a.score);
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
