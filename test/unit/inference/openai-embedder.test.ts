import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, EngineUnavailableError } from '../../../src/inference/engine-error';
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from '../../../src/inference/openai-embedder';
import { fakeEmbedding, startOpenAIServer, type OpenAITestServer } from '../../support/openai-server';

const norm = (v: number[]) => Math.hypot(...v);
// The embedder re-normalises in float64 what the server rounded to float32: equal to ~1e-7.
function expectClose(actual: number[] | undefined, expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
}

describe('OpenAIEmbedder', () => {
  let server: OpenAITestServer;
  const embedder = (o: Partial<OpenAIEmbedderOptions> = {}) =>
    new OpenAIEmbedder({
      baseURL: server.baseURL,
      model: 'bge-m3',
      dimension: 8,
      timeoutMs: 5000,
      maxRetries: 1,
      ...o,
    });
  const inputs = () => server.callsTo('/v1/embeddings').map((c) => c.body.input);

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('embeds in batches, keeping input order, as floats', async () => {
    const texts = ['red apple', 'green pear', 'blue sky', 'yellow sun', 'black night'];
    const e = embedder({ batchSize: 2 });
    const vectors = await e.embed(texts);
    expect(inputs()).toEqual([texts.slice(0, 2), texts.slice(2, 4), texts.slice(4)]);
    expect(server.calls.every((c) => c.body.encoding_format === 'float' && c.body.model === 'bge-m3')).toBe(true);
    vectors.forEach((v, i) => expectClose(v, fakeEmbedding(texts[i]!, 8)));
    expect(e.id).toBe('openai:bge-m3:8');
    expect(e.dimension).toBe(8);
  });

  it('sends nothing for no texts', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(server.calls).toHaveLength(0);
  });

  it('returns unit vectors even when the server does not', async () => {
    server.embeddingScale = 7.5;
    const [v] = await embedder().embed(['red apple']);
    expect(norm(v!)).toBeCloseTo(1, 6);
    expectClose(v, fakeEmbedding('red apple', 8));
  });

  it('decodes base64 float32 vectors when asked for them', async () => {
    const [v] = await embedder({ encodingFormat: 'base64' }).embed(['red apple']);
    expect(server.calls[0]!.body.encoding_format).toBe('base64');
    expectClose(v, fakeEmbedding('red apple', 8));
  });

  it('places vectors by their index and rejects a short answer', async () => {
    const data = (index: number, embedding: number[]) => ({ object: 'embedding', index, embedding });
    server.inject(
      'embeddings',
      { json: { object: 'list', data: [data(1, [0, 2]), data(0, [3, 0])] } },
      { json: { object: 'list', data: [data(0, [1, 0])] } },
    );
    expect(await embedder({ dimension: 2 }).embed(['a', 'b'])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    await expect(embedder({ dimension: 2 }).embed(['a', 'b'])).rejects.toThrow(/returned 1 vectors for 2 texts/);
  });

  it('never sends an empty string raw', async () => {
    const vectors = await embedder().embed(['', 'red']);
    expect(inputs()).toEqual([[' ', 'red']]);
    expect(vectors).toHaveLength(2);
  });

  it('discovers the dimension with one probe when not configured', async () => {
    server.dimension = 12;
    const e = embedder({ dimension: undefined });
    expect(() => e.id).toThrow(/probe/);
    expect(await e.probe()).toBe(12);
    expect(await e.probe()).toBe(12);
    expect(server.calls).toHaveLength(1);
    expect(e.id).toBe('openai:bge-m3:12');
    expect((await e.embed(['red']))[0]).toHaveLength(12);
  });

  it('checks a configured dimension with one probe', async () => {
    server.dimension = 16;
    const e = embedder({ dimension: 8 });
    await expect(e.probe()).rejects.toThrow(/bge-m3 returned 16-dimensional vectors, expected 8/);
    server.dimension = 8;
    expect(await e.probe()).toBe(8);
    expect(await e.probe()).toBe(8);
    expect(server.calls).toHaveLength(2);
  });

  it('names the model and both lengths when the server returns vectors of another dimension', async () => {
    server.dimension = 16;
    await expect(embedder({ dimension: 8 }).embed(['red'])).rejects.toThrow(
      /bge-m3 returned 16-dimensional vectors, expected 8/,
    );
  });

  it('asks a Matryoshka model for its dimension only when told to', async () => {
    server.dimension = 16;
    const [v] = await embedder({ dimension: 4, requestDimensions: true }).embed(['red apple']);
    expect(server.calls[0]!.body.dimensions).toBe(4);
    expectClose(v, fakeEmbedding('red apple', 4));
  });

  it('retries a 503 and reports a lasting one as EngineUnavailableError', async () => {
    server.inject('embeddings', { status: 503, retryAfterMs: 1 });
    expect(await embedder().embed(['red'])).toHaveLength(1);
    expect(server.calls).toHaveLength(2);

    server.inject('embeddings', { status: 503, retryAfterMs: 1 }, { status: 503, retryAfterMs: 1 });
    const err = await embedder()
      .embed(['red'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect((err as Error).message).toContain('bge-m3');
  });

  it('reports a refused request as a plain EngineError', async () => {
    server.inject('embeddings', { status: 400, message: 'input too long' });
    const err = await embedder()
      .embed(['red'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).not.toBeInstanceOf(EngineUnavailableError);
    expect((err as Error).message).toContain('HTTP 400: input too long');
  });

  it('times out rather than hanging', async () => {
    server.inject('embeddings', { delayMs: 20_000 });
    const started = Date.now();
    await expect(embedder({ timeoutMs: 200, maxRetries: 0 }).embed(['red'])).rejects.toBeInstanceOf(
      EngineUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
