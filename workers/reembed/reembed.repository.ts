// All SQL of the re-embed job: the embedder's vector index, staged vectors, the atomic switch.
import type { PoolClient } from 'pg';
import type { Database } from '../../src/database/database';
import { toPgVector } from '../../src/inference/embedder';
import type { EmbeddingStatus } from '../../src/knowledge/kbs.repository';
import { embedderHash, embedderLiteral } from '../../src/retrieval/search.repository';

export interface ChunkText {
  id: string;
  text: string;
}

export type SwitchOutcome = 'switched' | 'stale' | 'behind';

/** Chunks still to embed in the switch transaction itself; more than this and the job catches up first. */
const SWITCH_MAX = 256;

/** Chunks of KB $1 that still need a vector of embedder $2. */
const TO_EMBED = `c.kb_id = $1 AND c.embedder <> $2
     AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_id = c.id AND e.embedder = $2)`;

// The text the ingest job embedded: title, heading path and chunk text, one per line.
const MISSING = `
  SELECT c.id::text, array_to_string(ARRAY[d.title] || c.heading_path || ARRAY[c.text], E'\\n') AS text
    FROM chunks c
    JOIN documents d ON d.id = c.document_id
   WHERE ${TO_EMBED}
   ORDER BY c.id
   LIMIT $3`;

export class ReembedRepository {
  constructor(private readonly db: Database) {}

  /** Whether the KB still asks for this move (a newer settings change supersedes it). */
  async isCurrent(kbId: string, target: string, requestId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `SELECT 1 FROM knowledge_bases
        WHERE id = $1 AND embedding_target = $2 AND embedding_state->>'requestId' = $3`,
      [kbId, target, requestId],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * The embedder's partial HNSW index, built before any chunk carries its vectors so the switch
   * never leaves searches on a sequential scan. CONCURRENTLY keeps other KBs' ingest writing
   * meanwhile; a build that died half-way leaves an invalid index, which is rebuilt.
   */
  async ensureIndex(embedderId: string, dimension: number): Promise<void> {
    const name = `chunks_hnsw_${embedderHash(embedderId)}`;
    const { rows } = await this.db.query<{ valid: boolean }>(
      `SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1`,
      [name],
    );
    if (rows[0]?.valid) return;
    if (rows[0]) await this.db.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await this.db.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON chunks
         USING hnsw ((embedding::vector(${dimension})) vector_cosine_ops)
         WHERE embedder = ${embedderLiteral(embedderId)}`,
    );
  }

  async countToEmbed(kbId: string, target: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks c WHERE ${TO_EMBED}`, [
      kbId,
      target,
    ]);
    return rows[0]!.n;
  }

  /** The next chunks of the KB without a staged vector of the target embedder. */
  async missing(kbId: string, target: string, limit: number): Promise<ChunkText[]> {
    return (await this.db.query<ChunkText>(MISSING, [kbId, target, limit])).rows;
  }

  async stage(kbId: string, target: string, chunks: ChunkText[], vectors: number[][], on?: PoolClient) {
    // A chunk deleted since it was read (a new document version) simply has no row to join.
    const client: Pick<PoolClient, 'query'> = on ?? this.db.pool;
    await client.query(
      `INSERT INTO chunk_embeddings (chunk_id, kb_id, embedder, embedding)
       SELECT c.id, $1, $2, u.embedding::vector
         FROM unnest($3::bigint[], $4::text[]) AS u(chunk_id, embedding)
         JOIN chunks c ON c.id = u.chunk_id
       ON CONFLICT (chunk_id, embedder) DO NOTHING`,
      [kbId, target, chunks.map((c) => c.id), vectors.map(toPgVector)],
    );
  }

  /** Merges into the KB's embedding state while the request is still the current one; false when it is not. */
  async setState(kbId: string, requestId: string, state: Partial<EmbeddingStatus>): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE knowledge_bases SET embedding_state = embedding_state || $3::jsonb
        WHERE id = $1 AND embedding_state->>'requestId' = $2 AND embedding_target IS NOT NULL`,
      [kbId, requestId, JSON.stringify({ ...state, updatedAt: new Date().toISOString() })],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * The switch, in one transaction holding the KB row: the last few chunks that arrived while
   * the job ran are embedded here (ingest waits on the row lock, see IngestRepository.insertChunks),
   * then every chunk takes its staged vector and the KB its new embedder. Returns 'behind' when
   * too many chunks are still missing to embed under the lock.
   */
  async switchTo(
    kbId: string,
    target: string,
    requestId: string,
    embed: (texts: string[]) => Promise<number[][]>,
  ): Promise<SwitchOutcome> {
    return this.db.tx(async (c) => {
      const { rows } = await c.query<{ embedder: string }>(
        `SELECT embedder FROM knowledge_bases
          WHERE id = $1 AND embedding_target = $2 AND embedding_state->>'requestId' = $3 FOR UPDATE`,
        [kbId, target, requestId],
      );
      if (!rows[0]) return 'stale';
      const missing = (await c.query<ChunkText>(MISSING, [kbId, target, SWITCH_MAX + 1])).rows;
      if (missing.length > SWITCH_MAX) return 'behind';
      if (missing.length) await this.stage(kbId, target, missing, await embed(missing.map((m) => m.text)), c);
      await c.query(
        `UPDATE chunks c SET embedder = e.embedder, embedding = e.embedding
           FROM chunk_embeddings e
          WHERE e.kb_id = $1 AND e.embedder = $2 AND c.id = e.chunk_id`,
        [kbId, target],
      );
      await c.query(`DELETE FROM chunk_embeddings WHERE kb_id = $1`, [kbId]);
      await c.query(
        `UPDATE knowledge_bases
            SET embedder = $2, embedding_target = NULL, updated_at = now(),
                embedding_state = jsonb_build_object('state', 'ready', 'requestId', $3::text, 'previous', embedder,
                                                     'updatedAt', now())
          WHERE id = $1`,
        [kbId, target, requestId],
      );
      return 'switched';
    });
  }

  /** KBs whose move is still to be done: the sweep queues their job again (a no-op while it exists). */
  async pending(): Promise<{ kbId: string; target: string; requestId: string }[]> {
    const { rows } = await this.db.query<{ id: string; target: string; request_id: string }>(
      `SELECT id, embedding_target AS target, embedding_state->>'requestId' AS request_id FROM knowledge_bases
        WHERE embedding_target IS NOT NULL AND embedding_state->>'state' IN ('queued', 'embedding')`,
    );
    return rows.map((r) => ({ kbId: r.id, target: r.target, requestId: r.request_id }));
  }
}
