// A local model server speaking the OpenAI-compatible wire protocol, for tests: chat completions
// (JSON and SSE), embeddings (float and base64), TEI- and Jina-style rerank, models, bearer auth,
// with scripted replies and injectable faults.
import http, { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string };
  temperature?: number;
  max_tokens?: number;
}

/** Something going wrong on the way to an answer. Fields combine: wait `delayMs`, then fail. */
export interface Fault {
  /** Wait this long before the response headers (to trigger client timeouts). */
  delayMs?: number;
  /** Answer with this status and an OpenAI-shaped error body. */
  status?: number;
  message?: string;
  /** Sent as `retry-after-ms`, which the openai client obeys instead of its own backoff. */
  retryAfterMs?: number;
  /** Drop the connection without answering. */
  destroy?: boolean;
  /** Answer 200 with this JSON instead: for malformed or partial responses. */
  json?: unknown;
}

export interface ChatScript extends Fault {
  /** Defaults to the `onChat` handler. */
  content?: string | ((body: ChatBody) => string);
  finishReason?: string;
  /** Streaming: wait this long before each chunk after the first. */
  chunkDelayMs?: number;
  /** Streaming: drop the connection after this many chunks (the first carries only the role). */
  cutAfterChunks?: number;
}

export type ChatReply = string | ((body: ChatBody) => string) | ChatScript;

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  time: number;
}

export interface OpenAIServerOptions {
  apiKey?: string;
  model?: string;
  dimension?: number;
  /** Embedding models served; another name gets vLLM's 404 "model does not exist". Default: any. */
  embeddingModels?: string[];
}

const WORD = /[\p{L}\p{N}]+/gu;
const words = (text: string) => text.toLowerCase().match(WORD) ?? [];

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The server's embedding: signed hashed bag of words, L2-normalised, rounded to float32 so both encodings agree. */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const v = new Array<number>(dimension).fill(0);
  for (const w of words(text)) {
    const h = fnv1a(w);
    v[h % dimension]! += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => Math.fround(x / norm)) : v.map((_, i) => (i === 0 ? 1 : 0));
}

/** The server's rerank score: the fraction of distinct query words found in the text. */
export function fakeRerankScore(query: string, text: string): number {
  const q = new Set(words(query));
  const t = new Set(words(text));
  return q.size ? [...q].filter((w) => t.has(w)).length / q.size : 0;
}

const toBase64 = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');

/** Resolves true after `ms`, or false as soon as the client goes away. */
function pause(ms: number, res: http.ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(false);
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', gone);
      resolve(true);
    }, ms);
    res.once('close', gone);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : null;
  sendJson(res, status, { error: { message, type, code } }, headers);
}

export class OpenAITestServer {
  readonly calls: RecordedCall[] = [];
  /** Most requests seen open at once since the last reset. */
  maxInFlight = 0;
  /** Embedding length when the request names no `dimensions`. */
  dimension: number;
  /** Multiplies every embedding: some servers return vectors that are not unit length. */
  embeddingScale = 1;
  private inFlight = 0;
  private seq = 0;
  private chatQueue: ChatReply[] = [];
  /** Inputs longer than this get a 400, as a model with a short context window answers. */
  maxEmbeddingInputChars = Infinity;
  private readonly faults = { embeddings: [] as Fault[], rerank: [] as Fault[] };
  private embeddingsHeld: Promise<void> | null = null;
  private defaultChat = (body: ChatBody) => `echo: ${body.messages.at(-1)?.content ?? ''}`;

  private constructor(
    private readonly server: http.Server,
    private readonly options: OpenAIServerOptions,
  ) {
    this.dimension = options.dimension ?? 8;
    server.on('request', (req, res) => void this.handle(req, res));
  }

  static async start(options: OpenAIServerOptions = {}): Promise<OpenAITestServer> {
    const s = new OpenAITestServer(http.createServer(), options);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.server.unref(); // never keeps the test process alive
    return s;
  }

  /** Where TEI-style servers live (`/rerank`, no `/v1`). */
  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get baseURL(): string {
    return `${this.origin}/v1`;
  }

