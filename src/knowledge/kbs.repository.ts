import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database';

/** Where a KB's vectors come from, and the move to another embedder while one runs. */
export interface EmbeddingStatus {
  /** The embedder of the vectors searches use now. */
  active: string;
  /** The embedder being moved to, until the switch; null when none is under way. */
  target: string | null;
  state: 'ready' | 'queued' | 'embedding' | 'failed';
  requestId?: string;
  done?: number;
  total?: number;
  error?: string;
  /** The embedder switched away from, after a move. */
  previous?: string;
  updatedAt?: string;
}

export interface KnowledgeBase {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
  embedding: EmbeddingStatus;
  createdAt: Date;
  updatedAt: Date;
}

interface KbRow {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
  embedder: string;
  embedding_target: string | null;
  embedding_state: Partial<EmbeddingStatus>;
  created_at: Date;
  updated_at: Date;
}

const toKb = (r: KbRow): KnowledgeBase => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  settings: r.settings,
  embedding: { state: 'ready', ...r.embedding_state, active: r.embedder, target: r.embedding_target },
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class KbsRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Returns null when the slug is taken. */
  async create(slug: string, name: string, settings: Record<string, unknown>): Promise<KnowledgeBase | null> {
    const { rows } = await this.db.query<KbRow>(
      `INSERT INTO knowledge_bases (id, slug, name, settings) VALUES ($1, $2, $3, $4)
       ON CONFLICT (slug) DO NOTHING RETURNING *`,
      [randomUUID(), slug, name, settings],
    );
    return rows[0] ? toKb(rows[0]) : null;
  }

  /** `ref` is the id or the slug. */
  async find(ref: string): Promise<KnowledgeBase | null> {
    const { rows } = UUID.test(ref)
      ? await this.db.query<KbRow>('SELECT * FROM knowledge_bases WHERE id = $1', [ref])
      : await this.db.query<KbRow>('SELECT * FROM knowledge_bases WHERE slug = $1', [ref]);
    return rows[0] ? toKb(rows[0]) : null;
  }

  async list(): Promise<KnowledgeBase[]> {
    const { rows } = await this.db.query<KbRow>('SELECT * FROM knowledge_bases ORDER BY created_at, slug');
    return rows.map(toKb);
  }

  async update(
    kbId: string,
    patch: { name?: string; settings?: Record<string, unknown> },
  ): Promise<KnowledgeBase | null> {
    const { rows } = await this.db.query<KbRow>(
      `UPDATE knowledge_bases
          SET name = COALESCE($2, name),
              settings = CASE WHEN $3::jsonb IS NULL THEN settings ELSE settings || $3::jsonb END,
              updated_at = now()
        WHERE id = $1 RETURNING *`,
      [kbId, patch.name ?? null, patch.settings ? JSON.stringify(patch.settings) : null],
    );
    return rows[0] ? toKb(rows[0]) : null;
  }

  /**
   * Records the embedder the KB should move to (null: stay on the active one). Vectors staged for
   * any other target are dropped in the same transaction.
   */
  async setEmbeddingTarget(
    kbId: string,
    target: string | null,
    state: Partial<EmbeddingStatus>,
  ): Promise<KnowledgeBase | null> {
    return this.db.tx(async (c) => {
      const { rows } = await c.query<KbRow>(
        `UPDATE knowledge_bases SET embedding_target = $2, embedding_state = $3, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [kbId, target, { ...state, updatedAt: new Date().toISOString() }],
      );
      await c.query(`DELETE FROM chunk_embeddings WHERE kb_id = $1 AND embedder IS DISTINCT FROM $2`, [kbId, target]);
      return rows[0] ? toKb(rows[0]) : null;
    });
  }

  /** Deletes the KB and, by cascade, its documents, versions and chunks in one statement. */
  async delete(kbId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM knowledge_bases WHERE id = $1', [kbId]);
    return (rowCount ?? 0) > 0;
  }
}
