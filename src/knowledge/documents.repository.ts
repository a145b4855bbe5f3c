// Documents, their versions and content-addressed blobs. Every method takes kbId first.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { Database } from '../database/database';

export type VersionStatus = 'queued' | 'parsing' | 'indexing' | 'ready' | 'failed' | 'superseded';

export interface DocumentVersion {
  id: string;
  documentId: string;
  seq: number;
  sha256: string;
  filename: string;
  mime: string;
  sizeBytes: number;
  status: VersionStatus;
  progress: number;
  error: string | null;
  /** What was wrong with a file that still became ready, one sentence each; empty when sound. */
  warnings: string[];
  chunkCount: number | null;
  timings: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
}

export interface DocumentRecord {
  id: string;
  kbId: string;
  title: string;
  source: string;
  sourceRef: string | null;
  currentVersionId: string | null;
  /** Normalized (trimmed, lowercased) labels for search filters. */
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
  /** The newest version: what an admin uploaded last, whatever its status. */
  latest: DocumentVersion;
}

export interface NewContent {
  filename: string;
  title: string;
  mime: string;
  sha256: string;
  bytes: Buffer;
  source: string;
  sourceRef: string | null;
  /** Set for documents a live source (folder, URL) owns. */
  sourceId?: string | null;
  /** Tags of a new document; an existing one keeps its own. */
  tags?: string[];
}

const DOC_COLUMNS = `d.id, d.kb_id, d.title, d.source, d.source_ref, d.current_version_id, d.tags, d.created_at,
  d.updated_at, row_to_json(v.*) AS latest`;
const LATEST_JOIN = `JOIN LATERAL (
    SELECT * FROM document_versions dv WHERE dv.document_id = d.id ORDER BY dv.seq DESC LIMIT 1
  ) v ON true`;

interface VersionJson {
  id: string;
  document_id: string;
  seq: number;
  sha256: string;
  filename: string;
  mime: string;
  size_bytes: number | string;
  status: VersionStatus;
  progress: number;
  error: string | null;
  /** Absent only in rows read before migration 0010 ran. */
  warnings?: string[] | null;
  chunk_count: number | null;
  timings: Record<string, number>;
  created_at: string | Date;
  updated_at: string | Date;
}

interface DocRow {
  id: string;
  kb_id: string;
  title: string;
  source: string;
  source_ref: string | null;
  current_version_id: string | null;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  latest: VersionJson;
}

export const toVersion = (v: VersionJson): DocumentVersion => ({
  id: v.id,
  documentId: v.document_id,
  seq: v.seq,
  sha256: v.sha256,
  filename: v.filename,
  mime: v.mime,
  sizeBytes: Number(v.size_bytes),
  status: v.status,
  progress: v.progress,
  error: v.error,
  warnings: v.warnings ?? [],
  chunkCount: v.chunk_count,
  timings: v.timings,
  createdAt: new Date(v.created_at),
  updatedAt: new Date(v.updated_at),
});

const toDoc = (r: DocRow): DocumentRecord => ({
  id: r.id,
  kbId: r.kb_id,
  title: r.title,
  source: r.source,
  sourceRef: r.source_ref,
  currentVersionId: r.current_version_id,
  tags: r.tags,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  latest: toVersion(r.latest),
});

@Injectable()
export class DocumentsRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  private async storeBlob(client: PoolClient, sha256: string, bytes: Buffer): Promise<void> {
    await client.query(
      `INSERT INTO blobs (sha256, size_bytes, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
      [sha256, bytes.length, bytes],
    );
  }

  private async insertVersion(client: PoolClient, kbId: string, documentId: string, seq: number, c: NewContent) {
    const { rows } = await client.query<VersionJson>(
      `INSERT INTO document_versions (id, kb_id, document_id, seq, sha256, filename, mime, size_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [randomUUID(), kbId, documentId, seq, c.sha256, c.filename, c.mime, c.bytes.length],
    );
    return toVersion(rows[0]!);
  }

