// ChatModel port and its adapter for OpenAI-compatible servers, on the official openai client.
//
//   LMDeploy api_server: { baseURL: 'http://gpu-host:23333/v1', model: 'internlm2_5-7b-chat' }
//   vLLM:                { baseURL: 'http://gpu-host:8000/v1', model: 'Qwen/Qwen2.5-7B-Instruct', apiKey: '<--api-key>' }
//   Ollama:              { baseURL: 'http://localhost:11434/v1', model: 'qwen2.5:7b' }
// plus { timeoutMs: 60_000, maxRetries: 2, concurrency: 4 }. GET <baseURL>/models lists the served model ids.
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { openAIClient } from './openai-client';
import { EngineUnavailableError, toEngineError } from './engine-error';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Ask for a JSON object (`response_format: json_object`); the prompt must still say which. */
  json?: boolean;
  signal?: AbortSignal;
}

export interface ChatResult {
  content: string;
  model: string;
  /** 0 when the engine did not report usage. */
  promptTokens: number;
  completionTokens: number;
  /** From the call to the last byte, including any wait for a free slot: what the user waited. */
  durationMs: number;
}

/**
 * Content deltas as they arrive. `result` settles once the iteration ends: the whole answer with
 * usage, or the error the iteration threw. Iterate once.
 */
export interface ChatStream extends AsyncIterable<string> {
  readonly result: Promise<ChatResult>;
}

export interface ChatModel {
  readonly id: string;
  complete(req: ChatRequest): Promise<ChatResult>;
  stream(req: ChatRequest): ChatStream;
}

export interface OpenAIChatModelOptions {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Per attempt, until the response headers; a stream may then go this long between chunks. */
  timeoutMs: number;
  /** The client's own retries (exponential backoff, honours Retry-After) on 408/409/429/5xx and connection errors. */
  maxRetries: number;
  /** Requests in flight at once; a GPU serves a few well and many badly. */
  concurrency: number;
}

type Settle = { resolve: (r: ChatResult) => void; reject: (e: unknown) => void };

export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  private readonly client: OpenAI;
  private readonly slots: Semaphore;
  private readonly engine: string;

  constructor(private readonly opts: OpenAIChatModelOptions) {
    this.id = `openai:${opts.model}`;
    this.engine = `${opts.model} at ${opts.baseURL}`;
    this.client = openAIClient(opts);
    this.slots = new Semaphore(opts.concurrency);
  }

  async complete(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const release = await this.slots.acquire(req.signal);
    try {
      const res = await this.client.chat.completions.create(
        { ...this.params(req), stream: false },
        { signal: req.signal },
      );
      const choice = res.choices[0];
      if (!choice) throw new EngineUnavailableError(this.engine, 'response has no choices');
      return {
        content: choice.message.content ?? '',
        model: res.model || this.opts.model,
        promptTokens: res.usage?.prompt_tokens ?? 0,
        completionTokens: res.usage?.completion_tokens ?? 0,
        durationMs: Date.now() - started,
      };
    } catch (err) {
      throw this.failure(err, req);
    } finally {
      release();
    }
  }

  stream(req: ChatRequest): ChatStream {
    let settle!: Settle;
    const result = new Promise<ChatResult>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => {}); // a caller that only iterates has seen the error already
    const deltas = this.deltas(req, settle);
    return { result, [Symbol.asyncIterator]: () => deltas };
  }

  private async *deltas(req: ChatRequest, settle: Settle): AsyncGenerator<string> {
    const started = Date.now();
    const release = await this.slots.acquire(req.signal).catch((err) => {
      settle.reject(err);
      throw err;
    });
    // The client's timeout stops at the headers; this watchdog catches a stream that goes quiet.
    const stall = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, stall.signal]) : stall.signal;
    let timer: NodeJS.Timeout | undefined;
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), this.opts.timeoutMs);
    };
    let content = '';
    let model = this.opts.model;
    let usage: OpenAI.CompletionUsage | undefined;
    let finished = false;
    let settled = false;
    try {
      const stream = await this.client.chat.completions.create(
        { ...this.params(req), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      watch();
      for await (const chunk of stream) {
        model = chunk.model || model;
        usage = chunk.usage ?? usage;
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finished = true;
        const delta = choice?.delta?.content;
        if (delta) {
          content += delta;
          clearTimeout(timer); // the consumer's pace is not the engine's
          yield delta;
        }
        watch();
      }
      // The client ends an aborted stream quietly, as it does one whose server just hung up.
      req.signal?.throwIfAborted();
      if (stall.signal.aborted) {
        throw new EngineUnavailableError(this.engine, `stream stalled for ${this.opts.timeoutMs} ms`);
      }
      if (!finished) throw new EngineUnavailableError(this.engine, 'stream ended before the answer was finished');
      settle.resolve({
        content,
        model,
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        durationMs: Date.now() - started,
      });
      settled = true;
    } catch (err) {
      const failure = this.failure(err, req);
      settle.reject(failure);
      settled = true;
      throw failure;
    } finally {
      clearTimeout(timer);
      release();
      // The consumer broke out of the loop early; the request was aborted by the client.
      if (!settled) settle.reject(new Error('chat stream was not read to the end'));
    }
  }

  private params(req: ChatRequest): ChatCompletionCreateParamsBase {
    return {
      model: this.opts.model,
      messages: req.messages,
      temperature: req.temperature,
      // max_tokens, not max_completion_tokens: LMDeploy, vLLM and Ollama all take it.
      max_tokens: req.maxTokens,
      ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
    };
  }

  /** An aborted call rejects with the signal's reason, as fetch does; anything else is the engine's. */
  private failure(err: unknown, req: ChatRequest): unknown {
    return req.signal?.aborted ? req.signal.reason : toEngineError(this.engine, err, this.opts.timeoutMs);
  }
}

/** At most `limit` holders; waiters are served in arrival order and leave the queue when their signal aborts. */
class Semaphore {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.held < this.limit) this.held++;
    else {
      await new Promise<void>((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener('abort', cancel);
          resolve();
        };
        const cancel = () => {
          this.waiting.splice(this.waiting.indexOf(grant), 1);
          reject(signal!.reason);
        };
        this.waiting.push(grant);
        signal?.addEventListener('abort', cancel, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    };
  }
}
