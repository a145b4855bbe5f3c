// Writes KBs, documents, versions and indexed chunks (embedding + BM25 postings) straight into
// the database, for repository tests that need exact control over which versions exist.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/database/database';
import { Tokenizer } from '../../src/retrieval/tokenizer';
import { insertChunkRows } from '../../bench/chunk-rows';

export const tokenizer = new Tokenizer();

export async function insertKb(db: Database, slug: string): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO knowledge_bases (id, slug, name) VALUES ($1, $2, $2)`, [id, slug]);
  return id;
}

/** A new version of a document (seq after its others) with one chunk per text; not made current. */
export async function insertVersion(db: Database, kbId: string, docId: string, texts: string[]): Promise<string> {
  const versionId = randomUUID();
  await db.tx(async (c) => {
    await c.query(`INSERT INTO blobs (sha256, size_bytes, content) VALUES ('x', 0, '') ON CONFLICT DO NOTHING`);
    await c.query(
      `INSERT INTO document_versions (id, kb_id, document_id, seq, sha256, filename, mime, size_bytes)
       SELECT $1, $2, $3, coalesce(max(seq), 0) + 1, 'x', 'a.md', 'text/markdown', 0
         FROM document_versions WHERE document_id = $3`,
      [versionId, kbId, docId],
    );
    await insertChunkRows(c, { kbId, docId, versionId }, texts);
  });
  return versionId;
}

/**
 * A document whose one version has a chunk per text; `current: false` leaves that version
 * unfinished (still indexing), so search must not see it.
 */
export async function insertDocument(
  db: Database,
  kbId: string,
  texts: string[],
  opts: { current?: boolean; tags?: string[] } = {},
): Promise<{ docId: string; versionId: string }> {
  const docId = randomUUID();
  await db.query(`INSERT INTO documents (id, kb_id, title, tags) VALUES ($1, $2, 't', $3)`, [
    docId,
    kbId,
    opts.tags ?? [],
  ]);
  const versionId = await insertVersion(db, kbId, docId, texts);
  if (opts.current ?? true)
    await db.query(`UPDATE documents SET current_version_id = $2 WHERE id = $1`, [docId, versionId]);
  return { docId, versionId };
}
