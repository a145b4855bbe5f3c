// Live sources and their per-URL fetch state. Every method takes kbId or a source id.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database';

export interface FolderSourceConfig {
  kind: 'folder';
  path: string;
  include?: string[];
}

export interface UrlSourceConfig {
  kind: 'url';
  urls?: string[];
  sitemap?: string;
  /** Intranet deployments may fetch private addresses; off by default (SSRF). */
  allowPrivate?: boolean;
}

export type SourceConfig = FolderSourceConfig | UrlSourceConfig;

export interface Source {
  id: string;
  kbId: string;
  kind: 'folder' | 'url';
  config: SourceConfig;
  intervalSec: number;
  lastSyncAt: Date | null;
  lastReport: Record<string, unknown> | null;
  lastError: string | null;
  createdAt: Date;
}

interface SourceRow {
  id: string;
  kb_id: string;
  kind: 'folder' | 'url';
  config: SourceConfig;
  interval_sec: number;
  last_sync_at: Date | null;
  last_report: Record<string, unknown> | null;
  last_error: string | null;
  created_at: Date;
}

const toSource = (r: SourceRow): Source => ({
  id: r.id,
  kbId: r.kb_id,
  kind: r.kind,
  config: r.config,
  intervalSec: r.interval_sec,
  lastSyncAt: r.last_sync_at,
  lastReport: r.last_report,
  lastError: r.last_error,
  createdAt: r.created_at,
});

export interface UrlState {
  etag?: string;
  lastModified?: string;
  sha256?: string;
  lastFetchedAt?: Date;
}

@Injectable()
export class SourcesRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async create(kbId: string, config: SourceConfig, intervalSec: number): Promise<Source> {
    const { rows } = await this.db.query<SourceRow>(
      `INSERT INTO sources (id, kb_id, kind, config, interval_sec) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [randomUUID(), kbId, config.kind, JSON.stringify(config), intervalSec],
    );
    return toSource(rows[0]!);
  }

  async list(kbId: string): Promise<Source[]> {
    const { rows } = await this.db.query<SourceRow>(`SELECT * FROM sources WHERE kb_id = $1 ORDER BY created_at`, [
      kbId,
    ]);
    return rows.map(toSource);
  }

  async all(kind?: 'folder' | 'url'): Promise<Source[]> {
    const { rows } = await this.db.query<SourceRow>(
      `SELECT * FROM sources WHERE $1::text IS NULL OR kind = $1 ORDER BY created_at`,
      [kind ?? null],
    );
    return rows.map(toSource);
  }

  async get(kbId: string, id: string): Promise<Source | null> {
    const { rows } = await this.db.query<SourceRow>(`SELECT * FROM sources WHERE kb_id = $1 AND id = $2`, [kbId, id]);
    return rows[0] ? toSource(rows[0]) : null;
  }

  async byId(id: string): Promise<Source | null> {
    const { rows } = await this.db.query<SourceRow>(`SELECT * FROM sources WHERE id = $1`, [id]);
    return rows[0] ? toSource(rows[0]) : null;
  }

  async recordSync(id: string, report: Record<string, unknown>, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE sources SET last_sync_at = now(), last_report = $2, last_error = $3, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(report), error],
    );
  }

  /**
   * Deletes the source and, in the same transaction, the documents it created: a KB mirrors its
   * sources, so what the source brought in goes with it.
   */
  async delete(kbId: string, id: string): Promise<boolean> {
    return this.db.tx(async (c) => {
      await c.query(
        `UPDATE documents SET deleted_at = now(), current_version_id = NULL, updated_at = now()
          WHERE kb_id = $1 AND source_id = $2 AND deleted_at IS NULL`,
        [kbId, id],
      );
      await c.query(
        `DELETE FROM chunks WHERE kb_id = $1 AND document_id IN (SELECT id FROM documents WHERE source_id = $2)`,
        [kbId, id],
      );
      const { rowCount } = await c.query(`DELETE FROM sources WHERE kb_id = $1 AND id = $2`, [kbId, id]);
      return (rowCount ?? 0) > 0;
    });
  }

  async getUrlState(sourceId: string, url: string): Promise<UrlState | undefined> {
    const { rows } = await this.db.query<{
      etag: string | null;
      last_modified: string | null;
      sha256: string | null;
      last_fetched_at: Date | null;
    }>(`SELECT etag, last_modified, sha256, last_fetched_at FROM url_source_state WHERE source_id = $1 AND url = $2`, [
      sourceId,
      url,
    ]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      etag: r.etag ?? undefined,
      lastModified: r.last_modified ?? undefined,
      sha256: r.sha256 ?? undefined,
      lastFetchedAt: r.last_fetched_at ?? undefined,
    };
  }

  async setUrlState(sourceId: string, url: string, s: UrlState): Promise<void> {
    await this.db.query(
      `INSERT INTO url_source_state (source_id, url, etag, last_modified, sha256, last_fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_id, url) DO UPDATE
         SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, sha256 = EXCLUDED.sha256,
             last_fetched_at = EXCLUDED.last_fetched_at`,
      [sourceId, url, s.etag ?? null, s.lastModified ?? null, s.sha256 ?? null, s.lastFetchedAt ?? null],
    );
  }

  async deleteUrlState(sourceId: string, url: string): Promise<void> {
    await this.db.query(`DELETE FROM url_source_state WHERE source_id = $1 AND url = $2`, [sourceId, url]);
  }
}
