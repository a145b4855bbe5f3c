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

/**
 * The postings lexical search reads of the query's most informative term before it cuts the
 * term; a term of lower weight is cut after proportionally fewer (see lexicalSearch). Chosen on
 * the 100k-chunk bench database (300 SciFact questions, pool 200), each setting timed in one run
 * alternating with the others: this one kept the exhaustive top 10 for 292 questions; one limit
 * of 2,000 for every term kept 294 but took ~25% longer, 1,000 kept 281. bench:search reports
 * the exhaustive and the cut statement side by side.
 */
export const POSTINGS_PER_TERM = 3000;
/** Every posting (LIMIT's largest value): a `postingsPerTerm` that never cuts a term. */
export const ALL_POSTINGS = 2 ** 31 - 1;

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
   * and the index had more to give, the candidate pool grows fourfold and the statement runs
   * again. The first pool asks for a quarter more than topK, not four times as many: on the
   * 100k-chunk bench database (300 SciFact questions, topK 50, hnsw.ef_search 100) the nearest
   * 200 took 6.5 ms p50 and the nearest 63 3.2 ms, with the same top 50 for every question.
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
    let pool = Math.max(Math.ceil(topK * 1.25), topK + 10);
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
   * BM25 over the KB's live chunks, in SQL. N and the average length come from kb_lexical_stats,
   * document frequencies from kb_term_df (both kept by triggers, migrations 0008 and 0011; df
   * counts postings of versions still being indexed too — a small, transient overestimate). Each
   * posting carries its chunk's length, so scores come from postings alone, summed per chunk
   * over the distinct query terms.
   *
   * Candidates come from impact-ordered postings (migration 0011): each term's postings are read
   * best first, up to a limit: `postingsPerTerm` for the query's highest-weighted term, less in
   * proportion to weight for the others (a term of low IDF can add little to any chunk), never
   * fewer than 2 × pool. A term in more chunks than its limit is cut. The best 2 × pool chunks by
   * the partial scores are then completed: the cut terms' postings are looked up for those chunks
   * alone (primary key (chunk_id, term)), so every score returned is the exact BM25 score. Only
   * the candidate set is approximate, and only when a term is cut: a chunk is missed only if its
   * rarer terms leave it outside the best 2 × pool and none of its cut-term postings ranks within
   * the limit, which caps what they can add. A query whose terms are all under their limits (any
   * KB below 2 × pool chunks, most queries in small KBs) is exhaustive. What the cut saves: a
   * 7-term SciFact question at 100k chunks touched ~37k postings, all counted for df and
   * aggregated per chunk, where now ~10k are read and df is one row per term.
   *
   * Only the best `pool` scored chunks go through the current-version join (which keeps old
   * versions out, as in vector search) and the filters. When fewer than topK survive and more
   * chunks had scores, the pool grows by the survival rate seen (at least ×4) and the statement
   * runs again; with no survivors at all the last run reads every posting of every term.
   * The liveness join stays out of the scoring: Postgres estimates chunks ⋈ documents on
   * (id, current_version_id) at one row, and inside the scoring it nested-looped every posting
   * over every chunk (7.3 s for one scifact_en query).
   */
  async lexicalSearch(
    kbId: string,
    terms: string[],
    topK: number,
    params: { k1: number; b: number },
    filters: SearchFilters = {},
    on: Executor = this.db.executor(this.db.pool),
    postingsPerTerm = POSTINGS_PER_TERM,
  ): Promise<{ hits: ChunkHit[]; stats: CollectionStats }> {
    if (terms.length === 0) return { hits: [], stats: { n: 0, df: new Map() } };
    // null: no cut, every scored chunk is checked.
    let pool: number | null = Math.max(topK * 4, 100);
    for (;;) {
      const { rows } = await on.prepared<PoolResult & { n: number; df: Record<string, number> | null }>(
        'fennel_bm25_v10',
        `WITH stats AS MATERIALIZED (
           SELECT coalesce(max(s.chunk_count), 0)::float8 AS n,
                  greatest(max(s.length_sum)::numeric / nullif(max(s.chunk_count), 0), 1)::float8 AS avgdl
             FROM kb_lexical_stats s WHERE s.kb_id = $1),
         weights AS MATERIALIZED (
           SELECT q.term, d.df::float8 AS df,
                  ln(1 + (greatest(stats.n, d.df) - d.df + 0.5) / (d.df + 0.5)) * ($4::float8 + 1) AS w,
                  $4::float8 * (1 - $5::float8) AS k_fixed, $4::float8 * $5::float8 / stats.avgdl AS k_per_len
             FROM unnest(ARRAY(SELECT DISTINCT unnest($2::text[]))) AS q(term)
             CROSS JOIN stats
             JOIN kb_term_df d ON d.kb_id = $1 AND d.term = q.term
            WHERE d.df > 0),
         limits AS MATERIALIZED (
           SELECT w.*, CASE WHEN $9::int IS NULL THEN ${ALL_POSTINGS}
                            ELSE least(${ALL_POSTINGS}, greatest(2 * $9::int, ceil($10::int * (w.w / max(w.w) OVER ())))) END::int AS lim
             FROM weights w),
         fetched AS (
           SELECT p.chunk_id, w.df > w.lim AS cut,
                  w.w * p.tf / (p.tf + w.k_fixed + w.k_per_len * p.lexical_length) AS s
             FROM limits w
             CROSS JOIN LATERAL (
               SELECT t.chunk_id, t.tf, t.lexical_length FROM chunk_terms t
                WHERE t.kb_id = $1 AND t.term = w.term
                ORDER BY t.impact DESC, t.chunk_id
                LIMIT w.lim) p),
         partial AS MATERIALIZED (
           SELECT f.chunk_id, sum(f.s) AS partial, coalesce(sum(f.s) FILTER (WHERE NOT f.cut), 0) AS whole
             FROM fetched f
            GROUP BY f.chunk_id
            ORDER BY partial DESC, f.chunk_id
            LIMIT 2 * $9::int),
         cut AS MATERIALIZED (
           SELECT w.* FROM limits w WHERE w.df > w.lim),
         top AS MATERIALIZED (
           SELECT pa.chunk_id, pa.whole + coalesce(x.s, 0) AS score
             FROM partial pa
             LEFT JOIN LATERAL (
               SELECT sum(w.w * t.tf / (t.tf + w.k_fixed + w.k_per_len * t.lexical_length)) AS s
                 FROM cut w
                 CROSS JOIN LATERAL (
                   SELECT t.tf, t.lexical_length FROM chunk_terms t
                    WHERE t.chunk_id = pa.chunk_id AND t.term = w.term) t) x ON true
            ORDER BY score DESC, pa.chunk_id
            LIMIT $9::int),
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
          postingsPerTerm,
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
              (SELECT json_object_agg(term, df) FROM kb_term_df
                WHERE kb_id = $1 AND term = ANY($2::text[]) AND df > 0) AS df`,
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
