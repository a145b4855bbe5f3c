import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding, startOpenAIServer, type OpenAITestServer } from '../../support/openai-server';

// The test server must speak the real protocol: checked with the official client and with raw HTTP.
describe('OpenAI-compatible test server', () => {
  let server: OpenAITestServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startOpenAIServer({ model: 'qwen-test' });
    client = new OpenAI({ baseURL: server.baseURL, apiKey: 'none', maxRetries: 0 });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const post = (path: string, body: unknown) =>
    fetch(`${server.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const user = (content: string) => [{ role: 'user' as const, content }];

  it('lists its model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['qwen-test']);
  });

  it('answers a chat completion with the scripted replies in order, then the default handler', async () => {
    server.script('first', (body) => `second to ${body.messages[0]!.content}`);
    const ask = async () => (await client.chat.completions.create({ model: 'm', messages: user('hi') })).choices[0]!;
    expect((await ask()).message).toMatchObject({ role: 'assistant', content: 'first' });
    expect((await ask()).message.content).toBe('second to hi');
    expect((await ask()).message.content).toBe('echo: hi');
    server.onChat(() => 'custom');
    const res = await client.chat.completions.create({ model: 'm', messages: user('one two three') });
    expect(res).toMatchObject({
      object: 'chat.completion',
      model: 'm',
      choices: [{ index: 0, finish_reason: 'stop' }],
    });
    expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
    expect(server.callsTo('/v1/chat/completions')).toHaveLength(4);
  });

  it('streams chat.completion.chunk events ending in [DONE], with usage only when asked', async () => {
    server.script('alpha beta gamma', 'alpha beta gamma');
    const events = async (body: object) => {
      const text = await (await post('/v1/chat/completions', body)).text();
      const data = text.split('\n\n').filter(Boolean);
      expect(data.at(-1)).toBe('data: [DONE]');
      return data.slice(0, -1).map((d) => JSON.parse(d.replace(/^data: /, '')));
    };
    const plain = await events({ model: 'm', messages: user('x'), stream: true });
    expect(plain[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(plain.at(-1).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(plain.map((e) => e.choices[0].delta.content ?? '').join('')).toBe('alpha beta gamma');
    expect(plain.filter((e) => e.choices[0].delta.content).length).toBeGreaterThan(2);
    expect(plain.every((e) => e.object === 'chat.completion.chunk' && !e.usage)).toBe(true);

    const withUsage = await events({
      model: 'm',
      messages: user('x'),
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
  });

  it('returns the scripted content as-is in JSON mode', async () => {
    server.script('{"answer": 42}');
    const res = await client.chat.completions.create({
      model: 'm',
      messages: user('json please'),
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ answer: 42 });
    expect(server.calls[0]!.body.response_format).toEqual({ type: 'json_object' });
  });

  it('fails with an OpenAI-shaped error body and retry-after-ms', async () => {
    server.inject('chat', { status: 503, message: 'overloaded', retryAfterMs: 5 });
    const res = await post('/v1/chat/completions', { model: 'm', messages: user('x') });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after-ms')).toBe('5');
    expect(await res.json()).toEqual({ error: { message: 'overloaded', type: 'server_error', code: null } });
  });

  it('is asked for base64 embeddings by the openai client by default, which decodes them', async () => {
    const res = await client.embeddings.create({ model: 'e', input: ['red apple', 'green pear'] });
    expect(server.calls[0]!.body.encoding_format).toBe('base64');
    expect(res.data.map((d) => d.embedding)).toEqual([fakeEmbedding('red apple', 8), fakeEmbedding('green pear', 8)]);
    expect(res).toMatchObject({ object: 'list', model: 'e', usage: { prompt_tokens: 4, total_tokens: 4 } });
  });

  it('returns float embeddings as asked, honours dimensions and rejects empty input', async () => {
    const res = await client.embeddings.create({ model: 'e', input: 'red', encoding_format: 'float', dimensions: 5 });
    expect(res.data[0]).toEqual({ object: 'embedding', index: 0, embedding: fakeEmbedding('red', 5) });
    expect(Math.hypot(...res.data[0]!.embedding)).toBeCloseTo(1, 6);
    expect((await post('/v1/embeddings', { model: 'e', input: ['a', ''] })).status).toBe(400);
  });

  it('reranks in the TEI shape at /rerank', async () => {
    const res = await post('/rerank', { query: 'red apple', texts: ['pear', 'red apple pie', 'red car'] });
    expect(await res.json()).toEqual([
      { index: 1, score: 1 },
      { index: 2, score: 0.5 },
      { index: 0, score: 0 },
    ]);
    const raw = await post('/rerank', {
      query: 'red apple',
      texts: ['red apple'],
      raw_scores: true,
      return_text: true,
    });
    expect(await raw.json()).toEqual([{ index: 0, score: 2, text: 'red apple' }]);
  });

  it('reranks in the Jina/Cohere/vLLM shape at /v1/rerank', async () => {
    const res = await post('/v1/rerank', {
      model: 'r',
      query: 'red apple',
      documents: ['pear', { text: 'red apple pie' }, 'red car'],
      top_n: 2,
      return_documents: true,
    });
    expect(await res.json()).toMatchObject({
      model: 'r',
      results: [
        { index: 1, relevance_score: 1, document: { text: 'red apple pie' } },
        { index: 2, relevance_score: 0.5, document: { text: 'red car' } },
      ],
    });
  });

  it('injects faults into embeddings and rerank, once each', async () => {
    server.inject('embeddings', { status: 429 });
    server.inject('rerank', { destroy: true });
    expect((await post('/v1/embeddings', { input: 'x' })).status).toBe(429);
    expect((await post('/v1/embeddings', { input: 'x' })).status).toBe(200);
    await expect(post('/rerank', { query: 'x', texts: ['x'] })).rejects.toThrow();
    expect((await post('/rerank', { query: 'x', texts: ['x'] })).status).toBe(200);
  });

  it('answers unknown routes with 404', async () => {
    expect((await post('/v1/completions', {})).status).toBe(404);
  });

  it('rejects a wrong bearer key with 401 when started with one', async () => {
    const locked = await startOpenAIServer({ apiKey: 'sk-right' });
    try {
      const wrong = new OpenAI({ baseURL: locked.baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
      const right = new OpenAI({ baseURL: locked.baseURL, apiKey: 'sk-right', maxRetries: 0 });
      expect((await right.models.list()).data).toHaveLength(1);
    } finally {
      await locked.close();
    }
  });
});