  get model(): string {
    return this.options.model ?? 'test-model';
  }

  /** Queues chat replies, consumed one per request in order; then `onChat` answers. */
  script(...replies: ChatReply[]): void {
    this.chatQueue.push(...replies);
  }

  onChat(fn: (body: ChatBody) => string): void {
    this.defaultChat = fn;
  }

  /** Queues faults for the next requests to an endpoint; a chat fault answers with the default content. */
  inject(endpoint: 'chat' | 'embeddings' | 'rerank', ...faults: Fault[]): void {
    if (endpoint === 'chat') this.chatQueue.push(...faults);
    else this.faults[endpoint].push(...faults);
  }

  /**
   * Embedding requests of more than one input wait until the returned function is called (a
   * single input, such as a query or a dimension probe, is answered at once).
   */
  holdEmbeddings(): () => void {
    let release!: () => void;
    this.embeddingsHeld = new Promise<void>((r) => (release = r));
    return () => {
      this.embeddingsHeld = null;
      release();
    };
  }

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  reset(): void {
    this.calls.length = 0;
    this.chatQueue = [];
    this.faults.embeddings = [];
    this.faults.rerank = [];
    this.maxInFlight = this.inFlight;
    this.dimension = this.options.dimension ?? 8;
    this.embeddingScale = 1;
    this.maxEmbeddingInputChars = Infinity;
    this.defaultChat = (body) => `echo: ${body.messages.at(-1)?.content ?? ''}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once('close', () => this.inFlight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return sendError(res, 400, 'request body is not valid JSON');
    }
    this.calls.push({ method: req.method ?? 'GET', path, headers: req.headers, body, time: Date.now() });
    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.');
    }
    const route = `${req.method} ${path}`;
    if (route === 'POST /v1/chat/completions') return this.chat(body, res);
    if (route === 'POST /v1/embeddings') return this.embeddings(body, res);
    if (route === 'POST /rerank' || route === 'POST /v1/rerank') return this.rerank(body, res);
    if (route === 'GET /v1/models') {
      const data = [{ id: this.model, object: 'model', created: 0, owned_by: 'fennel-test' }];
      return sendJson(res, 200, { object: 'list', data });
    }
    sendError(res, 404, `no route for ${route}`);
  }

  /** Plays a fault; true when it has answered or dropped the request. */
  private async fault(f: Fault | undefined, res: http.ServerResponse): Promise<boolean> {
    if (!f) return false;
    if (f.delayMs && !(await pause(f.delayMs, res))) return true;
    if (f.destroy) {
      res.destroy();
      return true;
    }
    if (f.json !== undefined) {
      sendJson(res, 200, f.json);
      return true;
    }
    if (!f.status) return false;
    const headers: Record<string, string> =
      f.retryAfterMs === undefined ? {} : { 'retry-after-ms': `${f.retryAfterMs}` };
    sendError(res, f.status, f.message ?? STATUS_CODES[f.status] ?? 'error', headers);
    return true;
  }

  private async chat(body: ChatBody, res: http.ServerResponse): Promise<void> {
    const next = this.chatQueue.shift();
    const s: ChatScript = typeof next === 'string' || typeof next === 'function' ? { content: next } : (next ?? {});
    if (await this.fault(s, res)) return;
    if (!Array.isArray(body?.messages)) return sendError(res, 400, "'messages' is required");
    const content = typeof s.content === 'string' ? s.content : (s.content ?? this.defaultChat)(body);
    const id = `chatcmpl-${++this.seq}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? this.model;
    const finish = s.finishReason ?? 'stop';
    const prompt = body.messages.reduce((n, m) => n + words(String(m.content)).length, 0);
    const completion = words(content).length;
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    if (!body.stream) {
      const choices = [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }];
      return sendJson(res, 200, { id, object: 'chat.completion', created, model, choices, usage });
    }

