// Upload, search, replace under concurrent searches, delete, failure handling — against real
// Postgres + pgvector and real Redis, through the HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFennel, type Harness } from '../support/fennel-harness';

let f: Harness;

beforeAll(async () => {
  f = await startFennel('hotupdate', { env: { FENNEL_MAX_UPLOAD_BYTES: '1mb' } });
  const kb = await f.api('POST', '/api/v1/kbs', { slug: 'handbook', name: 'Handbook' });
  expect(kb.status).toBe(201);
});
afterAll(() => f?.stop());

const search = async (query: string, topK = 10) => {
  const r = await f.api('POST', '/api/v1/kbs/handbook/search', { query, topK });
  expect(r.status).toBe(200);
  return r.body.hits as { documentId: string; text: string; title: string; score: number; headingPath: string[] }[];
};

describe('upload → ready → search', () => {
  it('finds an uploaded Markdown document and serves its parsed Markdown', async () => {
    const md =
      '# Travel policy\n\nBook flights through the portal at least 14 days ahead.\n\n## Hotels\n\nHotel budget is 180 EUR per night in Munich.\n';
    const up = await f.upload('handbook', [{ name: 'travel.md', content: md }]);
    expect(up.status).toBe(202);
    const [item] = up.body.items;
    expect(item).toMatchObject({ filename: 'travel.md', status: 'queued', created: true });
    const doc = await f.waitFor('handbook', item.documentId, ['ready', 'failed']);
    expect(doc.latest.status).toBe('ready');
    expect(doc.title).toBe('Travel policy');

    const hits = await search('hotel budget per night');
    expect(hits[0]).toMatchObject({
      documentId: item.documentId,
      title: 'Travel policy',
      headingPath: ['Travel policy', 'Hotels'],
    });
    expect(hits[0]!.text).toContain('180 EUR');

    const markdown = await f.api('GET', `/api/v1/kbs/handbook/documents/${item.documentId}/markdown`);
    expect(markdown.status).toBe(200);
    expect(markdown.text).toContain('## Hotels');
    expect(markdown.text).toContain('Hotel budget is 180 EUR per night in Munich.');
  });

  it('ingests TXT with Chinese text and several files in one request', async () => {
    const up = await f.upload('handbook', [
      { name: 'wifi.txt', content: '办公室无线网络\n\n访客网络的密码每周一更新，请向前台索取。\n' },
      { name: 'parking.txt', content: 'Parking\n\nVisitors park on level -2; badges open the gate.\n' },
    ]);
    expect(up.status).toBe(202);
    expect(up.body.items).toHaveLength(2);
    for (const it of up.body.items)
      expect((await f.waitFor('handbook', it.documentId, ['ready', 'failed'])).latest.status).toBe('ready');
    const zh = await search('访客网络密码');
    expect(zh[0]!.documentId).toBe(up.body.items[0].documentId);
    const en = await search('where do visitors park');
    expect(en[0]!.documentId).toBe(up.body.items[1].documentId);
  });
});

describe('replace while searching', () => {
  it('every concurrent search sees the old text or the new, never both or neither', async () => {
    const oldText = '# Canteen\n\nThe canteen serves lunch from 11:30 to 14:00. Menu code ALPHAOLD.\n';
    const newText = '# Canteen\n\nThe canteen serves lunch from 12:00 to 15:00. Menu code BRAVONEW.\n';
    const up = await f.upload('handbook', [{ name: 'canteen.md', content: oldText }]);
    const docId = up.body.items[0].documentId;
    await f.waitFor('handbook', docId, ['ready']);

    const seen: string[] = [];
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const hits = (await search('canteen lunch menu code', 20)).filter((h) => h.documentId === docId);
        const hasOld = hits.some((h) => h.text.includes('ALPHAOLD'));
        const hasNew = hits.some((h) => h.text.includes('BRAVONEW'));
        seen.push(hasOld && hasNew ? 'both' : hasOld ? 'old' : hasNew ? 'new' : 'neither');
      }
    })();
    await new Promise((r) => setTimeout(r, 150));
    const put = await f.upload('handbook', [{ name: 'canteen.md', content: newText }], docId);
    expect(put.status).toBe(202);
    expect(put.body.created).toBe(true);
    await f.waitFor('handbook', docId, ['ready']);
    await new Promise((r) => setTimeout(r, 150));
    stop = true;
    await loop;

    expect(seen.length).toBeGreaterThan(5);
    expect(seen.filter((s) => s === 'both' || s === 'neither')).toEqual([]);
    expect(seen[0]).toBe('old');
    expect(seen[seen.length - 1]).toBe('new');
    // Once switched, it never goes back.
    expect(seen.slice(seen.indexOf('new'))).not.toContain('old');

    const after = (await search('canteen lunch menu code', 50)).filter((h) => h.documentId === docId);
    expect(after.some((h) => h.text.includes('BRAVONEW'))).toBe(true);
    expect(after.some((h) => h.text.includes('ALPHAOLD'))).toBe(false);
    const versions = await f.api('GET', `/api/v1/kbs/handbook/documents/${docId}/versions`);
    expect(versions.body.items.map((v: { seq: number; status: string }) => [v.seq, v.status])).toEqual([
      [2, 'ready'],
      [1, 'superseded'],
    ]);
  });
});

