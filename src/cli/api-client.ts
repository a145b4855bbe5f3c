// A small typed client of Fennel's REST API, used by the CLI (which works the same against
// an embedded `fennel start` and a production deployment).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface ApiDocument {
  id: string;
  title: string;
  latest: {
    id: string;
    status: string;
    progress: number;
    error: string | null;
    /** What was wrong with a file that still became ready; empty when sound. */
    warnings?: string[];
    filename: string;
  };
}

export interface ApiHit {
  documentId: string;
  title: string;
  text: string;
  score: number;
  headingPath: string[];
  page: number | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const isForm = body instanceof FormData;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body && !isForm ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(
        `Cannot reach Fennel at ${this.baseUrl} (${(err as Error).message}). Is \`fennel start\` running?`,
      );
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const e = (json ?? {}) as { code?: string; message?: string };
      throw new ApiError(res.status, e.code ?? 'error', e.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }

  async ensureKb(slug: string): Promise<void> {
    try {
      await this.call('GET', `/api/v1/kbs/${encodeURIComponent(slug)}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      await this.call('POST', '/api/v1/kbs', { slug, name: slug });
    }
  }

  async upload(kb: string, path: string): Promise<{ documentId: string; versionId: string; created: boolean }> {
    const form = new FormData();
    form.append('file', new Blob([await readFile(path)]), basename(path));
    const res = await this.call<{ items: { documentId: string; versionId: string; created: boolean }[] }>(
      'POST',
      `/api/v1/kbs/${encodeURIComponent(kb)}/documents`,
      form,
    );
    return res.items[0]!;
  }

  document(kb: string, id: string): Promise<ApiDocument> {
    return this.call('GET', `/api/v1/kbs/${encodeURIComponent(kb)}/documents/${id}`);
  }

  search(kb: string, query: string, topK: number): Promise<{ hits: ApiHit[]; tookMs: number }> {
    return this.call('POST', `/api/v1/kbs/${encodeURIComponent(kb)}/search`, { query, topK });
  }

  tune(kb: string, good: string[], bad: string[]): Promise<ApiTuneResult> {
    return this.call('POST', `/api/v1/kbs/${encodeURIComponent(kb)}/tune`, { good, bad });
  }

  ask(kb: string, question: string): Promise<ApiAnswer> {
    return this.call('POST', `/api/v1/kbs/${encodeURIComponent(kb)}/ask`, { question, channel: 'cli' });
  }
}

export interface ApiTuneResult {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  examples: { good: number; bad: number };
  curve: { threshold: number; precision: number; recall: number; f1: number }[];
}

export interface ApiAnswer {
  answerId: string;
  decision: 'answer' | 'reject';
  reason: string | null;
  reply: string | null;
  modelCalls: number;
  trace: { step: string; decision: string; score?: number; threshold?: number; adapter: string; durationMs: number }[];
}
