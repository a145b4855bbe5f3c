// Reranker port and its adapter for /rerank endpoints, in TEI's shape or the Jina/Cohere/vLLM one.
//
//   TEI:  { api: 'tei', baseURL: 'http://gpu-host:8080' }                 (POST /rerank)
//   vLLM: { api: 'jina', baseURL: 'http://gpu-host:8000/v1', model: 'BAAI/bge-reranker-v2-m3' }
//   Jina: { api: 'jina', baseURL: 'https://api.jina.ai/v1', model: 'jina-reranker-v2-base-multilingual', apiKey }
import { EngineError, httpError, toEngineError } from './engine-error';

/** Nest injection token of the configured Reranker. */
export const RERANKER = Symbol('Reranker');

export interface Reranker {
  readonly id: string;
  /**
   * One score per passage, in input order; higher is more relevant. `idf` gives the KB's IDF
   * of an analysed term to rerankers that weigh terms (the built-in one); models ignore it.
   */
  rerank(query: string, passages: string[], opts?: { idf?: (term: string) => number }): Promise<number[]>;
}

export interface HttpRerankerOptions {
  /**
   * 'tei': `{query, texts}` → `[{index, score}]`.
   * 'jina': `{model, query, documents}` → `{results: [{index, relevance_score}]}` (Jina, Cohere, vLLM).
   */
  api: 'tei' | 'jina';
  /** Where `/rerank` lives. */
  baseURL: string;
  apiKey?: string;
  model?: string;
  timeoutMs: number;
  /** Passages are cut to this many characters; a cross-encoder reads ~512 tokens anyway. Default 2000. */
  maxChars?: number;
}

interface Scored {
  index: number;
  score: number;
}

/** Cuts without splitting a surrogate pair, which some servers refuse to decode. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export class HttpReranker implements Reranker {
  readonly id: string;
  private readonly url: string;
  private readonly engine: string;

  constructor(private readonly opts: HttpRerankerOptions) {
    this.id = `rerank-${opts.api}:${opts.model ?? 'default'}`;
    this.url = `${opts.baseURL.replace(/\/+$/, '')}/rerank`;
    this.engine = `${opts.model ?? 'reranker'} at ${this.url}`;
  }

  async rerank(query: string, passages: string[]): Promise<number[]> {
    if (passages.length === 0) return [];
    const texts = passages.map((p) => cut(p, this.opts.maxChars ?? 2000));
    const scored =
      this.opts.api === 'tei'
        ? this.teiScores(await this.post({ query, texts, truncate: true }))
        : this.jinaScores(
            await this.post({
              model: this.opts.model,
              query,
              documents: texts,
              top_n: texts.length, // some servers default to fewer
              return_documents: false,
            }),
          );
    // Servers answer best first; the port promises input order.
    const scores = new Array<number>(passages.length).fill(NaN);
    for (const { index, score } of scored) {
      if (Number.isInteger(index) && index >= 0 && index < scores.length) scores[index] = score;
    }
    if (scores.some((s) => !Number.isFinite(s))) {
      throw new EngineError(this.engine, `scored ${scored.length} of ${passages.length} passages`);
    }
    return scores;
  }

  private teiScores(json: unknown): Scored[] {
    if (!Array.isArray(json)) throw new EngineError(this.engine, 'expected an array of {index, score}');
    return json.map((r) => ({ index: r?.index, score: r?.score }));
  }

  private jinaScores(json: any): Scored[] {
    if (!Array.isArray(json?.results)) throw new EngineError(this.engine, 'expected {results: [...]}');
    return json.results.map((r: any) => ({ index: r?.index, score: r?.relevance_score }));
  }

  private async post(body: object): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    try {
      // The timeout covers the body too, unlike the openai client's.
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      if (!res.ok) throw httpError(this.engine, res.status, await res.text());
      return await res.json();
    } catch (err) {
      throw toEngineError(this.engine, err, this.opts.timeoutMs);
    }
  }
}
