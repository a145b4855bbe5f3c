import { describe, expect, it } from 'vitest';
import { normalizeUrl, parseSitemap } from '../../../connectors/sources/sitemap';
import { filenameFromUrl } from '../../../connectors/sources/url-filename';

describe('filenameFromUrl', () => {
  it.each([
    ['https://example.com/handbook/leave-policy', 'text/html; charset=utf-8', 'leave-policy.html'],
    ['https://example.com/', 'text/html', 'example.com.html'],
    ['https://example.com/notes.htm', 'text/html', 'notes.htm'],
    ['https://example.com/index.php?id=3', 'text/html', 'index.php.html'],
    ['https://example.com/files/report', 'application/pdf', 'report.pdf'],
    ['https://example.com/files/report.pdf', 'application/pdf', 'report.pdf'],
    ['https://example.com/README', 'text/markdown', 'README.md'],
    ['https://example.com/%E5%91%98%E5%B7%A5%E6%89%8B%E5%86%8C.docx', 'application/octet-stream', '员工手册.docx'],
    ['https://example.com/a%2Fb%3Ac', undefined, 'a_b_c'],
    ['https://example.com/data.csv', 'text/csv', 'data.csv'],
  ])('%s (%s) -> %s', (url, type, expected) => {
    expect(filenameFromUrl(url, type)).toBe(expected);
  });

  it('keeps long names within bounds and their extension', () => {
    const name = filenameFromUrl(`https://example.com/${'x'.repeat(300)}`, 'text/plain');
    expect(name).toHaveLength(120);
    expect(name.endsWith('.txt')).toBe(true);
  });
});

describe('parseSitemap', () => {
  it('reads urlset and sitemapindex, with namespace prefixes, entities and whitespace', () => {
    const urlsetXml = `<?xml version="1.0"?><sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sm:url><sm:loc> https://example.com/a?x=1&amp;y=2 </sm:loc></sm:url><sm:url><sm:loc>https://example.com/b</sm:loc></sm:url></sm:urlset>`;
    expect(parseSitemap(Buffer.from(urlsetXml))).toEqual({
      kind: 'urlset',
      locs: ['https://example.com/a?x=1&y=2', 'https://example.com/b'],
    });
    const index = '<sitemapindex><sitemap><loc>https://example.com/s1.xml</loc></sitemap></sitemapindex>';
    expect(parseSitemap(Buffer.from(index))).toEqual({ kind: 'index', locs: ['https://example.com/s1.xml'] });
    expect(parseSitemap(Buffer.from('<urlset/>'))).toEqual({ kind: 'urlset', locs: [] });
  });

  it('rejects documents that are not sitemaps', () => {
    expect(() => parseSitemap(Buffer.from('<html><body>Oops</body></html>'))).toThrow(/not a sitemap/);
  });
});

describe('normalizeUrl', () => {
  it('drops fragments, resolves relative locs and rejects other schemes', () => {
    expect(normalizeUrl('https://Example.com/a#top')).toBe('https://example.com/a');
    expect(normalizeUrl('/b', 'https://example.com/sitemap.xml')).toBe('https://example.com/b');
    expect(normalizeUrl('javascript:alert(1)')).toBeNull();
    expect(normalizeUrl('not a url')).toBeNull();
  });
});
