// Embedder on an OpenAI-compatible /embeddings endpoint: LMDeploy, vLLM, Ollama, TEI, hosted APIs.
import type OpenAI from 'openai';
import type { Embedder } from './embedder';
import { EngineError, toEngineError } from './engine-error';
import { openAIClient } from './openai-client';

export interface OpenAIEmbedderOptions {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** The vector length this KB expects; when absent, probe() asks the server. */
  dimension?: number;
  /** Send `dimensions` so a Matryoshka model (text-embedding-3, some vLLM models) shortens its vectors; others reject it. */
  requestDimensions?: boolean;
  /** Texts per request. Default 64. */
  batchSize?: number;
  timeoutMs: number;
  maxRetries: number;
  /** 'float' (default) every server speaks; 'base64' is about a third of the bytes where the server has it. */
  encodingFormat?: 'float' | 'base64';
}

/** Float32 little-endian, as OpenAI, vLLM and TEI encode base64 embeddings. */
function fromBase64(s: string): number[] {
  const buf = Buffer.from(s, 'base64');
  return Array.from({ length: buf.length >> 2 }, (_, i) => buf.readFloatLE(i * 4));
}

function normalise(v: number[]): number[] {
  let sq = 0;
  for (const x of v) sq += x * x;
  const norm = Math.sqrt(sq);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export class OpenAIEmbedder implements Embedder {
  private readonly client: OpenAI;
  private readonly engine: string;
  private dim: number | undefined;
  private probed = false;

  constructor(private readonly opts: OpenAIEmbedderOptions) {
    this.dim = opts.dimension;
    this.engine = `${opts.model} at ${opts.baseURL}`;
    this.client = openAIClient(opts);
  }

  get dimension(): number {
    if (this.dim === undefined) throw new Error(`embedder ${this.opts.model}: dimension unknown until probe()`);
    return this.dim;
  }

  /** `openai:<model>:<n>`, or `openai:<model>:dim<n>` when the server is asked to shorten the model's vectors to n. */
  get id(): string {
    return `openai:${this.opts.model}:${this.opts.requestDimensions ? 'dim' : ''}${this.dimension}`;
  }

  /**
   * One request, once: learns the dimension when it was not configured, and checks it when it
   * was, so a misspelled model or a dimension the model cannot give fails when the KB setting is
   * saved rather than in the re-embed job.
   */
  async probe(): Promise<number> {
    if (!this.probed) {
      await this.request(['dimension probe']);
      this.probed = true;
    }
    return this.dimension;
  }

  async embed(texts: string[]): Promise<number[][]> {
    const size = this.opts.batchSize ?? 64;
    const out: number[][] = [];
    // One batch at a time: ingest jobs already run in parallel, and the server batches internally.
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.request(texts.slice(i, i + size))));
    return out;
  }

  private async request(batch: string[]): Promise<number[][]> {
    let data: OpenAI.Embedding[];
    try {
      const res = await this.client.embeddings.create({
        model: this.opts.model,
        // Some servers reject an empty string outright; a space embeds as "nothing" everywhere.
        input: batch.map((t) => (t === '' ? ' ' : t)),
        // Naming the format turns off the client's own base64 request-and-decode, which garbles
        // the answer of a server that ignores encoding_format and sends floats anyway.
        encoding_format: this.opts.encodingFormat ?? 'float',
        ...(this.opts.requestDimensions && this.dim ? { dimensions: this.dim } : {}),
      });
      data = res.data;
    } catch (err) {
      throw toEngineError(this.engine, err, this.opts.timeoutMs);
    }
    if (data.length !== batch.length) {
      throw new EngineError(this.engine, `returned ${data.length} vectors for ${batch.length} texts`);
    }
    const vectors: number[][] = new Array(batch.length);
    for (const [i, d] of data.entries()) {
      const raw = d.embedding as number[] | string;
      vectors[d.index ?? i] = typeof raw === 'string' ? fromBase64(raw) : raw;
    }
    for (const v of vectors) {
      if (!v) throw new EngineError(this.engine, 'response skipped some input indexes');
      this.dim ??= v.length;
      if (v.length !== this.dim) {
        throw new EngineError(
          this.engine,
          `model ${this.opts.model} returned ${v.length}-dimensional vectors, expected ${this.dim}`,
        );
      }
    }
    return vectors.map(normalise);
  }
}
