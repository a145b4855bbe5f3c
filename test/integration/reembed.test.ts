// Per-KB embedding models through the API: a settings change re-embeds the KB in the background
// while searches keep using the old vectors, then switches in one transaction; documents uploaded
// meanwhile are caught up; a model that refuses the input fails the move and keeps the old one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedderHash } from '../../src/retrieval/search.repository';
import { eventually } from '../support/eventually';
import { startFennel, type Harness } from '../support/fennel-harness';
import { startOpenAIServer, type OpenAITestServer } from '../support/openai-server';

let f: Harness;
let server: OpenAITestServer;
const KB = '/api/v1/kbs/moving';
const TARGET = 'openai:test-embed:64';

const DOCS = {
  'rockets.md': '# Rockets\n\nLiquid oxygen and kerosene feed the first stage engines of the launcher.\n',
  'bread.md': '# Bread\n\nSourdough starter needs flour, water and a warm kitchen for fermentation.\n',
  'tides.md': '# Tides\n\nThe moon pulls the oceans, so coastal harbours see two high tides daily.\n',
};

beforeAll(async () => {
  server = await startOpenAIServer({ dimension: 64, embeddingModels: ['test-embed'] });
  f = await startFennel('reembed', {
    env: { FENNEL_EMBED_BASE_URL: server.baseURL, FENNEL_LLM_TIMEOUT_MS: '2000', FENNEL_LLM_MAX_RETRIES: '0' },
  });
  expect((await f.api('POST', '/api/v1/kbs', { slug: 'moving', name: 'Moving' })).status).toBe(201);
  const up = await f.upload(
    'moving',
    Object.entries(DOCS).map(([name, content]) => ({ name, content })),
  );
  for (const item of up.body.items) await f.waitFor('moving', item.documentId, ['ready']);
}, 60_000);
afterAll(async () => {
  await f?.stop();
  await server?.close();
});

const kb = async () => (await f.api('GET', KB)).body;
const search = async (query: string, mode: string) => {
  const r = await f.api('POST', `${KB}/search`, { query, topK: 3, mode, rerank: false });
  expect(r.status).toBe(200);
  return r.body;
};
const chunkEmbedders = async () =>
  (
    await f.running.db.query<{ embedder: string; n: number }>(
      `SELECT c.embedder, count(*)::int AS n FROM chunks c JOIN knowledge_bases k ON k.id = c.kb_id
        WHERE k.slug = 'moving' GROUP BY 1 ORDER BY 1`,
    )
  ).rows;
const waitForState = (state: string, active: string) =>
  eventually(
    kb,
    (k) => k.embedding.state === state && k.embedding.active === active,
    `embedding ${state} on ${active}`,
  );

