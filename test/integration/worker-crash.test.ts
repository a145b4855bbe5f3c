// A worker process killed with SIGKILL mid-ingest: the job is retried by another worker and
// the version ends ready with exactly one set of chunks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/paths';
import { chunkDocument } from '../../workers/chunking/chunker';
import { MarkdownParser } from '../../workers/parsers/markdown.parser';
import { startFennel, type Harness } from '../support/fennel-harness';

let f: Harness;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'fennel.js'), 'worker'], {
    env: { ...process.env, ...f.env, FENNEL_JOB_LOCK_MS: '1500', FENNEL_WORKER_METRICS_PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  children.push(child);
  return child;
}

// Many sections so ingest takes long enough to be caught mid-way.
const bigDoc =
  Array.from(
    { length: 6000 },
    (_, i) =>
      `## Section ${i}\n\nPolicy clause ${i}: the retention period for record class R${i} is ${i % 97} months, reviewed by team T${i % 13}.\n`,
  ).join('\n') + '\n## Appendix\n\nThe archive vault combination is kept by the records officer Quentin Moreau.\n';

beforeAll(async () => {
  f = await startFennel('crash', { workers: false });
  await f.api('POST', '/api/v1/kbs', { slug: 'records', name: 'Records' });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await f?.stop();
});

describe('worker killed mid-ingest', () => {
  it('retries on another worker and leaves exactly one set of chunks', async () => {
    const expected = chunkDocument(
      await new MarkdownParser().parse({ bytes: Buffer.from(bigDoc), filename: 'records.md' }),
    ).length;
    const up = await f.upload('records', [{ name: 'records.md', content: bigDoc }]);
    const { documentId, versionId } = up.body.items[0];

    const first = startWorker();
    const pg = new Client({ connectionString: f.env.DATABASE_URL });
    await pg.connect();
    try {
      // Wait until the first worker has written some chunks but not all.
      const deadline = Date.now() + 60_000;
      let partial = 0;
      while (Date.now() < deadline) {
        const { rows } = await pg.query<{ n: string }>('SELECT count(*) AS n FROM chunks WHERE version_id = $1', [
          versionId,
        ]);
        partial = Number(rows[0]!.n);
        if (partial > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(expected);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const mid = await f.api('GET', `/api/v1/kbs/records/documents/${documentId}`);
      expect(mid.body.latest.status).toBe('indexing');

      startWorker();
      const doc = await f.waitFor('records', documentId, ['ready', 'failed'], 90_000);
      expect([doc.latest.status, doc.latest.error]).toEqual(['ready', null]);
      expect(doc.latest.chunkCount).toBe(expected);
      const { rows } = await pg.query<{ n: string; ordinals: string; min: number; max: number }>(
        `SELECT count(*) AS n, count(DISTINCT ordinal) AS ordinals, min(ordinal) AS min, max(ordinal) AS max
           FROM chunks WHERE document_id = $1`,
        [documentId],
      );
      expect(rows[0]).toEqual({ n: String(expected), ordinals: String(expected), min: 0, max: expected - 1 });
    } finally {
      await pg.end();
    }
    const hits = await f.api('POST', '/api/v1/kbs/records/search', {
      query: 'who keeps the archive vault combination',
      topK: 5,
    });
    expect(hits.body.hits[0].text).toContain('Quentin Moreau');
  });
});
