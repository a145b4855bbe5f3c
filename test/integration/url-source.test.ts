// A URL source against a local web server: pages from a sitemap are ingested, unchanged pages
// are skipped by ETag, changes and removals follow; a private address is refused by default.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { startFennel, type Harness } from '../support/fennel-harness';

let f: Harness;
let server: Server;
let base = '';
const requests: string[] = [];
const pages: Record<string, string> = {
  '/handbook/leave.html':
    '<html><head><title>Leave</title></head><body><nav>Home | About</nav><main><h1>Parental leave</h1><p>Parents get 20 weeks of paid leave, code LIMA-20.</p></main></body></html>',
  '/handbook/remote.md': '# Remote work\n\nRemote work is allowed three days a week, policy MIKE-3.\n',
};

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['if-none-match'] ?? ''}`);
    if (req.url === '/sitemap.xml') {
      const urls = Object.keys(pages)
        .map((p) => `<url><loc>${base}${p}</loc></url>`)
        .join('');
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
      return;
    }
    const body = pages[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end('not found');
    const etag = `"${Buffer.from(body).length}-${body.charCodeAt(40)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    const type = req.url!.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8';
    res.writeHead(200, { 'content-type': type, etag }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  f = await startFennel('urls');
  await f.api('POST', '/api/v1/kbs', { slug: 'web', name: 'Web' });
});
afterAll(async () => {
  await f?.stop();
  await new Promise((r) => server?.close(r));
});

const source = (id: string) => f.api('GET', `/api/v1/kbs/web/sources/${id}`).then((r) => r.body);
const ready = async () =>
  ((await f.api('GET', '/api/v1/kbs/web/documents?status=ready')).body.items as { sourceRef: string }[])
    .map((d) => d.sourceRef)
    .sort();

describe('URL source', () => {
  it('syncs a sitemap, skips unchanged pages, follows edits and removals', async () => {
    const created = await f.api('POST', '/api/v1/kbs/web/sources', {
      kind: 'url',
      sitemap: `${base}/sitemap.xml`,
      allowPrivate: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await eventually(ready, (r) => r.length === 2, 'both pages ready');
    const hits = (await f.api('POST', '/api/v1/kbs/web/search', { query: 'paid parental leave weeks', topK: 1 })).body
      .hits;
    expect(hits[0].text).toContain('LIMA-20');
    expect(hits[0].text).not.toContain('Home | About');

    // Second sync: nothing changed, so both pages answer 304 and no version is made.
    const before = requests.length;
    expect((await f.api('POST', `/api/v1/kbs/web/sources/${id}/sync`)).status).toBe(202);
    const second = await eventually(
      () => source(id),
      (s) => s.lastReport?.unchanged === 2,
      'second sync report',
    );
    expect(second.lastReport).toMatchObject({ updated: 0, removed: 0, failed: 0 });
    expect(
      requests
        .slice(before)
        .filter((r) => r.startsWith('GET /handbook/'))
        .every((r) => r.endsWith('"')),
    ).toBe(true);

    pages['/handbook/remote.md'] = '# Remote work\n\nRemote work is now allowed four days a week, policy NOVEMBER-4.\n';
    delete pages['/handbook/leave.html'];
    await f.api('POST', `/api/v1/kbs/web/sources/${id}/sync`);
    await eventually(ready, (r) => r.length === 1, 'removed page gone');
    await eventually(
      async () =>
        (await f.api('POST', '/api/v1/kbs/web/search', { query: 'remote work days per week', topK: 1 })).body.hits[0]
          ?.text ?? '',
      (t) => t.includes('NOVEMBER-4'),
      'edited page re-ingested',
    );
  });

  it('refuses a private address unless the source allows it', async () => {
    const created = await f.api('POST', '/api/v1/kbs/web/sources', {
      kind: 'url',
      urls: [`${base}/handbook/remote.md`],
    });
    const before = requests.length;
    const s = await eventually(
      () => source(created.body.id),
      (x) => x.lastReport?.failed === 1,
      'refusal report',
    );
    expect(JSON.stringify(s.lastReport.errors)).toMatch(/refused: 127\.0\.0\.1 is a loopback address/);
    expect(requests.length).toBe(before); // no request reached the server
  });

  it('validates source definitions', async () => {
    const bad = await f.api('POST', '/api/v1/kbs/web/sources', { kind: 'url', urls: ['ftp://example.com/x'] });
    expect(bad.status).toBe(400);
    expect((await f.api('POST', '/api/v1/kbs/web/sources', { kind: 'url' })).status).toBe(400);
  });
});
