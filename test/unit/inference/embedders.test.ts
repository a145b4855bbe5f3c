import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/inference/engine-error';
import {
  BUILTIN_EMBEDDER_ID,
  EmbedderUnavailableError,
  Embedders,
  MAX_EMBEDDING_DIMENSION,
} from '../../../src/inference/embedders';
import { startOpenAIServer, type OpenAITestServer } from '../../support/openai-server';

describe('Embedders', () => {
  let server: OpenAITestServer;
  let embedders: Embedders;

  beforeAll(async () => {
    server = await startOpenAIServer({ dimension: 24 });
    embedders = new Embedders({ baseURL: server.baseURL, timeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('resolves a model by asking the server its dimension, and finds the same embedder by its id', async () => {
    const e = await embedders.resolve({ model: 'BAAI/bge-m3' });
    expect(e.id).toBe('openai:BAAI/bge-m3:24');
    expect(embedders.forId('openai:BAAI/bge-m3:24')).toBe(e);
    expect(await embedders.forId('openai:BAAI/bge-m3:24').embed(['a b'])).toHaveLength(1);
  });

  it('asks a Matryoshka model for the chosen dimension, and says so in the id', async () => {
    const e = await embedders.resolve({ model: 'text-embedding-3-large', dimension: 16 });
    expect(e.id).toBe('openai:text-embedding-3-large:dim16');
    server.reset();
    // A fresh registry (another process) rebuilds the same embedder from the id alone.
    const again = new Embedders({ baseURL: server.baseURL, timeoutMs: 5000, maxRetries: 0 });
    const [v] = await again.forId(e.id).embed(['tide pools']);
    expect(v).toHaveLength(16);
    expect(server.callsTo('/v1/embeddings')[0]!.body.dimensions).toBe(16);
  });

  it('reads model names holding colons (Ollama tags) from ids', async () => {
    server.reset();
    const e = new Embedders({ baseURL: server.baseURL, timeoutMs: 5000, maxRetries: 0 }).forId(
      'openai:nomic-embed-text:latest:24',
    );
    expect(e.dimension).toBe(24);
    await e.embed(['x y']);
    expect(server.callsTo('/v1/embeddings')[0]!.body.model).toBe('nomic-embed-text:latest');
    expect(server.callsTo('/v1/embeddings')[0]!.body.dimensions).toBeUndefined();
  });

  it('refuses vectors longer than a row can hold, naming the way out', async () => {
    server.dimension = MAX_EMBEDDING_DIMENSION + 1;
    try {
      await expect(embedders.resolve({ model: 'huge' })).rejects.toThrow(/1901-dimensional.*"dimension"/);
    } finally {
      server.reset();
      server.dimension = 24;
    }
  });

  it('serves the built-in embedder with no server, and explains a model id without one', async () => {
    const none = new Embedders();
    expect((await none.resolve({ model: 'builtin' })).id).toBe(BUILTIN_EMBEDDER_ID);
    expect(none.defaultChoice).toEqual({ model: 'builtin' });
    expect(() => none.forId('openai:bge-m3:1024')).toThrow(EmbedderUnavailableError);
    expect(() => none.forId('openai:bge-m3:1024')).toThrow(/FENNEL_EMBED_BASE_URL/);
    await expect(none.resolve({ model: 'bge-m3' })).rejects.toBeInstanceOf(EngineError);
    expect(() => none.forId('something-else')).toThrow(/unknown embedder id/);
  });
});