describe('delete and identical re-upload', () => {
  it('an identical re-upload creates no version; delete removes the document from search', async () => {
    const content = '# Security\n\nReport phishing to security-desk ZULU-7 within one hour.\n';
    const first = await f.upload('handbook', [{ name: 'security.md', content }]);
    const docId = first.body.items[0].documentId;
    await f.waitFor('handbook', docId, ['ready']);

    const again = await f.upload('handbook', [{ name: 'security-copy.md', content }]);
    expect(again.status).toBe(202);
    expect(again.body.items[0]).toMatchObject({ documentId: docId, created: false });
    const sameViaPut = await f.upload('handbook', [{ name: 'security.md', content }], docId);
    expect(sameViaPut.body).toMatchObject({ created: false });
    const versions = await f.api('GET', `/api/v1/kbs/handbook/documents/${docId}/versions`);
    expect(versions.body.items).toHaveLength(1);

    expect((await search('report phishing security desk')).some((h) => h.documentId === docId)).toBe(true);
    const del = await f.api('DELETE', `/api/v1/kbs/handbook/documents/${docId}`);
    expect(del.status).toBe(204);
    expect((await search('report phishing security desk', 50)).some((h) => h.documentId === docId)).toBe(false);
    expect((await f.api('GET', `/api/v1/kbs/handbook/documents/${docId}`)).status).toBe(404);
    const list = await f.api('GET', '/api/v1/kbs/handbook/documents');
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(docId);
  });
});

describe('a version that fails to parse', () => {
  it('is failed with the reason while the previous version keeps answering', async () => {
    const up = await f.upload('handbook', [
      { name: 'onboarding.md', content: '# Onboarding\n\nNew hires get a laptop on day one from IT desk KILO.\n' },
    ]);
    const docId = up.body.items[0].documentId;
    await f.waitFor('handbook', docId, ['ready']);

    const broken = await f.upload('handbook', [{ name: 'onboarding.md', content: '   \n\n  \t \n' }], docId);
    expect(broken.status).toBe(202);
    const doc = await f.waitFor('handbook', docId, ['failed', 'ready']);
    expect(doc.latest.status).toBe('failed');
    expect(doc.latest.error).toMatch(/empty/i);
    expect(doc.currentVersionId).toBe(up.body.items[0].versionId);

    const hits = await search('laptop on day one');
    expect(hits[0]!.documentId).toBe(docId);
    expect(hits[0]!.text).toContain('IT desk KILO');
    const md = await f.api('GET', `/api/v1/kbs/handbook/documents/${docId}/markdown`);
    expect(md.text).toContain('IT desk KILO');
  });
});

