// A watched folder keeps a KB in sync: files created, changed and deleted on disk show up in
// search within seconds, through the same versioned ingest as uploads.
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { startFennel, type Harness } from '../support/fennel-harness';

let f: Harness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fennel-folder-'));
  await writeFile(join(dir, 'existing.md'), '# Badges\n\nLost badges are replaced at reception desk OSCAR.\n');
  await writeFile(join(dir, 'logo.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  f = await startFennel('folder');
  await f.api('POST', '/api/v1/kbs', { slug: 'drive', name: 'Drive' });
});
afterAll(async () => {
  await f?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const topText = async (query: string) => {
  const r = await f.api('POST', '/api/v1/kbs/drive/search', { query, topK: 3 });
  return (r.body.hits as { text: string }[]).map((h) => h.text).join('\n---\n');
};
const readyDocs = async () =>
  (await f.api('GET', '/api/v1/kbs/drive/documents?status=ready')).body.items as {
    title: string;
    source: string;
    sourceRef: string;
  }[];

describe('folder source', () => {
  it('ingests what is there, then follows creates, edits and deletes', async () => {
    const created = await f.api('POST', '/api/v1/kbs/drive/sources', { kind: 'folder', path: dir, intervalSec: 60 });
    expect(created.status).toBe(201);
    const sourceId = created.body.id;

    await eventually(
      () => topText('lost badge replacement'),
      (t) => t.includes('OSCAR'),
      'existing file',
    );
    const docs = await readyDocs();
    expect(docs).toHaveLength(1); // logo.png is not a document type and is skipped
    expect(docs[0]).toMatchObject({ source: 'folder', sourceRef: 'existing.md' });

    await writeFile(join(dir, 'new.txt'), 'Coffee\n\nThe espresso machine is descaled every Friday by team PAPA.\n');
    await eventually(
      () => topText('who descales the espresso machine'),
      (t) => t.includes('PAPA'),
      'created file',
    );

    await writeFile(join(dir, 'existing.md'), '# Badges\n\nLost badges are now replaced by security desk QUEBEC.\n');
    await eventually(
      () => topText('lost badge replacement'),
      (t) => t.includes('QUEBEC') && !t.includes('OSCAR'),
      'edited file',
    );

    await unlink(join(dir, 'new.txt'));
    await eventually(
      () => topText('espresso machine descaled'),
      (t) => !t.includes('PAPA'),
      'deleted file',
    );
    expect((await readyDocs()).map((d) => d.sourceRef)).toEqual(['existing.md']);

    const source = await f.api('GET', `/api/v1/kbs/drive/sources/${sourceId}`);
    expect(source.body).toMatchObject({ kind: 'folder', config: { path: dir }, lastError: null });
    expect(source.body.lastSyncAt).not.toBeNull();

    const sync = await f.api('POST', `/api/v1/kbs/drive/sources/${sourceId}/sync`);
    expect([202, 409]).toContain(sync.status);

    expect((await f.api('DELETE', `/api/v1/kbs/drive/sources/${sourceId}`)).status).toBe(204);
    expect(await readyDocs()).toEqual([]);
    expect((await f.api('GET', '/api/v1/kbs/drive/sources')).body.items).toEqual([]);
  });

  it('rejects a relative path and an unknown kind with 400', async () => {
    const rel = await f.api('POST', '/api/v1/kbs/drive/sources', { kind: 'folder', path: 'docs' });
    expect(rel.status).toBe(400);
    expect(rel.body.message).toMatch(/absolute path/);
    expect((await f.api('POST', '/api/v1/kbs/drive/sources', { kind: 'ftp', path: '/x' })).status).toBe(400);
  });
});
