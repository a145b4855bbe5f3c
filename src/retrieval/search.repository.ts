// Vector and BM25 search over the chunks of current, live document versions of one KB.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database, type Executor } from '../database/database';
import { toPgVector } from '../inference/embedder';

export interface ChunkHit {
  chunkId: string;
  documentId: string;
  versionId: string;
  title: string;
  text: string;
  headingPath: string[];
  page: number | null;
  metadata: Record<string, unknown>;
  score: number;
}

interface HitRow {
  id: string;
  document_id: string;
  version_id: string;
  title: string;
  text: string;
  heading_path: string[];
  page: number | null;
  metadata: Record<string, unknown>;
  score: number;
}

/**
 * An embedder id as an SQL literal. Inlined rather than a parameter so the planner can match the
 * embedder's partial HNSW index (whose predicate is this literal); ids come from our own
 * Embedders, and the character set keeps them from ever closing the quote.
 */
export function embedderLiteral(id: string): string {
  if (!/^[\w.:/@+-]{1,200}$/.test(id)) throw new Error(`bad embedder id ${id}`);
  return `'${id}'`;
}

/** A short stable name part for an embedder (index and statement names stop at 63 bytes). */
export function embedderHash(id: string): string {
  return createHash('sha1').update(id).digest('hex').slice(0, 12);
}

/** One run over a candidate pool: how many candidates it took, and the hits that survived. */
interface PoolResult {
  candidates: number;
  hits: HitRow[];
}

/** Live chunks in a KB and the document frequency of each term found (absent: df 0). */
export interface CollectionStats {
  n: number;
  df: Map<string, number>;
}

