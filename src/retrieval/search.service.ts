import { Inject, Injectable } from '@nestjs/common';
import type { Executor } from '../database/database';
import { Embedders } from '../inference/embedders';
import { EngineError } from '../inference/engine-error';
import { RERANKER, type Reranker } from '../inference/reranker';
import { KbsService } from '../knowledge/kbs.service';
import { DEFAULT_BM25, idf, queryTerms } from './bm25';
import { DEFAULT_FUSION, fuse, type FusedHit, type FusionOptions, type Signal } from './fusion';
import { rerank } from './rerank';
import { SearchRepository, type ChunkHit, type CollectionStats, type SearchFilters } from './search.repository';
import { tokenizerFor } from './tokenizers';

export type SearchMode = 'hybrid' | 'lexical' | 'vector';

export interface RetrievalSettings {
  mode?: SearchMode;
  fusion?: Partial<FusionOptions>;
  k1?: number;
  b?: number;
  /** Candidates taken from each signal before fusion. */
  candidates?: number;
  customWords?: string[];
  /** Rerank the best fused candidates (default true). */
  rerank?: boolean;
}

export interface SearchRequest {
  query: string;
  topK: number;
  mode?: SearchMode;
  filters?: SearchFilters;
  /** Overrides the KB's `retrieval.rerank`. */
  rerank?: boolean;
}

export interface SearchResult {
  query: string;
  mode: SearchMode;
  embedder: string;
  /** The reranker that ordered the top candidates, if one did. */
  reranker: string | null;
  /** Why the reranker was skipped when it failed (the fused order stands). */
  rerankFailed?: string;
  /** Why the vector signal is missing when the embedding server failed (lexical results stand). */
  vectorFailed?: string;
  terms: string[];
  tookMs: number;
  hits: FusedHit[];
}

@Injectable()
export class SearchService {
  constructor(
    @Inject(KbsService) private readonly kbs: KbsService,
    @Inject(SearchRepository) private readonly repo: SearchRepository,
    @Inject(Embedders) private readonly embedders: Embedders,
    @Inject(RERANKER) private readonly reranker: Reranker,
  ) {}

  async search(kbRef: string, req: SearchRequest): Promise<SearchResult> {
    return (await this.searchWithStats(kbRef, req)).result;
  }

  /** The search, and the collection statistics of its terms (for the answer gate) when it read them. */
  async searchWithStats(kbRef: string, req: SearchRequest): Promise<{ result: SearchResult; stats?: CollectionStats }> {
    const started = performance.now();
    const kb = await this.kbs.get(kbRef);
    const settings = (kb.settings.retrieval ?? {}) as RetrievalSettings;
    const mode = req.mode ?? settings.mode ?? 'hybrid';
    const candidates = Math.max(settings.candidates ?? 50, req.topK);
    const terms = queryTerms(tokenizerFor(kb.settings).tokenize(req.query));
    // The KB's active embedder: while a re-embed runs, its vectors are still the ones in chunks.
    const embedderId = kb.embedding.active;
    // Started first, so the query's embedding (a model round trip, or CPU for the built-in
    // embedder) overlaps the lexical query.
    const embedding = mode !== 'lexical' ? this.embedQuery(embedderId, req.query, mode) : undefined;
    const bm25 = { k1: settings.k1 ?? DEFAULT_BM25.k1, b: settings.b ?? DEFAULT_BM25.b };
    const run = (a: Executor, b: Executor) =>
      Promise.all([
        mode !== 'vector' ? this.repo.lexicalSearch(kb.id, terms, candidates, bm25, req.filters, a) : undefined,
        embedding?.then(
          ({ vector, dimension }) =>
            vector && this.repo.vectorSearch(kb.id, embedderId, dimension!, vector, candidates, req.filters, b),
        ),
      ]);
    // Hybrid's two queries run at once on two connections that share one snapshot: a document
    // switching versions mid-search shows one version in both lists, never one in each.
    const [lexical, vector] = mode === 'hybrid' ? await this.repo.snapshotPair(run) : await run(...this.repo.direct());
    const vectorFailed = (await embedding)?.failed;
    const lists: Partial<Record<Signal, ChunkHit[]>> = {
      ...(lexical && { lexical: lexical.hits }),
      ...(vector && { vector }),
    };
    let stats = lexical?.stats;
    const fusion = {
      ...DEFAULT_FUSION,
      ...settings.fusion,
      weights: { ...DEFAULT_FUSION.weights, ...settings.fusion?.weights },
    };
    let hits = fuse(lists, fusion);
    let reranker: string | null = null;
    let rerankFailed: string | undefined;
    if ((req.rerank ?? settings.rerank ?? true) && hits.length > 1) {
      try {
        const known = (stats ??= await this.repo.termStats(kb.id, terms));
        hits = await rerank(this.reranker, req.query, hits, { idf: (t) => idf(known.n, known.df.get(t) ?? 0) });
        reranker = this.reranker.id;
      } catch (err) {
        // A reranker outage costs ordering quality, not the search.
        if (!(err instanceof EngineError)) throw err;
        rerankFailed = err.message;
      }
    }
    const result: SearchResult = {
      query: req.query,
      mode,
      embedder: embedderId,
      reranker,
      ...(rerankFailed && { rerankFailed }),
      ...(vectorFailed && { vectorFailed }),
      terms,
      tookMs: Math.round(performance.now() - started),
      hits: hits.slice(0, req.topK),
    };
    return { result, stats };
  }

  private async embedQuery(
    embedderId: string,
    query: string,
    mode: SearchMode,
  ): Promise<{ vector?: number[]; dimension?: number; failed?: string }> {
    try {
      const embedder = this.embedders.forId(embedderId);
      const [v] = await embedder.embed([query]);
      // A query with no features ("There?") embeds to zeros, whose cosine distance is NaN.
      return { vector: v?.some((x) => x !== 0) ? v : undefined, dimension: embedder.dimension };
    } catch (err) {
      // An embedding server outage costs hybrid search its vector signal, not the search; a
      // vector-only search has nothing left to return.
      if (!(err instanceof EngineError) || mode === 'vector') throw err;
      return { failed: err.message };
    }
  }
}