describe('errors', () => {
  it('rejects requests without a valid token with 401 and a JSON error', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Bearer wrong-token-123456' },
      { authorization: 'Basic abc' },
    ]) {
      const res = await fetch(`${f.url}/api/v1/kbs`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    }
    const upload = await fetch(`${f.url}/api/v1/kbs/handbook/documents`, { method: 'POST' });
    expect(upload.status).toBe(401);
    expect((await fetch(`${f.url}/healthz`)).status).toBe(200);
  });

  it('answers 400, 404, 409 and 415 with stable codes', async () => {
    const bad = await f.api('POST', '/api/v1/kbs', { slug: 'Not A Slug', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(bad.body.message).toMatch(/slug/);
    const dup = await f.api('POST', '/api/v1/kbs', { slug: 'handbook', name: 'again' });
    expect(dup).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const missing = await f.api('GET', '/api/v1/kbs/nope/documents');
    expect(missing).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const unsupported = await f.upload('handbook', [{ name: 'logo.png', content: png }]);
    expect(unsupported.status).toBe(415);
    expect(unsupported.body.code).toBe('unsupported_media_type');
    expect(unsupported.body.message).toContain('"logo.png" is a PNG image (image/png)');
    const noFile = await f.api('POST', '/api/v1/kbs/handbook/documents', new FormData());
    expect(noFile.status).toBe(400);
    const huge = await f.upload('handbook', [{ name: 'huge.txt', content: 'x'.repeat(1024 * 1024 + 10) }]);
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
    expect(
      (await f.api('GET', '/api/v1/kbs/handbook/documents')).body.items.map((d: { title: string }) => d.title),
    ).not.toContain('huge');
  });
});

describe('knowledge bases', () => {
  it('creates, reads by id or slug, patches, lists and deletes', async () => {
    const created = await f.api('POST', '/api/v1/kbs', { slug: 'scratch', name: 'Scratch' });
    expect(created.status).toBe(201);
    const byId = await f.api('GET', `/api/v1/kbs/${created.body.id}`);
    expect(byId.body.slug).toBe('scratch');
    const patched = await f.api('PATCH', '/api/v1/kbs/scratch', {
      name: 'Scratch 2',
      settings: { chunking: { maxTokens: 200 } },
    });
    expect(patched.body).toMatchObject({ name: 'Scratch 2', settings: { chunking: { maxTokens: 200 } } });
    const up = await f.upload('scratch', [{ name: 'a.md', content: '# A\n\nScratch content about zebras.\n' }]);
    await f.waitFor('scratch', up.body.items[0].documentId, ['ready']);
    // KB isolation: the handbook never sees scratch's documents.
    expect((await search('zebras', 50)).some((h) => h.documentId === up.body.items[0].documentId)).toBe(false);
    expect((await f.api('DELETE', '/api/v1/kbs/scratch')).status).toBe(204);
    expect((await f.api('GET', '/api/v1/kbs/scratch')).status).toBe(404);
    const list = await f.api('GET', '/api/v1/kbs');
    expect(list.body.items.map((k: { slug: string }) => k.slug)).toEqual(['handbook']);
  });

  it('refuses uploads that would take a KB over its storage limit with 413', async () => {
    await f.api('POST', '/api/v1/kbs', { slug: 'tiny', name: 'Tiny', settings: { maxBytes: 100 } });
    const first = await f.upload('tiny', [{ name: 'a.txt', content: 'x'.repeat(60) }]);
    expect(first.status).toBe(202);
    const over = await f.upload('tiny', [{ name: 'b.txt', content: 'y'.repeat(60) }]);
    expect(over.status).toBe(413);
    expect(over.body.message).toMatch(/Knowledge base "tiny" would hold .* over its limit/);
    expect((await f.api('GET', '/api/v1/kbs/tiny/documents')).body.items).toHaveLength(1);
    await f.api('DELETE', '/api/v1/kbs/tiny');
  });
});

describe('health, readiness, metrics, docs', () => {
  it('reports readiness and Prometheus metrics without a token', async () => {
    const ready = await fetch(`${f.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, redis: { ok: true }, migrations: { ok: true } },
    });
    const metrics = await (await fetch(`${f.url}/metrics`)).text();
    expect(metrics).toMatch(/fennel_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/kbs\/:kb\/search"/);
    expect(metrics).toMatch(/fennel_queue_jobs\{queue="ingest",state="completed"\} [1-9]/);
    expect(metrics).toMatch(/fennel_job_duration_seconds_count\{queue="ingest",outcome="completed"\} [1-9]/);
    const docs = await fetch(`${f.url}/api/docs/openapi.json`);
    expect(docs.status).toBe(200);
    const spec = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/api/v1/kbs/{kb}/documents/{doc}');
  });
});