@Injectable()
export class SearchRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Two searches at once on one snapshot (see Database.snapshotPair). */
  snapshotPair<T>(fn: (a: Executor, b: Executor) => Promise<T>): Promise<T> {
    return this.db.snapshotPair(fn);
  }

  /** Pooled connections, for a single statement (itself one snapshot). */
  direct(): [Executor, Executor] {
    const on = this.db.executor(this.db.pool);
    return [on, on];
  }

  /**
   * One statement, one snapshot: the join on current_version_id means a search sees either
   * the old version's chunks or the new one's, never both and never neither.
   *
   * The nearest chunks come from the HNSW index first (a materialized CTE, so the planner
   * cannot turn it into a join + full scan), then the join keeps those of current versions.
   * Chunks of versions still being indexed can crowd the candidates, so when too few survive
   * and the index had more to give, the candidate pool doubles and the statement runs again.
   */
  async vectorSearch(
    kbId: string,
    embedderId: string,
    dimension: number,
    query: number[],
    topK: number,
    filters: SearchFilters = {},
    on: Executor = this.db.executor(this.db.pool),
  ): Promise<ChunkHit[]> {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new Error(`bad embedding dimension ${dimension}`);
    const literal = embedderLiteral(embedderId);
    const cast = `vector(${dimension})`;
    const vector = toPgVector(query);
    let pool = Math.max(topK * 4, 40);
    for (;;) {
      const { rows } = await on.prepared<PoolResult>(
        `fennel_vec_v3_${embedderHash(embedderId)}_${dimension}`,
        `WITH cand AS MATERIALIZED (
           SELECT c.id, c.document_id, c.version_id, c.text, c.heading_path, c.page, c.metadata,
                  (c.embedding::${cast}) <=> $2::${cast} AS distance
             FROM chunks c
            WHERE c.kb_id = $1 AND c.embedder = ${literal}
            ORDER BY (c.embedding::${cast}) <=> $2::${cast}
            LIMIT $3),
         hits AS (
           SELECT cand.*, 1 - cand.distance AS score, d.title
             FROM cand
             JOIN documents d ON d.id = cand.document_id AND d.current_version_id = cand.version_id AND d.deleted_at IS NULL
            WHERE ($5::uuid[] IS NULL OR d.id = ANY($5)) AND ($6::text[] IS NULL OR d.source = ANY($6))
              AND ($7::text[] IS NULL OR d.tags && $7)
            ORDER BY cand.distance
            LIMIT $4)
         SELECT (SELECT count(*) FROM cand)::int AS candidates,
                (SELECT coalesce(json_agg(h ORDER BY h.distance), '[]'::json) FROM hits h) AS hits`,
        [kbId, vector, pool, topK, filters.documentIds ?? null, filters.sources ?? null, filters.tags ?? null],
      );
      const { candidates, hits } = rows[0]!;
      // Fewer candidates than asked for means the index has nothing more in this KB.
      if (hits.length >= topK || candidates < pool || pool >= 100_000) return hits.map(toHit);
      pool *= 4;
    }
  }

  /**
   * BM25 over the KB's live chunks, in SQL. N and the average length come from kb_lexical_stats
   * (kept by triggers, migration 0008); document frequency from the KB's postings (chunks of
   * versions still being indexed count there too — a small, transient overestimate). Each
   * posting carries its chunk's length, so scores come from postings alone, summed per chunk
   * over the distinct query terms.
   *
   * Postings are read per term twice — counted for df, then scored — by index range scans
   * (index-only once the visibility map is set). Reading them once into a CTE for both cost more
   * than the second read: the CTE spills past work_mem and feeds a hash join; at 97k chunks
   * (60k postings) 60 ms -> 37 ms p50, even 95 -> 80 ms with no visibility map. Per-term
   * constants (idf × (k1+1), k1(1−b), k1·b/avgdl) are folded into `weights`, so a posting costs
   * one join and a few multiplications; at 100k chunks (bench:search) the scoring of ~37k postings
   * still takes ~20 ms p50 — the hash aggregation over every matching chunk is the floor of
   * exact BM25 here, and no rewrite tried (rare terms first, then common ones; scoring in Node;
   * postings aggregated per term) did better.
   *
   * Only the best `pool` scored chunks go through the current-version join (which keeps old
   * versions out, as in vector search) and the filters. When fewer than topK survive and more
   * chunks had scores, the pool grows by the survival rate seen (at least ×4) and the statement
   * runs again; with no survivors at all the last run checks every scored chunk.
   *
   * Measured on the 6,954-chunk scifact_en KB (13-term query): 41 ms -> 15 ms. The scan of all
   * chunks for N and avgdl was 11 ms, the chunk lengths 4 ms, liveness for all 2,802 scored
   * chunks 9 ms (now for 400). The liveness join stays out of the scoring: Postgres estimates
   * chunks ⋈ documents on (id, current_version_id) at one row, and inside the scoring it
   * nested-looped every posting over every chunk (7.3 s for one scifact_en query).
   */
  async lexicalSearch(
    kbId: string,
    terms: string[],
    topK: number,
    params: { k1: number; b: number },
    filters: SearchFilters = {},
    on: Executor = this.db.executor(this.db.pool),
  ): Promise<{ hits: ChunkHit[]; stats: CollectionStats }> {
    if (terms.length === 0) return { hits: [], stats: { n: 0, df: new Map() } };
    // null: no cut, every scored chunk is checked.
    let pool: number | null = Math.max(topK * 4, 100);
    for (;;) {
      const { rows } = await on.prepared<PoolResult & { n: number; df: Record<string, number> | null }>(
        'fennel_bm25_v6',
        `WITH stats AS MATERIALIZED (
           SELECT coalesce(max(s.chunk_count), 0)::float8 AS n,
                  greatest(max(s.length_sum)::numeric / nullif(max(s.chunk_count), 0), 1)::float8 AS avgdl
             FROM kb_lexical_stats s WHERE s.kb_id = $1),
         weights AS MATERIALIZED (
           SELECT q.term, df.df, ln(1 + (greatest(stats.n, df.df) - df.df + 0.5) / (df.df + 0.5)) * ($4::float8 + 1) AS w,
                  $4::float8 * (1 - $5::float8) AS k_fixed, $4::float8 * $5::float8 / stats.avgdl AS k_per_len
             FROM unnest(ARRAY(SELECT DISTINCT unnest($2::text[]))) AS q(term)
             CROSS JOIN stats
             CROSS JOIN LATERAL (
               SELECT count(*)::float8 AS df FROM chunk_terms t WHERE t.kb_id = $1 AND t.term = q.term) df
            WHERE df.df > 0),
         top AS MATERIALIZED (
           SELECT t.chunk_id, sum(w.w * t.tf / (t.tf + w.k_fixed + w.k_per_len * t.lexical_length)) AS score
             FROM weights w
             JOIN chunk_terms t ON t.kb_id = $1 AND t.term = w.term
            GROUP BY t.chunk_id
            ORDER BY score DESC, t.chunk_id
            LIMIT $9),
         hits AS (
           SELECT c.id, c.document_id, c.version_id, d.title, c.text, c.heading_path, c.page, c.metadata, s.score
             FROM top s
             JOIN chunks c ON c.id = s.chunk_id
             JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id AND d.deleted_at IS NULL
            WHERE ($6::uuid[] IS NULL OR d.id = ANY($6))
              AND ($7::text[] IS NULL OR d.source = ANY($7))
              AND ($8::text[] IS NULL OR d.tags && $8)
            ORDER BY s.score DESC, c.id
            LIMIT $3)
         SELECT (SELECT count(*) FROM top)::int AS candidates,
                (SELECT coalesce(json_agg(h ORDER BY h.score DESC, h.id), '[]'::json) FROM hits h) AS hits,
                (SELECT n FROM stats)::int AS n, (SELECT json_object_agg(term, df) FROM weights) AS df`,
        [
          kbId,
          terms,
          topK,
          params.k1,
          params.b,
          filters.documentIds ?? null,
          filters.sources ?? null,
          filters.tags ?? null,
          pool,
        ],
      );
      const { candidates, hits, n, df } = rows[0]!;
      // Fewer candidates than the pool means every scored chunk was checked. The statistics
      // BM25 used come along: the reranker and the answer gate need the same ones.
      if (hits.length >= topK || pool === null || candidates < pool) {
        return { hits: hits.map(toHit), stats: { n, df: new Map(Object.entries(df ?? {})) } };
      }
      // A selective filter or many chunks of unfinished versions: grow by the survival rate.
      const survived: number = hits.length;
      pool = survived === 0 ? null : Math.max(pool * 4, Math.ceil((2 * pool * topK) / survived));
    }
  }

  /**
   * The collection statistics the answer gate's evidence score needs: live chunks in the KB and
   * each term's document frequency (postings of versions still indexing count, as in BM25).
   */
  async termStats(
    kbId: string,
    terms: string[],
    on: Executor = this.db.executor(this.db.pool),
  ): Promise<CollectionStats> {
    const { rows } = await on.query<{ n: number; df: Record<string, number> | null }>(
      `SELECT coalesce((SELECT chunk_count FROM kb_lexical_stats WHERE kb_id = $1), 0)::int AS n,
              (SELECT json_object_agg(term, df) FROM (
                 SELECT term, count(*)::int AS df FROM chunk_terms
                  WHERE kb_id = $1 AND term = ANY($2::text[]) GROUP BY term) x) AS df`,
      [kbId, terms],
    );
    return { n: rows[0]!.n, df: new Map(Object.entries(rows[0]!.df ?? {})) };
  }
}

export interface SearchFilters {
  documentIds?: string[];
  /** Document origin: 'upload', 'folder' or 'url'. */
  sources?: string[];
  /** Normalized tags; a document matches when it has ANY of them. */
  tags?: string[];
}

const toHit = (r: HitRow): ChunkHit => ({
  chunkId: String(r.id),
  documentId: r.document_id,
  versionId: r.version_id,
  title: r.title,
  text: r.text,
  headingPath: r.heading_path,
  page: r.page,
  metadata: r.metadata,
  score: Number(r.score),
});
