// All SQL of the ingest job: load a version, report progress, write chunks, switch atomically.
import type { PoolClient } from 'pg';
import type { Database } from '../../src/database/database';
import { toPgVector } from '../../src/inference/embedder';
import { ANALYZER_VERSION } from '../../src/retrieval/tokenizer';
import type { Chunk } from '../chunking/chunker';

export interface VersionToIngest {
  versionId: string;
  kbId: string;
  documentId: string;
  seq: number;
  filename: string;
  status: string;
  documentDeleted: boolean;
  kbSettings: Record<string, unknown>;
  /** The KB's active embedder when the version was loaded. */
  kbEmbedder: string;
  content: Buffer;
}

/** A chunk ready to store: its embedding and its BM25 term frequencies. */
export interface IndexedChunk {
  chunk: Chunk;
  vector: number[];
  terms: Map<string, number>;
}

export type ActivateOutcome = 'activated' | 'stale' | 'document_deleted';

/** Another run claimed the version after this one did; this run must stop writing. */
export class LostClaimError extends Error {
  override name = 'LostClaimError';
  constructor(versionId: string) {
    super(`Another ingest run took over version ${versionId}`);
  }
}

/** The KB switched embedders since this run embedded its batch; embed again with `current`. */
export class EmbedderChangedError extends Error {
  override name = 'EmbedderChangedError';
  constructor(readonly current: string) {
    super(`The knowledge base now embeds with ${current}`);
  }
}

/**
 * The BM25 postings of chunks just inserted: one row per (term, chunk) with its tf, and the
 * chunk's length on every posting so BM25 scores from postings alone. The ingest job's writer,
 * shared by the benchmarks and repository tests that load chunks directly.
 */
export async function insertPostings(
  c: PoolClient,
  kbId: string,
  chunks: { id: string; terms: ReadonlyMap<string, number>; length: number }[],
): Promise<void> {
  const terms: string[] = [];
  const ids: string[] = [];
  const tfs: number[] = [];
  const lens: number[] = [];
  for (const chunk of chunks) {
    for (const [term, tf] of chunk.terms) {
      terms.push(term);
      ids.push(chunk.id);
      tfs.push(tf);
      lens.push(chunk.length);
    }
  }
  await c.query(
    `INSERT INTO chunk_terms (kb_id, term, chunk_id, tf, lexical_length)
     SELECT $1, u.term, u.chunk_id, u.tf, u.len
       FROM unnest($2::text[], $3::bigint[], $4::int[], $5::int[]) AS u(term, chunk_id, tf, len)`,
    [kbId, terms, ids, tfs, lens],
  );
}

export class IngestRepository {
  constructor(private readonly db: Database) {}

