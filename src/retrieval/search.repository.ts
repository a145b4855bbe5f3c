// Vector search over the chunks of current, live document versions of one KB.
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

@Injectable()
export class SearchRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Runs several searches on one snapshot (see Database.snapshot). */
  snapshot<T>(fn: (on: Executor) => Promise<T>): Promise<T> {
    return this.db.snapshot(fn);
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
    // Inlined (not user input) so the planner can match the embedder's partial index.
    if (!/^[\w.:-]+$/.test(embedderId)) throw new Error(`bad embedder id ${embedderId}`);
    const cast = `vector(${dimension})`;
    const vector = toPgVector(query);
    let pool = Math.max(topK * 4, 40);
    for (;;) {
      const { rows } = await on.prepared<{ candidates: number; hits: HitRow[] }>(
        `fennel_vec_${embedderId}_${dimension}`,
        `WITH cand AS MATERIALIZED (
           SELECT c.id, c.document_id, c.version_id, c.text, c.heading_path, c.page, c.metadata,
                  (c.embedding::${cast}) <=> $2::${cast} AS distance
             FROM chunks c
            WHERE c.kb_id = $1 AND c.embedder = '${embedderId}'
            ORDER BY (c.embedding::${cast}) <=> $2::${cast}
            LIMIT $3),
         hits AS (
           SELECT cand.*, 1 - cand.distance AS score, d.title
             FROM cand
             JOIN documents d ON d.id = cand.document_id AND d.current_version_id = cand.version_id AND d.deleted_at IS NULL
            WHERE ($5::uuid[] IS NULL OR d.id = ANY($5)) AND ($6::text[] IS NULL OR d.source = ANY($6))
            ORDER BY cand.distance
            LIMIT $4)
         SELECT (SELECT count(*) FROM cand)::int AS candidates,
                (SELECT coalesce(json_agg(h ORDER BY h.distance), '[]'::json) FROM hits h) AS hits`,
        [kbId, vector, pool, topK, filters.documentIds ?? null, filters.sources ?? null],
      );
      const { candidates, hits } = rows[0]!;
      // Fewer candidates than asked for means the index has nothing more in this KB.
      if (hits.length >= topK || candidates < pool || pool >= 100_000) return hits.map(toHit);
      pool *= 4;
    }
  }

  /**
   * BM25 over the KB's live chunks, in SQL. N and the average length come from the KB's live
   * chunks; document frequency from its postings (chunks of versions still being indexed count
   * there too — a small, transient overestimate). Scores are summed per chunk over the distinct
   * query terms, then the current-version join keeps old versions out, as in vector search.
   *
   * Scoring is a materialized step of its own, driven by the postings: Postgres estimates the
   * chunks ⋈ documents join on (id, current_version_id) at one row, and when that join sat inside
   * the scoring it nested-looped every posting over every chunk — 7.3 s for one scifact_en query
   * (6,780 postings × 6,954 chunks), against tens of milliseconds this way.
   */
  async lexicalSearch(
    kbId: string,
    terms: string[],
    topK: number,
    params: { k1: number; b: number },
    filters: SearchFilters = {},
    on: Executor = this.db.executor(this.db.pool),
  ): Promise<ChunkHit[]> {
    if (terms.length === 0) return [];
    const { rows } = await on.prepared<HitRow>(
      'fennel_bm25_v2',
      `WITH postings AS MATERIALIZED (
         SELECT t.term, t.chunk_id, t.tf FROM chunk_terms t
          WHERE t.kb_id = $1 AND t.term = ANY(ARRAY(SELECT DISTINCT unnest($2::text[])))),
       df AS MATERIALIZED (SELECT term, count(*)::float8 AS df FROM postings GROUP BY term),
       stats AS MATERIALIZED (
         SELECT count(*)::float8 AS n, greatest(avg(c.lexical_length), 1)::float8 AS avgdl
           FROM chunks c JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id
          WHERE c.kb_id = $1),
       scored AS MATERIALIZED (
         SELECT p.chunk_id,
                sum(ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
                    * p.tf * ($4::float8 + 1) / (p.tf + $4::float8 * (1 - $5::float8 + $5::float8 * c.lexical_length / stats.avgdl))) AS score
           FROM postings p
           JOIN df USING (term)
           JOIN chunks c ON c.id = p.chunk_id
           CROSS JOIN stats
          GROUP BY p.chunk_id)
       SELECT c.id, c.document_id, c.version_id, d.title, c.text, c.heading_path, c.page, c.metadata, s.score
         FROM scored s
         JOIN chunks c ON c.id = s.chunk_id
         JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id AND d.deleted_at IS NULL
        WHERE ($6::uuid[] IS NULL OR d.id = ANY($6))
          AND ($7::text[] IS NULL OR d.source = ANY($7))
        ORDER BY s.score DESC, c.id
        LIMIT $3`,
      [kbId, terms, topK, params.k1, params.b, filters.documentIds ?? null, filters.sources ?? null],
    );
    return rows.map(toHit);
  }
  /**
   * The collection statistics the answer gate's evidence score needs: live chunks in the KB and
   * each term's document frequency (postings of versions still indexing count, as in BM25).
   */
  async termStats(
    kbId: string,
    terms: string[],
    on: Executor = this.db.executor(this.db.pool),
  ): Promise<{ n: number; df: Map<string, number> }> {
    const { rows } = await on.query<{ n: number; df: Record<string, number> | null }>(
      `SELECT (SELECT count(*) FROM chunks c
                 JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id
                WHERE c.kb_id = $1)::int AS n,
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
