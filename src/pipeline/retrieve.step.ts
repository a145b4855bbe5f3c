// Step 3: hybrid search in the KB (lexical + vector, fused), then the reranker over the
// candidates. Each hit keeps every signal's score for the trace.
import type { SearchResult } from '../retrieval/search.service';
import { clip } from './intake.step';
import type { PipelineState, PipelineStep, StepReport } from './pipeline';
import type { TermStats } from './evidence';

/** The search, with the statistics of its terms when it read them (saves the gate a query). */
export type SearchFn = (kbId: string, query: string, topK: number) => Promise<SearchResult & { stats?: TermStats }>;
export type TermStatsFn = (kbId: string, terms: string[]) => Promise<TermStats>;

/** Passages kept for the gate and the answer. */
export const DEFAULT_PASSAGES = 5;

/** Step 3's work is the search service's (fusion, then the reranker); this keeps the passages. */
export class RetrieveStep implements PipelineStep {
  readonly name = 'retrieve' as const;

  constructor(
    private readonly search: SearchFn,
    private readonly termStats: TermStatsFn,
    private readonly passages = DEFAULT_PASSAGES,
  ) {}

  async run(state: PipelineState): Promise<StepReport> {
    const res = await this.search(state.kb.id, state.query, this.passages);
    state.terms = res.terms;
    // The gate needs the collection statistics of the same terms.
    state.termStats = res.stats ?? (await this.termStats(state.kb.id, [...new Set(res.terms)]));
    state.hits = res.hits;
    return {
      input: clip(state.query),
      output: {
        terms: res.terms,
        ...(res.rerankFailed && { rerankFailed: res.rerankFailed }),
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
      adapter: `${res.mode}:${res.embedder}${res.reranker ? `+${res.reranker}` : ''}`,
    };
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