  async load(versionId: string): Promise<VersionToIngest | null> {
    const { rows } = await this.db.query<{
      id: string;
      kb_id: string;
      document_id: string;
      seq: number;
      filename: string;
      status: string;
      deleted: boolean;
      settings: Record<string, unknown>;
      embedder: string;
      content: Buffer;
    }>(
      `SELECT v.id, v.kb_id, v.document_id, v.seq, v.filename, v.status, d.deleted_at IS NOT NULL AS deleted,
              k.settings, k.embedder, b.content
         FROM document_versions v
         JOIN documents d ON d.id = v.document_id
         JOIN knowledge_bases k ON k.id = v.kb_id
         JOIN blobs b ON b.sha256 = v.sha256
        WHERE v.id = $1`,
      [versionId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      versionId: r.id,
      kbId: r.kb_id,
      documentId: r.document_id,
      seq: r.seq,
      filename: r.filename,
      status: r.status,
      documentDeleted: r.deleted,
      kbSettings: r.settings,
      kbEmbedder: r.embedder,
      content: r.content,
    };
  }

  /**
   * Starts a run: a fresh token makes every earlier run of this version stop at its next
   * write. Returns false when the version is already finished.
   */
  async claim(versionId: string, token: string, attempt: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE document_versions SET run_token = $2, status = 'parsing', progress = 0.05, attempts = $3, error = NULL,
              warnings = '{}', updated_at = now()
        WHERE id = $1 AND status NOT IN ('ready', 'superseded')`,
      [versionId, token, attempt],
    );
    return (rowCount ?? 0) > 0;
  }

  async setStage(versionId: string, token: string, status: 'parsing' | 'indexing', progress: number): Promise<void> {
    const { rowCount } = await this.db.query(
      `UPDATE document_versions SET status = $3, progress = $4, updated_at = now() WHERE id = $1 AND run_token = $2`,
      [versionId, token, status, progress],
    );
    if (!rowCount) throw new LostClaimError(versionId);
  }

  async setProgress(versionId: string, token: string, progress: number): Promise<void> {
    const { rowCount } = await this.db.query(
      `UPDATE document_versions SET progress = $3, updated_at = now() WHERE id = $1 AND run_token = $2`,
      [versionId, token, progress],
    );
    if (!rowCount) throw new LostClaimError(versionId);
  }

  /**
   * Runs fn in a transaction holding a share lock on the version row with this run's token.
   * A newer claim (an UPDATE of that row) waits for the transaction, and after it commits
   * this run's next fenced write fails — so two runs never interleave chunk writes.
   */
  private async fenced<T>(versionId: string, token: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.db.tx(async (client) => {
      const { rowCount } = await client.query(
        `SELECT 1 FROM document_versions WHERE id = $1 AND run_token = $2 FOR SHARE`,
        [versionId, token],
      );
      if (!rowCount) throw new LostClaimError(versionId);
      return fn(client);
    });
  }

  /** A retry starts from nothing: whatever a crashed attempt inserted is removed first. */
  async clearChunks(kbId: string, versionId: string, token: string): Promise<void> {
    await this.fenced(versionId, token, (c) =>
      c.query(`DELETE FROM chunks WHERE kb_id = $1 AND version_id = $2`, [kbId, versionId]),
    );
  }

  async insertChunks(
    kbId: string,
    documentId: string,
    versionId: string,
    token: string,
    embedderId: string,
    chunks: IndexedChunk[],
  ): Promise<void> {
    const lengths = chunks.map((x) => [...x.terms.values()].reduce((a, b) => a + b, 0));
    await this.fenced(versionId, token, async (c) => {
      // The share lock orders this insert with a re-embed's switch (which takes the row FOR
      // UPDATE): chunks land either before it, and are switched with the rest, or after it, and
      // must then carry the new embedder's vectors.
      const { rows: kb } = await c.query<{ embedder: string }>(
        `SELECT embedder FROM knowledge_bases WHERE id = $1 FOR SHARE`,
        [kbId],
      );
      if (kb[0] && kb[0].embedder !== embedderId) throw new EmbedderChangedError(kb[0].embedder);
      const { rows } = await c.query<{ id: string; ordinal: number }>(
        `INSERT INTO chunks (kb_id, document_id, version_id, ordinal, text, heading_path, page, metadata, embedder, embedding,
                             lexical_length, analyzer)
         SELECT $1, $2, $3, u.ordinal, u.text,
                ARRAY(SELECT jsonb_array_elements_text(u.heading_path)), u.page, u.metadata, $4, u.embedding::vector,
                u.lexical_length, $11
           FROM unnest($5::int[], $6::text[], $7::jsonb[], $8::int[], $9::jsonb[], $10::text[], $12::int[])
             AS u(ordinal, text, heading_path, page, metadata, embedding, lexical_length)
         RETURNING id, ordinal`,
        [
          kbId,
          documentId,
          versionId,
          embedderId,
          chunks.map((x) => x.chunk.ordinal),
          chunks.map((x) => x.chunk.text),
          chunks.map((x) => JSON.stringify(x.chunk.headingPath)),
          chunks.map((x) => x.chunk.page),
          chunks.map((x) => JSON.stringify(x.chunk.metadata)),
          chunks.map((x) => toPgVector(x.vector)),
          ANALYZER_VERSION,
          lengths,
        ],
      );
      const idByOrdinal = new Map(rows.map((r) => [r.ordinal, r.id]));
      await insertPostings(
        c,
        kbId,
        chunks.map((x, i) => ({ id: idByOrdinal.get(x.chunk.ordinal)!, terms: x.terms, length: lengths[i]! })),
      );
    });
  }

  /**
   * The hot-update switch, in one transaction: the version becomes current, the previous
   * version's chunks go, and the previous version is marked superseded. A version older than
   * the one already current (a slow job overtaken by a newer upload) is dropped instead.
   */
  async activate(
    v: VersionToIngest,
    token: string,
    result: {
      markdown: string;
      title: string;
      chunkCount: number;
      timings: Record<string, number>;
      /** What was wrong with a file that still parsed; none for a sound one. */
      warnings?: string[];
    },
  ): Promise<ActivateOutcome> {
    return this.fenced(v.versionId, token, async (client) => {
      const doc = await client.query<{
        current_version_id: string | null;
        deleted: boolean;
        current_seq: number | null;
      }>(
        `SELECT d.current_version_id, d.deleted_at IS NOT NULL AS deleted, cv.seq AS current_seq
           FROM documents d LEFT JOIN document_versions cv ON cv.id = d.current_version_id
          WHERE d.id = $1 AND d.kb_id = $2 FOR UPDATE OF d`,
        [v.documentId, v.kbId],
      );
      const row = doc.rows[0];
      const finish = (status: 'ready' | 'superseded') =>
        client.query(
          `UPDATE document_versions SET status = $2, progress = 1, error = NULL, markdown = $3, chunk_count = $4,
                  timings = $5, warnings = $6::text[], updated_at = now() WHERE id = $1`,
          [
            v.versionId,
            status,
            result.markdown,
            result.chunkCount,
            JSON.stringify(result.timings),
            result.warnings ?? [],
          ],
        );
      if (!row || row.deleted) {
        await client.query(`DELETE FROM chunks WHERE kb_id = $1 AND version_id = $2`, [v.kbId, v.versionId]);
        await finish('superseded');
        return 'document_deleted';
      }
      if (row.current_seq !== null && row.current_seq > v.seq) {
        await client.query(`DELETE FROM chunks WHERE kb_id = $1 AND version_id = $2`, [v.kbId, v.versionId]);
        await finish('superseded');
        return 'stale';
      }
      await client.query(`UPDATE documents SET current_version_id = $2, title = $3, updated_at = now() WHERE id = $1`, [
        v.documentId,
        v.versionId,
        result.title,
      ]);
      if (row.current_version_id && row.current_version_id !== v.versionId) {
        await client.query(`DELETE FROM chunks WHERE kb_id = $1 AND version_id = $2`, [v.kbId, row.current_version_id]);
        await client.query(`UPDATE document_versions SET status = 'superseded', updated_at = now() WHERE id = $1`, [
          row.current_version_id,
        ]);
      }
      await finish('ready');
      return 'activated';
    });
  }

  /** The final failure, with a reason an admin can act on. The current version keeps serving. */
  async fail(kbId: string, versionId: string, token: string, reason: string): Promise<void> {
    await this.fenced(versionId, token, async (c) => {
      await c.query(`DELETE FROM chunks WHERE kb_id = $1 AND version_id = $2`, [kbId, versionId]);
      await c.query(`UPDATE document_versions SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`, [
        versionId,
        reason.slice(0, 2000),
      ]);
    });
  }

  /** Versions a crashed API or lost Redis write may have left without a job. */
  async unfinished(): Promise<{ kbId: string; documentId: string; versionId: string }[]> {
    const { rows } = await this.db.query<{ kb_id: string; document_id: string; id: string }>(
      `SELECT v.kb_id, v.document_id, v.id FROM document_versions v JOIN documents d ON d.id = v.document_id
        WHERE v.status IN ('queued', 'parsing', 'indexing') AND d.deleted_at IS NULL ORDER BY v.created_at`,
    );
    return rows.map((r) => ({ kbId: r.kb_id, documentId: r.document_id, versionId: r.id }));
  }
}
