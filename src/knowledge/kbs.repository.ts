import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database';

export interface KnowledgeBase {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

interface KbRow {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const toKb = (r: KbRow): KnowledgeBase => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  settings: r.settings,
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

  /** Deletes the KB and, by cascade, its documents, versions and chunks in one statement. */
  async delete(kbId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM knowledge_bases WHERE id = $1', [kbId]);
    return (rowCount ?? 0) > 0;
  }
}
