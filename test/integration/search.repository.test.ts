// Vector search on real pgvector: chunks of versions still being indexed must not crowd out
// the current ones, and a KB never sees another KB's chunks.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/database/database';
import { migrate } from '../../src/database/migrator';
import { BuiltinEmbedder } from '../../src/inference/builtin-embedder';
import { toPgVector } from '../../src/inference/embedder';
import { SearchRepository } from '../../src/retrieval/search.repository';
import { createTestDatabase } from '../support/services';

let db: Database;
let drop: () => Promise<void>;
const embedder = new BuiltinEmbedder();

beforeAll(async () => {
  const t = await createTestDatabase('search');
  drop = t.drop;
  db = new Database({ connectionString: t.url, maxConnections: 2 });
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

async function document(kbId: string, texts: string[], current: boolean) {
  const docId = randomUUID();
  const versionId = randomUUID();
  await db.tx(async (c) => {
    await c.query(`INSERT INTO blobs (sha256, size_bytes, content) VALUES ('x', 0, '') ON CONFLICT DO NOTHING`);
    await c.query(`INSERT INTO documents (id, kb_id, title, current_version_id) VALUES ($1, $2, 't', $3)`, [
      docId,
      kbId,
      current ? versionId : null,
    ]);
    await c.query(
      `INSERT INTO document_versions (id, kb_id, document_id, seq, sha256, filename, mime, size_bytes)
       VALUES ($1, $2, $3, 1, 'x', 'a.md', 'text/markdown', 0)`,
      [versionId, kbId, docId],
    );
    const vectors = await embedder.embed(texts);
    await c.query(
      `INSERT INTO chunks (kb_id, document_id, version_id, ordinal, text, embedder, embedding)
       SELECT $1, $2, $3, u.o, u.t, $4, u.e::vector FROM unnest($5::int[], $6::text[], $7::text[]) AS u(o, t, e)`,
      [kbId, docId, versionId, embedder.id, texts.map((_, i) => i), texts, vectors.map(toPgVector)],
    );
  });
  return docId;
}

async function kb(slug: string) {
  const id = randomUUID();
  await db.query(`INSERT INTO knowledge_bases (id, slug, name) VALUES ($1, $2, $2)`, [id, slug]);
  return id;
}

describe('SearchRepository.vectorSearch', () => {
  it('finds current chunks even when a version being indexed has many closer ones', async () => {
    const kbId = await kb('crowded');
    const live = await document(kbId, ['The reimbursement form for travel expenses is FIN-22.'], true);
    // 600 near-duplicates of the query in a version that is not current yet.
    await document(
      kbId,
      Array.from({ length: 600 }, (_, i) => `travel expenses reimbursement form number ${i}`),
      false,
    );
    const [q] = await embedder.embed(['travel expenses reimbursement form']);
    const hits = await new SearchRepository(db).vectorSearch(kbId, embedder.id, 512, q!, 5);
    expect(hits.map((h) => h.documentId)).toEqual([live]);
    expect(hits[0]!.text).toContain('FIN-22');
  });

  it('keeps knowledge bases apart', async () => {
    const a = await kb('kb-a');
    const b = await kb('kb-b');
    await document(a, ['Alpha secret: the vault opens at dawn.'], true);
    const inB = await document(b, ['Bravo note: the garden opens at noon.'], true);
    const [q] = await embedder.embed(['when does the vault open']);
    const hits = await new SearchRepository(db).vectorSearch(b, embedder.id, 512, q!, 10);
    expect(hits.map((h) => h.documentId)).toEqual([inB]);
  });
});
