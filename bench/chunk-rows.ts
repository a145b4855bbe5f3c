// Chunks with their built-in embeddings and BM25 postings written straight into the database,
// as the ingest job indexes them (its own postings writer): for benchmarks that load many chunks fast and for repository
// tests that need exact control over versions.
import type { PoolClient } from 'pg';
import { BuiltinEmbedder } from '../src/inference/builtin-embedder';
import { toPgVector } from '../src/inference/embedder';
import { termFrequencies } from '../src/retrieval/bm25';
import { tokenizerFor } from '../src/retrieval/tokenizers';
import { insertPostings } from '../workers/ingest/ingest.repository';

const embedder = new BuiltinEmbedder();

/** One chunk per text (ordinal = index) in the version, with its vector, length and postings. */
export async function insertChunkRows(
  c: PoolClient,
  ids: { kbId: string; docId: string; versionId: string },
  texts: string[],
): Promise<void> {
  const tokenizer = tokenizerFor({});
  const vectors = await embedder.embed(texts);
  const tfs = texts.map((t) => termFrequencies(tokenizer.tokenize(t)));
  const lengths = tfs.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
  const { rows } = await c.query<{ id: string; ordinal: number }>(
    `INSERT INTO chunks (kb_id, document_id, version_id, ordinal, text, embedder, embedding, lexical_length)
     SELECT $1, $2, $3, u.o, u.t, $4, u.e::vector, u.l
       FROM unnest($5::int[], $6::text[], $7::text[], $8::int[]) AS u(o, t, e, l)
     RETURNING id, ordinal`,
    [ids.kbId, ids.docId, ids.versionId, embedder.id, texts.map((_, i) => i), texts, vectors.map(toPgVector), lengths],
  );
  await insertPostings(
    c,
    ids.kbId,
    rows.map((r) => ({ id: r.id, terms: tfs[r.ordinal]!, length: lengths[r.ordinal]! })),
  );
}
