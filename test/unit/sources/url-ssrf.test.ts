import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolveHost } from '../../../connectors/sources/guarded-fetch';
import { InMemoryUrlStateStore } from '../../../connectors/sources/url-state';
import { UrlSource, type UrlSourceOptions } from '../../../connectors/sources/url.source';
import { FakeSink } from './fake-sink';
import { TestSite } from './test-site';

// Two servers stand in for the internet and the intranet: "public" on 127.0.0.1, which the tests
// declare allowed, and "internal" on 127.0.0.2, a loopback address the policy must keep refusing.
let publicSite: TestSite;
let internal: TestSite;
let sink: FakeSink;

/** Fake DNS: names under .test resolve as listed here and nowhere else. */
const names: Record<string, string[]> = {
  'public.test': ['127.0.0.1'],
  'internal.test': ['127.0.0.2'],
  'dual.test': ['127.0.0.1', '::1'],
};
const resolveHost: ResolveHost = async (hostname) => {
  const found = names[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const onlyPublicSite = (ip: string) => ip === '127.0.0.1';

beforeEach(async () => {
  publicSite = await TestSite.start('127.0.0.1');
  internal = await TestSite.start('127.0.0.2');
  internal.pages.set('/secret', { body: 'internal secret', type: 'text/plain' });
  publicSite.pages.set('/page', { body: 'public page', type: 'text/plain' });
  sink = new FakeSink();
});
afterEach(async () => {
  await publicSite.close();
  await internal.close();
});

function sync(urls: string[], extra: Partial<UrlSourceOptions> = {}) {
  return new UrlSource({
    urls,
    sink,
    state: new InMemoryUrlStateStore(),
    fetchTimeoutMs: 2000,
    maxBytes: 10_000,
    userAgent: 'FennelTest/1',
    resolveHost,
    ...extra,
  }).sync();
}

describe('SSRF protection (default policy)', () => {
  it('refuses a loopback IP before any request is sent', async () => {
    const report = await sync([publicSite.url('/page')]);
    expect(report.errors).toEqual([
      { url: publicSite.url('/page'), reason: 'refused: 127.0.0.1 is a loopback address (SSRF protection)' },
    ]);
    expect(publicSite.hits).toEqual([]);
    expect(sink.calls).toEqual([]);
  });

  it('refuses private, metadata, IPv6 and IPv4-mapped literals and non-http schemes', async () => {
    const report = await sync([
      `http://[::1]:${publicSite.port}/page`,
      `http://[::ffff:127.0.0.1]:${publicSite.port}/page`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'ftp://public.test/file',
    ]);
    expect(report.errors.map((e) => e.reason).sort()).toEqual([
      'not an absolute http(s) URL',
      'refused: 10.0.0.1 is a private address (SSRF protection)',
      'refused: 169.254.169.254 is a link-local address (cloud metadata endpoint) (SSRF protection)',
      'refused: ::1 is a loopback address (SSRF protection)',
      'refused: ::ffff:7f00:1 is a loopback address (embedded in IPv6) (SSRF protection)',
    ]);
    expect(publicSite.hits).toEqual([]);
  });

  it('checks the address a host name resolves to when connecting', async () => {
    const report = await sync([publicSite.url('/page', 'public.test')]);
    expect(report.errors[0]?.reason).toBe('refused: 127.0.0.1 is a loopback address (SSRF protection)');
    expect(publicSite.hits).toEqual([]);
  });

  it('allows everything with allowPrivate', async () => {
    const report = await sync([publicSite.url('/page'), internal.url('/secret', 'internal.test')], {
      allowPrivate: true,
    });
    expect(report).toMatchObject({ updated: 2, failed: 0 });
  });
});

describe('SSRF protection with an injected address rule', () => {
  it('connects through the guarded lookup to allowed addresses', async () => {
    const report = await sync([publicSite.url('/page', 'public.test')], { isAllowedAddress: onlyPublicSite });
    expect(report).toMatchObject({ updated: 1, failed: 0 });
    expect(publicSite.hitsFor('/page')).toHaveLength(1);
  });

  it('refuses a host name if any of its addresses is refused', async () => {
    const report = await sync([publicSite.url('/page', 'dual.test')], { isAllowedAddress: onlyPublicSite });
    expect(report.errors[0]?.reason).toBe('refused: ::1 is a loopback address (SSRF protection)');
    expect(publicSite.hits).toEqual([]);
  });

  it.each([
    ['an IP literal', () => internal.url('/secret')],
    ['a host name', () => internal.url('/secret', 'internal.test')],
  ])('refuses a redirect from an allowed host to a private one given as %s', async (_kind, target) => {
    publicSite.pages.set('/go', { status: 302, headers: { location: target() } });
    const report = await sync([publicSite.url('/go')], { isAllowedAddress: onlyPublicSite });
    expect(report.errors).toEqual([
      { url: publicSite.url('/go'), reason: 'refused: 127.0.0.2 is a loopback address (SSRF protection)' },
    ]);
    expect(publicSite.hitsFor('/go')).toHaveLength(1);
    expect(internal.hits).toEqual([]);
    expect(sink.calls).toEqual([]);
  });

  it('follows redirects between allowed addresses and stores the page under the listed URL', async () => {
    publicSite.pages.set('/go', { status: 301, headers: { location: '/hop' } });
    publicSite.pages.set('/hop', {
      status: 307,
      headers: { location: publicSite.url('/docs/final.md', 'public.test') },
    });
    publicSite.pages.set('/docs/final.md', { body: '# Final', type: 'text/markdown' });
    const report = await sync([publicSite.url('/go')], { isAllowedAddress: onlyPublicSite });
    expect(report).toMatchObject({ updated: 1, failed: 0 });
    expect(sink.docs.get(publicSite.url('/go'))).toMatchObject({ filename: 'final.md' });
  });

  it('gives up after 5 redirects', async () => {
    publicSite.pages.set('/loop', { status: 302, headers: { location: '/loop' } });
    const report = await sync([publicSite.url('/loop')], { isAllowedAddress: onlyPublicSite });
    expect(report.errors[0]?.reason).toBe('more than 5 redirects');
    expect(publicSite.hitsFor('/loop')).toHaveLength(6);
  });
});
