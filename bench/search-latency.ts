// Search latency at 10k and 100k chunks: Fennel's HNSW search against an exact scan of the same
// rows in the same database (the baseline), with recall@10 of the index against the exact answer.
import { randomUUID } from 'node:crypto';
import { BuiltinEmbedder } from '../src/inference/builtin-embedder';
import { toPgVector } from '../src/inference/embedder';
import { SearchRepository } from '../src/retrieval/search.repository';
import type { BenchDb } from './bench-db';
import type { TextSource } from './text-source';

export interface LatencyRow {
  db: string;
  chunks: number;
  hnswP50: number;
  hnswP95: number;
  exactP50: number;
  exactP95: number;
  recallAt10: number;
  insertPerSec: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function seedDocument(b: BenchDb) {
  const kbId = randomUUID();
  const docId = randomUUID();
  const versionId = randomUUID();
  await b.db.tx(async (c) => {
    await c.query(`INSERT INTO knowledge_bases (id, slug, name) VALUES ($1, $2, 'bench')`, [
      kbId,
      `bench-${kbId.slice(0, 8)}`,
    ]);
    await c.query(`INSERT INTO blobs (sha256, size_bytes, content) VALUES ($1, 0, '') ON CONFLICT DO NOTHING`, [
      'bench',
    ]);
    await c.query(`INSERT INTO documents (id, kb_id, title, current_version_id) VALUES ($1, $2, 'bench', $3)`, [
      docId,
      kbId,
      versionId,
    ]);
    await c.query(
      `INSERT INTO document_versions (id, kb_id, document_id, seq, sha256, filename, mime, size_bytes, status)
       VALUES ($1, $2, $3, 1, 'bench', 'bench.md', 'text/markdown', 0, 'ready')`,
      [versionId, kbId, docId],
    );
  });
  return { kbId, docId, versionId };
}

async function insertChunks(
  b: BenchDb,
  ids: { kbId: string; docId: string; versionId: string },
  from: number,
  to: number,
  text: TextSource,
) {
  const embedder = new BuiltinEmbedder();
  for (let i = from; i < to; i += 1000) {
    const n = Math.min(1000, to - i);
    const texts = Array.from({ length: n }, () => text.window(60));
    const vectors = await embedder.embed(texts);
    await b.db.query(
      `INSERT INTO chunks (kb_id, document_id, version_id, ordinal, text, embedder, embedding)
       SELECT $1, $2, $3, u.ordinal, u.text, $4, u.embedding::vector
         FROM unnest($5::int[], $6::text[], $7::text[]) AS u(ordinal, text, embedding)`,
      [ids.kbId, ids.docId, ids.versionId, embedder.id, texts.map((_, k) => i + k), texts, vectors.map(toPgVector)],
    );
  }
}

async function measure(
  b: BenchDb,
  kbId: string,
  chunks: number,
  text: TextSource,
  queries: number,
): Promise<Omit<LatencyRow, 'insertPerSec'>> {
  const repo = new SearchRepository(b.db);
  const embedder = new BuiltinEmbedder();
  const qs = await embedder.embed(Array.from({ length: queries }, () => text.window(8)));
  const hnsw: number[] = [];
  const exact: number[] = [];
  let overlap = 0;
  // Warm up caches so the first queries do not measure disk reads of the index.
  for (const q of qs.slice(0, 10)) await repo.vectorSearch(kbId, embedder.id, embedder.dimension, q, 10);
  for (const q of qs) {
    let t = performance.now();
    const approx = await repo.vectorSearch(kbId, embedder.id, embedder.dimension, q, 10);
    hnsw.push(performance.now() - t);
    t = performance.now();
    const truth = await b.db.withClient(async (c) => {
      await c.query('BEGIN');
      await c.query('SET LOCAL enable_indexscan = off');
      await c.query('SET LOCAL enable_bitmapscan = off');
      const r = await c.query<{ id: string }>(
        `SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id
          WHERE c.kb_id = $1 AND c.embedder = $2 ORDER BY (c.embedding::vector(512)) <=> $3::vector(512) LIMIT 10`,
        [kbId, embedder.id, toPgVector(q)],
      );
      await c.query('COMMIT');
      return r.rows.map((x) => String(x.id));
    });
    exact.push(performance.now() - t);
    const got = new Set(approx.map((h) => h.chunkId));
    overlap += truth.filter((id) => got.has(id)).length / Math.max(truth.length, 1);
  }
  return {
    db: b.kind,
    chunks,
    hnswP50: pct(hnsw, 50),
    hnswP95: pct(hnsw, 95),
    exactP50: pct(exact, 50),
    exactP95: pct(exact, 95),
    recallAt10: overlap / qs.length,
  };
}

export async function searchLatency(
  b: BenchDb,
  text: TextSource,
  sizes: number[],
  queries: number,
  log: (s: string) => void,
): Promise<LatencyRow[]> {
  const ids = await seedDocument(b);
  const rows: LatencyRow[] = [];
  let have = 0;
  for (const size of sizes) {
    const t = performance.now();
    await insertChunks(b, ids, have, size, text);
    const insertPerSec = (size - have) / ((performance.now() - t) / 1000);
    have = size;
    await b.db.query('ANALYZE chunks');
    const row = { ...(await measure(b, ids.kbId, size, text, queries)), insertPerSec };
    log(
      `  ${b.kind} ${size} chunks: hnsw p50 ${row.hnswP50.toFixed(1)} ms p95 ${row.hnswP95.toFixed(1)} ms; exact p50 ${row.exactP50.toFixed(1)} ms; recall@10 ${row.recallAt10.toFixed(3)}`,
    );
    rows.push(row);
  }
  return rows;
}
