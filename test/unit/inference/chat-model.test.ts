import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIChatModel, type ChatRequest, type OpenAIChatModelOptions } from '../../../src/inference/chat-model';
import { EngineError, EngineUnavailableError } from '../../../src/inference/engine-error';
import { startOpenAIServer, type OpenAITestServer } from '../../support/openai-server';

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content },
  ],
  ...extra,
});

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const d of stream) deltas.push(d);
  return deltas;
}

/** The error a promise rejects with, and how long it took to reject. */
async function failure(p: Promise<unknown>): Promise<{ err: any; ms: number }> {
  const started = Date.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('OpenAIChatModel', () => {
  let server: OpenAITestServer;
  const model = (o: Partial<OpenAIChatModelOptions> = {}) =>
    new OpenAIChatModel({
      baseURL: server.baseURL,
      model: 'qwen-test',
      timeoutMs: 5000,
      maxRetries: 2,
      concurrency: 4,
      ...o,
    });

  beforeAll(async () => {
    server = await startOpenAIServer({ model: 'qwen-test' });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('completes with content, model and usage, sending the request as given', async () => {
    server.script((body) => `You said: ${body.messages.at(-1)!.content}`);
    const res = await model().complete(ask('where is the wiki', { temperature: 0.2, maxTokens: 64 }));
    expect(res).toMatchObject({
      content: 'You said: where is the wiki',
      model: 'qwen-test',
      promptTokens: 6,
      completionTokens: 6,
    });
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
    const { body, headers } = server.calls[0]!;
    expect(body).toMatchObject({ model: 'qwen-test', temperature: 0.2, max_tokens: 64, stream: false });
    expect(body.messages).toEqual(ask('where is the wiki').messages);
    expect(body.response_format).toBeUndefined();
    expect(headers.authorization).toBe('Bearer none');
    expect(model().id).toBe('openai:qwen-test');
  });

  it('asks for a JSON object in JSON mode and returns the content as-is', async () => {
    server.script('{"answerable": true}');
    const res = await model().complete(ask('is this answerable?', { json: true }));
    expect(JSON.parse(res.content)).toEqual({ answerable: true });
    expect(server.calls[0]!.body.response_format).toEqual({ type: 'json_object' });
  });

  it('streams deltas that join to the scripted text, then settles the result with usage', async () => {
    const text = 'Reset your password under Settings, then Security.';
    server.script(text);
    const stream = model().stream(ask('how do I reset my password'));
    const deltas = await collect(stream);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(text);
    expect(await stream.result).toMatchObject({ content: text, model: 'qwen-test', completionTokens: 7 });
    expect(server.calls[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('retries a 500 through the client and then succeeds', async () => {
    server.script({ status: 500, message: 'boom', retryAfterMs: 1 }, 'recovered');
    expect((await model().complete(ask('x'))).content).toBe('recovered');
    expect(server.callsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('turns a permanent 503 into EngineUnavailableError after the retries', async () => {
    const overloaded = { status: 503, message: 'model overloaded', retryAfterMs: 1 };
    server.script(overloaded, overloaded, overloaded, overloaded);
    const { err } = await failure(model({ maxRetries: 2 }).complete(ask('x')));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err).toMatchObject({ status: 503, engine: `qwen-test at ${server.baseURL}` });
    expect(err.message).toContain('HTTP 503: model overloaded');
    expect(server.calls).toHaveLength(3);
  });

  it('treats 429 as unavailable but a 400 as the request’s own fault', async () => {
    server.script({ status: 429, message: 'slow down' }, { status: 400, message: 'context too long' });
    const limited = await failure(model({ maxRetries: 0 }).complete(ask('x')));
    expect(limited.err).toBeInstanceOf(EngineUnavailableError);
    const refused = await failure(model({ maxRetries: 2 }).complete(ask('x')));
    expect(refused.err).toBeInstanceOf(EngineError);
    expect(refused.err).not.toBeInstanceOf(EngineUnavailableError);
    expect(refused.err.message).toContain('context too long');
    expect(server.calls).toHaveLength(2); // a 400 is not retried
  });

  it('times out a server that is slower than timeoutMs, retrying once, without hanging', async () => {
    server.script({ delayMs: 20_000 }, { delayMs: 20_000 });
    const { err, ms } = await failure(model({ timeoutMs: 200, maxRetries: 1 }).complete(ask('x')));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err.message).toContain('no response within 200 ms');
    expect(ms).toBeLessThan(5000);
    expect(server.calls).toHaveLength(2);
  });

  it('reports a server that cannot be reached as unavailable, naming the cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { err } = await failure(model({ baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).complete(ask('x')));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('completes a slow stream whose whole length exceeds timeoutMs', async () => {
    server.script({ content: 'one two three four five six', chunkDelayMs: 120 });
    const stream = model({ timeoutMs: 400 }).stream(ask('x'));
    expect((await collect(stream)).join('')).toBe('one two three four five six');
    expect((await stream.result).durationMs).toBeGreaterThan(400);
  });

  it('fails a stream that stalls between chunks', async () => {
    server.script({ content: 'one two three', chunkDelayMs: 20_000 });
    const stream = model({ timeoutMs: 300 }).stream(ask('x'));
    const { err, ms } = await failure(collect(stream));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err.message).toContain('stalled');
    expect(ms).toBeLessThan(5000);
    await expect(stream.result).rejects.toBe(err);
  });

  it('fails a stream whose connection is cut mid-way, after the deltas that did arrive', async () => {
    server.script({ content: 'alpha beta gamma delta epsilon', cutAfterChunks: 3 });
    const deltas: string[] = [];
    const stream = model().stream(ask('x'));
    const { err } = await failure(
      (async () => {
        for await (const d of stream) deltas.push(d);
      })(),
    );
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(deltas.join('')).toBe('alpha beta');
    await expect(stream.result).rejects.toBeInstanceOf(EngineUnavailableError);
  });

  it('fails a stream that ends cleanly but without a finish_reason', async () => {
    server.script({ content: 'alpha beta', cutAfterChunks: 99 });
    await expect(collect(model().stream(ask('x')))).rejects.toBeInstanceOf(EngineUnavailableError);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    server.script(...Array.from({ length: 5 }, (_, i) => ({ content: `answer ${i}`, delayMs: 150 })));
    const m = model({ concurrency: 2 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => m.complete(ask('x'))));
    expect(answers.map((a) => a.content).sort()).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3', 'answer 4']);
    expect(server.maxInFlight).toBe(2);
  });

  it('holds a slot until a stream is read to the end', async () => {
    server.script({ content: 'a b c', chunkDelayMs: 50 }, { content: 'd e f', chunkDelayMs: 50 });
    const m = model({ concurrency: 1 });
    const [first, second] = await Promise.all([collect(m.stream(ask('x'))), collect(m.stream(ask('y')))]);
    expect([first.join(''), second.join('')]).toEqual(['a b c', 'd e f']);
    expect(server.maxInFlight).toBe(1);
  });

  it('rejects with the abort reason, whether in flight or waiting for a slot', async () => {
    server.script({ delayMs: 20_000 }, { delayMs: 20_000 });
    const m = model({ concurrency: 1 });
    const controller = new AbortController();
    const inFlight = failure(m.complete(ask('x', { signal: controller.signal })));
    const queued = failure(m.complete(ask('y', { signal: controller.signal })));
    setTimeout(() => controller.abort(), 100);
    for (const { err, ms } of [await inFlight, await queued]) {
      expect(err).toBe(controller.signal.reason);
      expect(err.name).toBe('AbortError');
      expect(ms).toBeLessThan(5000);
    }
    expect(server.calls).toHaveLength(1);
  });

  it('rejects a stream aborted mid-way instead of ending it quietly', async () => {
    server.script({ content: 'one two three four five', chunkDelayMs: 100 });
    const controller = new AbortController();
    const stream = model().stream(ask('x', { signal: controller.signal }));
    const deltas: string[] = [];
    const { err } = await failure(
      (async () => {
        for await (const d of stream) {
          deltas.push(d);
          if (deltas.length === 2) controller.abort();
        }
      })(),
    );
    expect(err.name).toBe('AbortError');
    expect(deltas).toHaveLength(2);
  });
});
