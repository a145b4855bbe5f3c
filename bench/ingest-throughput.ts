// Markdown ingest throughput through the real path (HTTP upload -> Redis -> worker -> Postgres)
// against the same parse + chunk + embed + tokenize work done in-process with no I/O (the
// baseline): the ratio is what persistence, the queue and the API cost.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { loadConfig } from '../src/config/config';
import { BuiltinEmbedder } from '../src/inference/builtin-embedder';
import { createLogger } from '../src/observability/logger';
import { start } from '../src/runtime';
import { termFrequencies } from '../src/retrieval/bm25';
import { Tokenizer } from '../src/retrieval/tokenizer';
import { chunkDocument } from '../workers/chunking/chunker';
import { ParserRegistry } from '../workers/parsers/parser-registry';
import type { BenchDb } from './bench-db';

export interface IngestRow {
  db: string;
  docs: number;
  megabytes: number;
  docsPerSec: number;
  mbPerSec: number;
  baselineDocsPerSec: number;
}

async function baseline(docs: string[]): Promise<number> {
  const parsers = new ParserRegistry();
  const embedder = new BuiltinEmbedder();
  const tokenizer = new Tokenizer();
  const t = performance.now();
  for (const [i, d] of docs.entries()) {
    const parsed = await parsers.parse({ bytes: Buffer.from(d), filename: `doc${i}.md` });
    const chunks = chunkDocument(parsed);
    const texts = chunks.map((c) => [parsed.title, ...c.headingPath, c.text].join('\n'));
    await embedder.embed(texts);
    for (const t of texts) termFrequencies(tokenizer.tokenize(t));
  }
  return docs.length / ((performance.now() - t) / 1000);
}

export async function ingestThroughput(
  db: BenchDb | 'embedded',
  docs: string[],
  log: (s: string) => void,
): Promise<IngestRow> {
  const prefix = `fennel-bench-${randomBytes(4).toString('hex')}`;
  const dataDir = db === 'embedded' ? await mkdtemp(join(tmpdir(), 'fennel-bench-ingest-')) : undefined;
  const config = loadConfig({
    ...(db === 'embedded' ? { FENNEL_DATA_DIR: dataDir, FENNEL_EMBEDDED_PG_PORT: '0' } : { DATABASE_URL: db.url }),
    FENNEL_ADMIN_TOKEN: randomBytes(16).toString('hex'),
    FENNEL_QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
  });
  const running = await start(config, createLogger('error'), { api: true, workers: true });
  const auth = { authorization: `Bearer ${config.adminToken}` };
  try {
    await fetch(`${running.url}/api/v1/kbs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'bench', name: 'bench' }),
    });
    const t = performance.now();
    for (let i = 0; i < docs.length; i += 20) {
      const form = new FormData();
      docs.slice(i, i + 20).forEach((d, k) => form.append('file', new Blob([d]), `doc${i + k}.md`));
      const res = await fetch(`${running.url}/api/v1/kbs/bench/documents`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    }
    for (;;) {
      const res = await fetch(`${running.url}/api/v1/kbs/bench/documents?limit=1000&status=ready`, { headers: auth });
      const { items } = (await res.json()) as { items: unknown[] };
      if (items.length >= docs.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = (performance.now() - t) / 1000;
    const megabytes = docs.reduce((s, d) => s + Buffer.byteLength(d), 0) / 1e6;
    const row: IngestRow = {
      db: db === 'embedded' ? 'embedded' : db.kind,
      docs: docs.length,
      megabytes,
      docsPerSec: docs.length / secs,
      mbPerSec: megabytes / secs,
      baselineDocsPerSec: await baseline(docs),
    };
    log(
      `  ${row.db}: ${row.docsPerSec.toFixed(1)} docs/s, ${row.mbPerSec.toFixed(2)} MB/s (in-process baseline ${row.baselineDocsPerSec.toFixed(1)} docs/s)`,
    );
    return row;
  } finally {
    await running.stop();
    const redis = new IORedis(config.redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}
