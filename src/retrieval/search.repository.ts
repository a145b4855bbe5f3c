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
   */
  async vectorSearch(
    kbId: string,
    embedderId: string,
    dimension: number,
    query: number[],
    topK: number,
  ): Promise<ChunkHit[]> {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new Error(`bad embedding dimension ${dimension}`);
    const cast = `vector(${dimension})`;
    const { rows } = await this.db.query<HitRow>(
      `SELECT c.id, c.document_id, c.version_id, d.title, c.text, c.heading_path, c.page, c.metadata,
              1 - ((c.embedding::${cast}) <=> $3::${cast}) AS score
         FROM chunks c
         JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id AND d.deleted_at IS NULL
        WHERE c.kb_id = $1 AND c.embedder = $2
        ORDER BY (c.embedding::${cast}) <=> $3::${cast}
        LIMIT $4`,
      [kbId, embedderId, toPgVector(query), topK],
    );
    return rows.map((r) => ({
      chunkId: String(r.id),
      documentId: r.document_id,
      versionId: r.version_id,
      title: r.title,
      text: r.text,
      headingPath: r.heading_path,
      page: r.page,
      metadata: r.metadata,
      score: Number(r.score),
    }));
  }
}
