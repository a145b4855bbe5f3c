import { XMLParser } from 'fast-xml-parser';
import { decompressLimited, FetchError, isGzip } from './response-body';

export interface SitemapLimits {
  /** How many levels of <sitemapindex> may nest below the root sitemap. */
  maxDepth: number;
  /** Sitemap documents fetched per sync, root included. */
  maxSitemaps: number;
  /** Page URLs taken per sync; more makes the list incomplete. */
  maxUrls: number;
}

export const DEFAULT_SITEMAP_LIMITS: SitemapLimits = { maxDepth: 3, maxSitemaps: 50, maxUrls: 10_000 };

export interface SitemapResult {
  urls: string[];
  /** False when any sitemap failed or a limit cut the list: callers must not treat absence as removal. */
  complete: boolean;
  errors: { url: string; reason: string }[];
}

/** Returns the body of a 200 answer or throws with a readable reason. */
export type FetchSitemap = (url: string) => Promise<Buffer>;

type ParsedSitemap = { kind: 'urlset' | 'index'; locs: string[] };

const parser = new XMLParser({
  removeNSPrefix: true, // <sm:urlset xmlns:sm="..."> is valid too
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

export function parseSitemap(xml: Buffer): ParsedSitemap {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new FetchError(`sitemap is not valid XML: ${(error as Error).message}`);
  }
  const locsOf = (root: unknown, item: string): string[] => {
    const entries = root && typeof root === 'object' ? (root as Record<string, unknown>)[item] : undefined;
    if (!Array.isArray(entries)) return [];
    return entries
      .map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>).loc : undefined))
      .filter((loc): loc is string => typeof loc === 'string' && loc.trim() !== '')
      .map((loc) => loc.trim());
  };
  if ('urlset' in doc) return { kind: 'urlset', locs: locsOf(doc.urlset, 'url') };
  if ('sitemapindex' in doc) return { kind: 'index', locs: locsOf(doc.sitemapindex, 'sitemap') };
  throw new FetchError('not a sitemap (no <urlset> or <sitemapindex> root element)');
}

/**
 * Walks a sitemap and the sitemap indexes below it, depth first. Gzip'd sitemaps (sitemap.xml.gz)
 * are recognised by their magic bytes. Loops are cut by remembering every sitemap URL visited.
 */
export async function collectSitemapUrls(
  rootUrl: string,
  fetchSitemap: FetchSitemap,
  limits: SitemapLimits,
  maxBytes: number,
): Promise<SitemapResult> {
  const result: SitemapResult = { urls: [], complete: true, errors: [] };
  const urls = new Set<string>();
  const visited = new Set<string>();
  const incomplete = (url: string, reason: string) => {
    result.complete = false;
    result.errors.push({ url, reason });
  };

  const visit = async (url: string, depth: number): Promise<void> => {
    if (visited.has(url)) return;
    if (visited.size >= limits.maxSitemaps)
      return incomplete(url, `more than ${limits.maxSitemaps} sitemaps; not read`);
    visited.add(url);
    let sitemap: ParsedSitemap;
    try {
      let bytes = await fetchSitemap(url);
      if (isGzip(bytes)) bytes = await decompressLimited(bytes, maxBytes, 'gzip');
      sitemap = parseSitemap(bytes);
    } catch (error) {
      return incomplete(url, `sitemap: ${(error as Error).message}`);
    }
    if (sitemap.kind === 'index') {
      if (depth >= limits.maxDepth) return incomplete(url, `sitemap indexes nested deeper than ${limits.maxDepth}`);
      for (const loc of sitemap.locs) {
        const child = normalizeUrl(loc, url);
        if (child) await visit(child, depth + 1);
        else result.errors.push({ url: loc, reason: `not an http(s) URL (listed in ${url})` });
      }
      return;
    }
    for (const loc of sitemap.locs) {
      const page = normalizeUrl(loc, url);
      if (!page) {
        result.errors.push({ url: loc, reason: `not an http(s) URL (listed in ${url})` });
      } else if (!urls.has(page)) {
        if (urls.size >= limits.maxUrls) return incomplete(url, `more than ${limits.maxUrls} URLs; the rest ignored`);
        urls.add(page);
      }
    }
  };

  await visit(rootUrl, 0);
  result.urls = [...urls];
  return result;
}

/** Absolute http(s) URL without fragment, so the same page listed twice is one ref; else null. */
export function normalizeUrl(raw: string, base?: string): string | null {
  try {
    const url = new URL(raw, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}