  /**
   * Stores the blob, the document and its first version in one transaction — unless a live
   * document's newest version already has these bytes, which is returned instead. The
   * transaction-scoped advisory lock makes two identical concurrent uploads create one document.
   */
  async createDocument(kbId: string, c: NewContent): Promise<{ document: DocumentRecord; created: boolean }> {
    const { id, created } = await this.db.tx(async (client) => {
      if (!c.sourceId) {
        // Uploads: identical bytes already in the KB are the same document. Source documents
        // are keyed by their path or URL instead, so two equal files stay two documents.
        await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${kbId}:${c.sha256}`]);
        const existing = await client.query<{ id: string }>(
          `SELECT d.id FROM documents d ${LATEST_JOIN}
            WHERE d.kb_id = $1 AND d.deleted_at IS NULL AND d.source_id IS NULL AND v.sha256 = $2
            ORDER BY d.created_at LIMIT 1`,
          [kbId, c.sha256],
        );
        if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
      }
      const newId = randomUUID();
      await this.storeBlob(client, c.sha256, c.bytes);
      await client.query(
        `INSERT INTO documents (id, kb_id, source, source_ref, source_id, title, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [newId, kbId, c.source, c.sourceRef, c.sourceId ?? null, c.title, c.tags ?? []],
      );
      await this.insertVersion(client, kbId, newId, 1, c);
      return { id: newId, created: true };
    });
    return { document: (await this.get(kbId, id))!, created };
  }

  /** The live document a source holds at `ref` (a relative path or a URL). */
  async findBySourceRef(kbId: string, sourceId: string, ref: string): Promise<DocumentRecord | null> {
    const { rows } = await this.db.query<DocRow>(
      `SELECT ${DOC_COLUMNS} FROM documents d ${LATEST_JOIN}
        WHERE d.kb_id = $1 AND d.source_id = $2 AND d.source_ref = $3 AND d.deleted_at IS NULL`,
      [kbId, sourceId, ref],
    );
    return rows[0] ? toDoc(rows[0]) : null;
  }

  /** Every live document of a source with the sha256 of its newest version. */
  async sourceEntries(kbId: string, sourceId: string): Promise<{ ref: string; sha256: string }[]> {
    const { rows } = await this.db.query<{ ref: string; sha256: string }>(
      `SELECT d.source_ref AS ref, v.sha256 FROM documents d ${LATEST_JOIN}
        WHERE d.kb_id = $1 AND d.source_id = $2 AND d.deleted_at IS NULL`,
      [kbId, sourceId],
    );
    return rows;
  }

  async renameSourceRef(kbId: string, sourceId: string, from: string, to: string): Promise<void> {
    await this.db.query(
      `UPDATE documents SET source_ref = $4, updated_at = now()
        WHERE kb_id = $1 AND source_id = $2 AND source_ref = $3 AND deleted_at IS NULL`,
      [kbId, sourceId, from, to],
    );
  }

  /**
   * Adds a version unless the newest one already has these bytes. The document row is
   * locked so concurrent replacements get distinct sequence numbers.
   */
  async addVersion(
    kbId: string,
    documentId: string,
    c: NewContent,
  ): Promise<{ created: boolean; versionId: string } | null> {
    return this.db.tx(async (client) => {
      const doc = await client.query<{ id: string }>(
        `SELECT id FROM documents WHERE kb_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE`,
        [kbId, documentId],
      );
      if (!doc.rows[0]) return null;
      const latest = await client.query<{ id: string; seq: number; sha256: string }>(
        `SELECT id, seq, sha256 FROM document_versions WHERE document_id = $1 ORDER BY seq DESC LIMIT 1`,
        [documentId],
      );
      const top = latest.rows[0];
      if (top && top.sha256 === c.sha256) return { created: false, versionId: top.id };
      await this.storeBlob(client, c.sha256, c.bytes);
      const v = await this.insertVersion(client, kbId, documentId, (top?.seq ?? 0) + 1, c);
      await client.query(`UPDATE documents SET updated_at = now() WHERE id = $1`, [documentId]);
      return { created: true, versionId: v.id };
    });
  }

  /** Replaces a live document's tags; false when there is no such document. */
  async setTags(kbId: string, documentId: string, tags: string[]): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE documents SET tags = $3, updated_at = now() WHERE kb_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [kbId, documentId, tags],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Bytes the KB holds: the newest version of every live document. */
  async storedBytes(kbId: string): Promise<number> {
    const { rows } = await this.db.query<{ total: string | null }>(
      `SELECT sum(v.size_bytes) AS total FROM documents d ${LATEST_JOIN} WHERE d.kb_id = $1 AND d.deleted_at IS NULL`,
      [kbId],
    );
    return Number(rows[0]?.total ?? 0);
  }

  async get(kbId: string, documentId: string): Promise<DocumentRecord | null> {
    const { rows } = await this.db.query<DocRow>(
      `SELECT ${DOC_COLUMNS} FROM documents d ${LATEST_JOIN}
        WHERE d.kb_id = $1 AND d.id = $2 AND d.deleted_at IS NULL`,
      [kbId, documentId],
    );
    return rows[0] ? toDoc(rows[0]) : null;
  }

  async list(kbId: string, opts: { limit: number; offset: number; status?: VersionStatus }): Promise<DocumentRecord[]> {
    const { rows } = await this.db.query<DocRow>(
      `SELECT ${DOC_COLUMNS} FROM documents d ${LATEST_JOIN}
        WHERE d.kb_id = $1 AND d.deleted_at IS NULL AND ($4::text IS NULL OR v.status = $4)
        ORDER BY d.created_at, d.id LIMIT $2 OFFSET $3`,
      [kbId, opts.limit, opts.offset, opts.status ?? null],
    );
    return rows.map(toDoc);
  }

  async versions(kbId: string, documentId: string): Promise<DocumentVersion[]> {
    const { rows } = await this.db.query<VersionJson>(
      `SELECT * FROM document_versions WHERE kb_id = $1 AND document_id = $2 ORDER BY seq DESC`,
      [kbId, documentId],
    );
    return rows.map(toVersion);
  }

  /** The parsed Markdown of the version that currently serves searches. */
  async currentMarkdown(kbId: string, documentId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ markdown: string | null }>(
      `SELECT v.markdown FROM documents d JOIN document_versions v ON v.id = d.current_version_id
        WHERE d.kb_id = $1 AND d.id = $2 AND d.deleted_at IS NULL`,
      [kbId, documentId],
    );
    return rows[0]?.markdown ?? null;
  }

  /** Hides the document and drops its chunks in one transaction: search sees all or nothing. */
  async delete(kbId: string, documentId: string): Promise<boolean> {
    return this.db.tx(async (client) => {
      const { rowCount } = await client.query(
        `UPDATE documents SET deleted_at = now(), current_version_id = NULL, updated_at = now()
          WHERE kb_id = $1 AND id = $2 AND deleted_at IS NULL`,
        [kbId, documentId],
      );
      if (!rowCount) return false;
      await client.query(`DELETE FROM chunks WHERE kb_id = $1 AND document_id = $2`, [kbId, documentId]);
      return true;
    });
  }
}