    const chunk = (delta: object, finish_reason: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason }],
    });
    const events: object[] = [
      chunk({ role: 'assistant', content: '' }),
      ...(content.match(/\s*\S+|\s+$/g) ?? []).map((piece) => chunk({ content: piece })),
      chunk({}, finish),
    ];
    if (body.stream_options?.include_usage) {
      events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders(); // so a cut before the first chunk is a broken stream, not a connection error
    for (const [i, event] of events.entries()) {
      if (i === s.cutAfterChunks) return void res.destroy();
      if (i > 0 && s.chunkDelayMs && !(await pause(s.chunkDelayMs, res))) return;
      // Wait for each write to reach the socket, so a later cut cannot swallow it.
      await new Promise((resolve) => res.write(`data: ${JSON.stringify(event)}\n\n`, resolve));
    }
    if (s.cutAfterChunks !== undefined && s.cutAfterChunks >= events.length) return void res.destroy();
    res.end('data: [DONE]\n\n');
  }

  private async embeddings(body: any, res: http.ServerResponse): Promise<void> {
    if (await this.fault(this.faults.embeddings.shift(), res)) return;
    const inputs: unknown = typeof body?.input === 'string' ? [body.input] : body?.input;
    if (!Array.isArray(inputs) || !inputs.every((t) => typeof t === 'string')) {
      return sendError(res, 400, "'input' must be a string or an array of strings");
    }
    // As vLLM and OpenAI do: an empty string is an invalid input, not a zero vector.
    if (inputs.some((t) => t === '')) return sendError(res, 400, "'input' must not contain empty strings");
    const models = this.options.embeddingModels;
    if (models && !models.includes(body.model)) {
      return sendError(res, 404, `The model \`${body.model}\` does not exist.`);
    }
    if (inputs.some((t) => t.length > this.maxEmbeddingInputChars)) {
      return sendError(
        res,
        400,
        `input is longer than the model's maximum of ${this.maxEmbeddingInputChars} characters`,
      );
    }
    if (inputs.length > 1 && this.embeddingsHeld) await this.embeddingsHeld;
    const dimension: number = body.dimensions ?? this.dimension;
    const data = inputs.map((text, index) => {
      const v = fakeEmbedding(text, dimension).map((x) => Math.fround(x * this.embeddingScale));
      return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? toBase64(v) : v };
    });
    const tokens = inputs.reduce((n, t) => n + words(t).length, 0);
    sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model ?? this.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  private async rerank(body: any, res: http.ServerResponse): Promise<void> {
    if (await this.fault(this.faults.rerank.shift(), res)) return;
    const query: unknown = body?.query;
    if (typeof query !== 'string') return sendError(res, 400, "'query' is required");
    const byScore =
      <T extends { index: number }>(score: (r: T) => number) =>
      (a: T, b: T) =>
        score(b) - score(a) || a.index - b.index;

    if (Array.isArray(body.texts)) {
      // TEI: a bare array; raw_scores gives the matched word count instead of a 0..1 score.
      const results = (body.texts as string[]).map((text, index) => ({
        index,
        score: body.raw_scores
          ? fakeRerankScore(query, text) * new Set(words(query)).size
          : fakeRerankScore(query, text),
        ...(body.return_text ? { text } : {}),
      }));
      return sendJson(res, 200, results.sort(byScore((r) => r.score)));
    }
    if (Array.isArray(body.documents)) {
      // Jina / Cohere / vLLM: documents may be strings or {text}.
      const texts = (body.documents as unknown[]).map((d) => (typeof d === 'string' ? d : String((d as any)?.text)));
      const results = texts
        .map((text, index) => ({
          index,
          relevance_score: fakeRerankScore(query, text),
          ...(body.return_documents ? { document: { text } } : {}),
        }))
        .sort(byScore((r) => r.relevance_score))
        .slice(0, body.top_n ?? texts.length);
      const tokens = texts.reduce((n, t) => n + words(t).length, words(query).length);
      return sendJson(res, 200, { model: body.model ?? this.model, results, usage: { total_tokens: tokens } });
    }
    sendError(res, 400, "either 'texts' (TEI) or 'documents' is required");
  }
}

export function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAITestServer> {
  return OpenAITestServer.start(options);
}
