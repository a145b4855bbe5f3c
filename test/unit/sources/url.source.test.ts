import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUrlStateStore } from '../../../connectors/sources/url-state';
import { UrlSource, type UrlSourceOptions } from '../../../connectors/sources/url.source';
import { FakeSink } from './fake-sink';
import { sitemapIndex, TestSite, urlset } from './test-site';

let site: TestSite;
let sink: FakeSink;
let state: InMemoryUrlStateStore;

beforeEach(async () => {
  site = await TestSite.start();
  sink = new FakeSink();
  state = new InMemoryUrlStateStore();
});
afterEach(() => site.close());

function source(extra: Partial<UrlSourceOptions> = {}): UrlSource {
  return new UrlSource({
    sink,
    state,
    fetchTimeoutMs: 2000,
    maxBytes: 100_000,
    userAgent: 'FennelTest/1',
    allowPrivate: true, // the test site is on 127.0.0.1; SSRF checks have their own suite
    ...extra,
  });
}

/** /sitemap.xml indexes a plain and a gzip'd sitemap listing three pages with different validators. */
function publishSite(pagePaths = ['/a', '/b.txt', '/docs/c']): void {
  const [plain, gz] = [pagePaths.filter((p) => p !== '/docs/c'), pagePaths.filter((p) => p === '/docs/c')];
  site.pages.set('/sitemap.xml', {
    body: sitemapIndex([site.url('/pages-1.xml'), site.url('/pages-2.xml.gz')]),
    type: 'application/xml',
  });
  site.pages.set('/pages-1.xml', { body: urlset(plain.map((p) => site.url(p))), type: 'application/xml' });
  site.pages.set('/pages-2.xml.gz', { body: gzipSync(urlset(gz.map((p) => site.url(p)))), type: 'application/gzip' });
}

function seedPages(): void {
  site.pages.set('/a', { body: '<html><body>Alpha</body></html>', etag: '"a1"' });
  site.pages.set('/b.txt', { body: 'Bravo', type: 'text/plain', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });
  site.pages.set('/docs/c', { body: '# Charlie', type: 'text/markdown', etag: 'W/"c1"' });
}

const upserts = () => sink.calls.filter((c) => c.op === 'upsert');

describe('UrlSource with a sitemap index', () => {
  beforeEach(() => {
    seedPages();
    publishSite();
  });

  it('upserts every page once, then skips them all with conditional GETs', async () => {
    const first = await source({ sitemap: site.url('/sitemap.xml') }).sync();
    expect(first).toMatchObject({ fetched: 3, updated: 3, unchanged: 0, removed: 0, failed: 0 });
    expect(sink.refs()).toEqual([site.url('/a'), site.url('/b.txt'), site.url('/docs/c')].sort());
    expect(sink.docs.get(site.url('/a'))?.filename).toBe('a.html');
    expect(sink.docs.get(site.url('/docs/c'))?.filename).toBe('c.md');
    expect(site.hitsFor('/a')[0]?.headers['user-agent']).toBe('FennelTest/1');

    site.hits.length = 0;
    const second = await source({ sitemap: site.url('/sitemap.xml') }).sync();
    expect(second).toMatchObject({ fetched: 0, updated: 0, unchanged: 3, removed: 0, failed: 0 });
    expect(upserts()).toHaveLength(3);
    for (const path of ['/a', '/b.txt', '/docs/c']) expect(site.hitsFor(path).map((h) => h.status)).toEqual([304]);
    expect(site.hitsFor('/a')[0]?.headers['if-none-match']).toBe('"a1"');
    expect(site.hitsFor('/b.txt')[0]?.headers['if-modified-since']).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect((await state.get(site.url('/a')))?.lastFetchedAt).toBeDefined();
  });

  it('upserts a changed page and skips a page whose bytes did not change', async () => {
    await source({ sitemap: site.url('/sitemap.xml') }).sync();
    site.pages.set('/b.txt', { body: 'Bravo v2', type: 'text/plain', lastModified: 'Tue, 02 Jan 2024 00:00:00 GMT' });
    site.pages.set('/a', { body: '<html><body>Alpha</body></html>', etag: '"a2"' }); // new ETag, same bytes

    const report = await source({ sitemap: site.url('/sitemap.xml') }).sync();
    expect(report).toMatchObject({ fetched: 2, updated: 1, unchanged: 2, failed: 0 });
    expect(sink.text(site.url('/b.txt'))).toBe('Bravo v2');
    expect(
      upserts()
        .map((c) => c.ref)
        .slice(3),
    ).toEqual([site.url('/b.txt')]);
    expect(upserts().filter((c) => c.ref === site.url('/a'))).toHaveLength(1);
    expect((await state.get(site.url('/a')))?.etag).toBe('"a2"');
  });

  it('removes pages dropped from the sitemap or answering 404, keeps pages answering 500', async () => {
    site.pages.set('/d', { body: 'Delta', type: 'text/plain' });
    publishSite(['/a', '/b.txt', '/docs/c', '/d']);
    await source({ sitemap: site.url('/sitemap.xml') }).sync();
    expect(sink.refs()).toHaveLength(4);

    publishSite(['/b.txt', '/docs/c', '/d']); // /a dropped from the sitemap
    site.pages.delete('/docs/c'); // 404
    site.pages.set('/d', { status: 500, body: 'oops' });
    const report = await source({ sitemap: site.url('/sitemap.xml') }).sync();

    expect(report).toMatchObject({ removed: 2, failed: 1, unchanged: 1 });
    expect(report.errors).toEqual([{ url: site.url('/d'), reason: 'HTTP 500; document kept' }]);
    expect(sink.refs()).toEqual([site.url('/b.txt'), site.url('/d')]);
    expect(await state.get(site.url('/a'))).toBeUndefined();
    expect(site.hitsFor('/a')).toHaveLength(1); // a page no longer listed is not fetched
  });

  it('removes nothing for being absent when a sitemap could not be read', async () => {
    await source({ sitemap: site.url('/sitemap.xml') }).sync();
    site.pages.set('/pages-2.xml.gz', { status: 503, body: 'busy' });
    const report = await source({ sitemap: site.url('/sitemap.xml') }).sync();
    expect(report.removed).toBe(0);
    expect(report.removalsSkipped).toMatch(/sitemap/);
    expect(report.errors).toContainEqual({ url: site.url('/pages-2.xml.gz'), reason: 'sitemap: HTTP 503' });
    expect(sink.refs()).toContain(site.url('/docs/c'));
  });

  it('refetches in full when the KB lost a document the validators describe', async () => {
    await source({ sitemap: site.url('/sitemap.xml') }).sync();
    await sink.remove(site.url('/a')); // e.g. deleted through the API
    site.hits.length = 0;
    const report = await source({ sitemap: site.url('/sitemap.xml') }).sync();
    expect(site.hitsFor('/a')).toMatchObject([{ status: 200 }]);
    expect(site.hitsFor('/a')[0]?.headers['if-none-match']).toBeUndefined();
    expect(report.updated).toBe(1);
    expect(sink.refs()).toContain(site.url('/a'));
  });
});

