// Boots a real Fennel (API + workers) in this process against a fresh database and a unique
// queue prefix, and gives tests a small authenticated HTTP client.
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { loadConfig, type FennelConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { start, type Running } from '../../src/runtime';
import { createTestDatabase, REDIS_URL, uniquePrefix } from './services';

export interface Harness {
  url: string;
  token: string;
  config: FennelConfig;
  running: Running;
  env: Record<string, string>;
  api: (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: any; text: string }>;
  upload: (
    kb: string,
    files: { name: string; content: string | Buffer }[],
    docId?: string,
  ) => Promise<{ status: number; body: any }>;
  waitFor: (kb: string, docId: string, statuses: string[], timeoutMs?: number) => Promise<any>;
  stop: () => Promise<void>;
}

export async function startFennel(
  label: string,
  opts: { workers?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  const db = await createTestDatabase(label);
  const token = `test_${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL,
    FENNEL_QUEUE_PREFIX: uniquePrefix(label),
    FENNEL_ADMIN_TOKEN: token,
    PORT: '0',
    HOST: '127.0.0.1',
    FENNEL_JOB_BACKOFF_MS: '100',
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const config = loadConfig(env);
  const running = await start(config, createLogger(config.logLevel), { api: true, workers: opts.workers ?? true });
  const url = running.url!;

  const api: Harness['api'] = async (method, path, body, headers = {}) => {
    const isForm = body instanceof FormData;
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (Markdown, metrics)
    }
    return { status: res.status, body: parsed, text };
  };

  const upload: Harness['upload'] = async (kb, files, docId) => {
    const form = new FormData();
    for (const f of files)
      form.append('file', new Blob([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)]), f.name);
    return api(docId ? 'PUT' : 'POST', `/api/v1/kbs/${kb}/documents${docId ? `/${docId}` : ''}`, form);
  };

  const waitFor: Harness['waitFor'] = async (kb, docId, statuses, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await api('GET', `/api/v1/kbs/${kb}/documents/${docId}`);
      if (statuses.includes(body?.latest?.status)) return body;
      if (Date.now() > deadline)
        throw new Error(`document ${docId} still ${body?.latest?.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return {
    url,
    token,
    config,
    running,
    env,
    api,
    upload,
    waitFor,
    async stop() {
      await running.stop();
      // Remove this suite's queue keys so repeated runs leave Redis clean.
      const redis = new IORedis(REDIS_URL);
      const keys = await redis.keys(`${config.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await db.drop();
    },
  };
}