describe('changing a KB embedding model', () => {
  it('starts on the built-in embedder and refuses a model the server does not have, saving nothing', async () => {
    expect((await kb()).embedding).toMatchObject({ active: 'builtin-hash-512', target: null, state: 'ready' });
    const r = await f.api('PATCH', KB, { settings: { embedding: { model: 'no-such-model' } } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/no-such-model.*does not exist/);
    expect((await kb()).settings.embedding).toBeUndefined();
    const bad = await f.api('PATCH', KB, { settings: { embedding: { model: 'x', dimension: 4096 } } });
    expect(bad.status).toBe(400);
    // A dimension given does not skip asking the server whether the model exists.
    const sized = await f.api('PATCH', KB, { settings: { embedding: { model: 'no-such-model', dimension: 256 } } });
    expect(sized.status).toBe(400);
    expect(sized.body.message).toMatch(/no-such-model.*does not exist/);
    expect((await kb()).settings.embedding).toBeUndefined();
  });

  it('re-embeds in the background, serving the old vectors until one switch, and catches up on new uploads', async () => {
    const release = server.holdEmbeddings();
    const r = await f.api('PATCH', KB, { settings: { embedding: { model: 'test-embed' } } });
    expect(r.status).toBe(200);
    expect(r.body.settings.embedding).toEqual({ model: 'test-embed' });
    expect(r.body.embedding).toMatchObject({ active: 'builtin-hash-512', target: TARGET });
    await waitForState('embedding', 'builtin-hash-512');

    // While the job waits on the model server, searches and uploads go on with the old embedder.
    const during = await search('kerosene launcher engines', 'vector');
    expect(during.embedder).toBe('builtin-hash-512');
    expect(during.hits[0].title).toBe('Rockets');
    const late = await f.upload('moving', [
      { name: 'volcano.md', content: '# Volcano\n\nMagma chambers under the caldera feed basalt eruptions.\n' },
    ]);
    await f.waitFor('moving', late.body.items[0].documentId, ['ready']);
    expect(await chunkEmbedders()).toEqual([{ embedder: 'builtin-hash-512', n: 4 }]);

    release();
    const done = await waitForState('ready', TARGET);
    expect(done.embedding).toMatchObject({ target: null, previous: 'builtin-hash-512' });
    expect(await chunkEmbedders()).toEqual([{ embedder: TARGET, n: 4 }]);
    const staged = await f.running.db.query(`SELECT 1 FROM chunk_embeddings`);
    expect(staged.rowCount).toBe(0);
    // The model's own vector index was built before the switch, and is valid.
    const index = await f.running.db.query<{ valid: boolean }>(
      `SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1`,
      [`chunks_hnsw_${embedderHash(TARGET)}`],
    );
    expect(index.rows).toEqual([{ valid: true }]);

    // The document uploaded mid-way was embedded by the model too, and vector search finds it.
    const embedded = server.callsTo('/v1/embeddings').flatMap((c) => [c.body.input].flat() as string[]);
    expect(embedded.some((t) => t.includes('Magma chambers'))).toBe(true);
    const after = await search('magma caldera basalt', 'vector');
    expect(after.embedder).toBe(TARGET);
    expect(after.hits[0].title).toBe('Volcano');
  });

  it('embeds new uploads with the new model and keeps lexical results when the model server fails', async () => {
    const up = await f.upload('moving', [
      { name: 'glacier.md', content: '# Glacier\n\nCrevasses open where the ice flows over bedrock steps.\n' },
    ]);
    await f.waitFor('moving', up.body.items[0].documentId, ['ready']);
    expect(await chunkEmbedders()).toEqual([{ embedder: TARGET, n: 5 }]);

    server.inject('embeddings', { status: 503, message: 'overloaded' });
    const res = await search('crevasses bedrock', 'hybrid');
    expect(res.vectorFailed).toMatch(/503/);
    expect(res.hits[0].title).toBe('Glacier');
    expect(res.hits[0].signals.vector).toBeUndefined();
  });

  it('fails a move the model refuses, with the reason, and keeps searching on the active embedder', async () => {
    server.maxEmbeddingInputChars = 40;
    try {
      const r = await f.api('PATCH', KB, { settings: { embedding: { model: 'builtin' } } });
      expect(r.status).toBe(200);
      await waitForState('ready', 'builtin-hash-512');
      const again = await f.api('PATCH', KB, { settings: { embedding: { model: 'test-embed' } } });
      expect(again.status).toBe(200);
      const failed = await waitForState('failed', 'builtin-hash-512');
      expect(failed.embedding.target).toBe(TARGET);
      expect(failed.embedding.error).toMatch(/Re-embedding with openai:test-embed:64 failed: .*40 characters/);
      expect(await chunkEmbedders()).toEqual([{ embedder: 'builtin-hash-512', n: 5 }]);
      expect((await search('crevasses bedrock', 'vector')).hits[0].title).toBe('Glacier');
    } finally {
      server.maxEmbeddingInputChars = Infinity;
    }
    // Asking again retries the failed move.
    const retry = await f.api('PATCH', KB, { settings: { embedding: { model: 'test-embed' } } });
    expect(retry.body.embedding.state).toBe('queued');
    await waitForState('ready', TARGET);
    expect(await chunkEmbedders()).toEqual([{ embedder: TARGET, n: 5 }]);
  });
});
