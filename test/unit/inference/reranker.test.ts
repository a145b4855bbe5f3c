import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, EngineUnavailableError } from '../../../src/inference/engine-error';
import { HttpReranker, type HttpRerankerOptions } from '../../../src/inference/reranker';
import { startOpenAIServer, type OpenAITestServer } from '../../support/openai-server';

const passages = ['the canteen opens at noon', 'reset your password in settings', 'password policy: 12 characters'];

describe('HttpReranker', () => {
  let server: OpenAITestServer;

  beforeAll(async () => {
    server = await startOpenAIServer({ apiKey: 'sk-rerank' });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const tei = (o: Partial<HttpRerankerOptions> = {}) =>
    new HttpReranker({ api: 'tei', baseURL: server.origin, apiKey: 'sk-rerank', timeoutMs: 5000, ...o });
  const jina = (o: Partial<HttpRerankerOptions> = {}) =>
    new HttpReranker({
      api: 'jina',
      baseURL: `${server.baseURL}/`,
      apiKey: 'sk-rerank',
      model: 'bge-reranker-v2-m3',
      timeoutMs: 5000,
      ...o,
    });

  it('scores passages in input order through the TEI shape', async () => {
    // The server answers best first: [1, 2, 0].
    expect(await tei().rerank('reset password', passages)).toEqual([0, 1, 0.5]);
    const [call] = server.calls;
    expect(call!.path).toBe('/rerank');
    expect(call!.body).toEqual({ query: 'reset password', texts: passages, truncate: true });
    expect(call!.headers.authorization).toBe('Bearer sk-rerank');
  });

  it('scores passages in input order through the Jina/Cohere/vLLM shape', async () => {
    const r = jina();
    expect(await r.rerank('reset password', passages)).toEqual([0, 1, 0.5]);
    const [call] = server.calls;
    expect(call!.path).toBe('/v1/rerank');
    expect(call!.body).toMatchObject({ model: 'bge-reranker-v2-m3', query: 'reset password', documents: passages });
    expect(call!.body.top_n).toBe(3);
    expect(r.id).toBe('rerank-jina:bge-reranker-v2-m3');
  });

  it('sends nothing for no passages', async () => {
    expect(await tei().rerank('q', [])).toEqual([]);
    expect(server.calls).toHaveLength(0);
  });

  it('cuts long passages to maxChars without splitting a surrogate pair', async () => {
    await tei({ maxChars: 10 }).rerank('q', ['x'.repeat(50), 'short', `${'y'.repeat(9)}😀tail`]);
    expect(server.calls[0]!.body.texts).toEqual(['x'.repeat(10), 'short', 'y'.repeat(9)]);
  });

  it('reports 5xx and 429 as EngineUnavailableError with the server’s message', async () => {
    server.inject('rerank', { status: 503, message: 'model loading' }, { status: 429 });
    const down = await jina()
      .rerank('q', passages)
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(EngineUnavailableError);
    expect(down).toMatchObject({ status: 503 });
    expect((down as Error).message).toContain('HTTP 503: model loading');
    await expect(tei().rerank('q', passages)).rejects.toBeInstanceOf(EngineUnavailableError);
  });

  it('reports a refused request as a plain EngineError', async () => {
    const err = await tei({ apiKey: 'sk-wrong' })
      .rerank('q', passages)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).not.toBeInstanceOf(EngineUnavailableError);
    expect((err as Error).message).toContain('HTTP 401: Incorrect API key provided.');
  });

  it('times out a slow server rather than hanging', async () => {
    server.inject('rerank', { delayMs: 20_000 });
    const started = Date.now();
    const err = await tei({ timeoutMs: 200 })
      .rerank('q', passages)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect((err as Error).message).toContain('no response within 200 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a dropped connection as unavailable', async () => {
    server.inject('rerank', { destroy: true });
    await expect(tei().rerank('q', passages)).rejects.toBeInstanceOf(EngineUnavailableError);
  });

  it('rejects a response that does not score every passage', async () => {
    server.inject('rerank', { json: { results: [{ index: 2, relevance_score: 0.9 }] } }, { json: { oops: true } });
    await expect(jina().rerank('q', passages)).rejects.toThrow(/scored 1 of 3 passages/);
    await expect(jina().rerank('q', passages)).rejects.toThrow(/expected \{results/);
  });
});
