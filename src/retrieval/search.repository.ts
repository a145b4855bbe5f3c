// Vector search over the chunks of current, live document versions of one KB.
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database';
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
  ): Promise<ChunkHit[]> {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new Error(`bad embedding dimension ${dimension}`);
    // Inlined (not user input) so the planner can match the embedder's partial index.
    if (!/^[\w.:-]+$/.test(embedderId)) throw new Error(`bad embedder id ${embedderId}`);
    const cast = `vector(${dimension})`;
    const vector = toPgVector(query);
    let pool = Math.max(topK * 4, 40);
    for (;;) {
      const { rows } = await this.db.query<{ candidates: number; hits: HitRow[] }>(
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
            ORDER BY cand.distance
            LIMIT $4)
         SELECT (SELECT count(*) FROM cand)::int AS candidates,
                (SELECT coalesce(json_agg(h ORDER BY h.distance), '[]'::json) FROM hits h) AS hits`,
        [kbId, vector, pool, topK],
      );
      const { candidates, hits } = rows[0]!;
      // Fewer candidates than asked for means the index has nothing more in this KB.
      if (hits.length >= topK || candidates < pool || pool >= 100_000) return hits.map(toHit);
      pool *= 4;
    }
  }
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