describe('UrlSource limits', () => {
  it('stops at sitemap loops and nesting limits', async () => {
    site.pages.set('/loop.xml', { body: sitemapIndex([site.url('/loop.xml'), site.url('/deeper-1.xml')]) });
    site.pages.set('/deeper-1.xml', { body: sitemapIndex([site.url('/deeper-2.xml')]) });
    site.pages.set('/deeper-2.xml', { body: sitemapIndex([site.url('/deeper-3.xml')]) });
    site.pages.set('/deeper-3.xml', { body: urlset([site.url('/p')]) });
    const report = await source({ sitemap: site.url('/loop.xml'), sitemapLimits: { maxDepth: 2 } }).sync();
    expect(site.hitsFor('/loop.xml')).toHaveLength(1);
    expect(site.hitsFor('/deeper-3.xml')).toHaveLength(0);
    expect(report.errors).toEqual([{ url: site.url('/deeper-2.xml'), reason: 'sitemap indexes nested deeper than 2' }]);
    expect(report.removalsSkipped).toBeDefined();
  });

  it('caps the number of URLs taken from sitemaps', async () => {
    site.pages.set('/big.xml', { body: urlset(['/1', '/2', '/3'].map((p) => site.url(p))) });
    for (const p of ['/1', '/2', '/3']) site.pages.set(p, { body: p, type: 'text/plain' });
    const report = await source({ sitemap: site.url('/big.xml'), sitemapLimits: { maxUrls: 2 } }).sync();
    expect(report.updated).toBe(2);
    expect(report.errors[0]?.reason).toBe('more than 2 URLs; the rest ignored');
  });

  it('fails oversized, compression-bomb and slow pages without storing them', async () => {
    site.pages.set('/big', { body: 'x'.repeat(5000), type: 'text/plain' });
    site.pages.set('/streamed', { body: 'y'.repeat(5000), type: 'text/plain', chunked: true });
    site.pages.set('/bomb', {
      body: gzipSync(Buffer.alloc(200_000)),
      type: 'text/plain',
      headers: { 'content-encoding': 'gzip' },
    });
    site.pages.set('/slow', { hang: true });
    site.pages.set('/ok', { body: 'fine', type: 'text/plain' });
    const started = Date.now();
    const report = await source({
      urls: ['/big', '/streamed', '/bomb', '/slow', '/ok'].map((p) => site.url(p)),
      maxBytes: 1000,
      fetchTimeoutMs: 300,
    }).sync();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report).toMatchObject({ updated: 1, failed: 4 });
    expect(Object.fromEntries(report.errors.map((e) => [new URL(e.url).pathname, e.reason]))).toEqual({
      '/big': 'response is 5000 bytes, over the 1000-byte limit',
      '/streamed': 'response exceeds the 1000-byte limit',
      '/bomb': 'decompressed response exceeds the 1000-byte limit',
      '/slow': 'timed out after 300 ms',
    });
    expect(sink.refs()).toEqual([site.url('/ok')]);
  });

  it('reports list entries that are not http(s) URLs and still syncs the rest', async () => {
    site.pages.set('/ok', { body: 'fine', type: 'text/plain' });
    const report = await source({ urls: ['file:///etc/passwd', 'not a url', site.url('/ok')] }).sync();
    expect(report.updated).toBe(1);
    expect(report.errors.map((e) => e.url)).toEqual(['file:///etc/passwd', 'not a url']);
  });
});
