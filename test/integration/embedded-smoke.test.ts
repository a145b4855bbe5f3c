// The laptop default: `fennel start` with no DATABASE_URL runs on embedded PGlite (with the
// real pgvector), generates and prints an admin token, and serves an upload and a search.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/paths';
import { REDIS_URL, uniquePrefix } from '../support/services';

let child: ChildProcess | undefined;
let dataDir = '';
const prefix = uniquePrefix('embedded');

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  const redis = new IORedis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

function startEmbedded(env: Record<string, string>): Promise<{ url: string; token: string }> {
  child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'fennel.js'), 'start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner within 60 s:\n${out}\n${err}`)), 60_000);
    child!.stderr!.on('data', (d: Buffer) => (err += d));
    child!.stdout!.on('data', (d: Buffer) => {
      out += d;
      const url = /Fennel is running at (\S+)/.exec(out)?.[1];
      const token = /Admin token: (\S+)/.exec(out)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    child!.once('exit', (code) => reject(new Error(`fennel start exited with ${code}:\n${out}\n${err}`)));
  });
}

describe('embedded mode', () => {
  it('starts on PGlite, prints the generated token, and serves upload and search', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fennel-embedded-'));
    const { url, token } = await startEmbedded({
      FENNEL_DATA_DIR: dataDir,
      FENNEL_EMBEDDED_PG_PORT: '0',
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL,
      FENNEL_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    });
    expect(token).toMatch(/^fnl_[0-9a-f]{48}$/);
    expect((await readFile(join(dataDir, 'admin-token'), 'utf8')).trim()).toBe(token);

    const auth = { authorization: `Bearer ${token}` };
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const kb = await fetch(`${url}/api/v1/kbs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'laptop', name: 'Laptop' }),
    });
    expect(kb.status).toBe(201);
    const form = new FormData();
    form.append(
      'file',
      new Blob(['# Printers\n\nThe third-floor printer is named Gutenberg; its queue is PRN-3.\n']),
      'printers.md',
    );
    const up = await fetch(`${url}/api/v1/kbs/laptop/documents`, { method: 'POST', headers: auth, body: form });
    expect(up.status).toBe(202);
    const { items } = (await up.json()) as { items: { documentId: string }[] };
    const deadline = Date.now() + 30_000;
    let status = '';
    while (Date.now() < deadline && status !== 'ready' && status !== 'failed') {
      const doc = await fetch(`${url}/api/v1/kbs/laptop/documents/${items[0]!.documentId}`, { headers: auth });
      status = ((await doc.json()) as { latest: { status: string } }).latest.status;
      if (status !== 'ready') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('ready');
    const search = await fetch(`${url}/api/v1/kbs/laptop/search`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'which printer queue on the third floor', topK: 3 }),
    });
    const body = (await search.json()) as { hits: { text: string }[] };
    expect(body.hits[0]!.text).toContain('PRN-3');
  });
});
