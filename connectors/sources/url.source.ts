import { GuardedFetcher, type ResolveHost } from './guarded-fetch';
import { FetchError } from './response-body';
import { collectSitemapUrls, DEFAULT_SITEMAP_LIMITS, normalizeUrl, type SitemapLimits } from './sitemap';
import { errorMessage, sha256Hex, type SourceLogger, type SourceSink } from './source-sink';
import { filenameFromUrl } from './url-filename';
import type { UrlStateStore } from './url-state';

export interface UrlSourceOptions {
  urls?: string[];
  sitemap?: string;
  sink: SourceSink;
  state: UrlStateStore;
  /** Whole-request budget per URL, redirects and body included. */
  fetchTimeoutMs: number;
  /** Largest page or sitemap accepted, after decompression. */
  maxBytes: number;
  userAgent: string;
  /** Lets the source reach loopback/private/link-local hosts (intranet wikis, tests). Off by default. */
  allowPrivate?: boolean;
  /** Replaces the public-address rule; see GuardedFetcher. */
  isAllowedAddress?: (ip: string) => boolean;
  resolveHost?: ResolveHost;
  maxRedirects?: number;
  sitemapLimits?: Partial<SitemapLimits>;
  /** Pages fetched at once. */
  concurrency?: number;
  logger?: SourceLogger;
  now?: () => Date;
}

export interface SyncReport {
  /** Pages downloaded in full (2xx answers). */
  fetched: number;
  /** Pages answered 304, or downloaded with the bytes the KB already holds. */
  unchanged: number;
  /** Pages handed to the sink as new or changed. */
  updated: number;
  /** Documents removed: gone from the list/sitemap, or answered 404/410. */
  removed: number;
  /** Entries in `errors`: pages and sitemaps that could not be fetched or stored; documents kept. */
  failed: number;
  errors: { url: string; reason: string }[];
  /** Set when the URL list is incomplete (a sitemap failed or hit a limit): nothing was removed for being absent. */
  removalsSkipped?: string;
}

/**
 * Keeps a knowledge base in step with a fixed list of URLs and/or a sitemap. Run `sync()` from a
 * scheduled job; each run is stateless apart from the sink's `list()` and the URL state store.
 */
export class UrlSource {
  private syncing = false;

  constructor(private readonly options: UrlSourceOptions) {
    if (!options.urls?.length && !options.sitemap) throw new Error('UrlSource: give urls, a sitemap, or both');
  }

  async sync(): Promise<SyncReport> {
    // Two overlapping runs would race on the same refs; the job scheduler should not allow it.
    if (this.syncing) throw new Error('UrlSource: a sync is already running');
    this.syncing = true;
    const o = this.options;
    const fetcher = new GuardedFetcher({
      userAgent: o.userAgent,
      timeoutMs: o.fetchTimeoutMs,
      maxBytes: o.maxBytes,
      allowPrivate: o.allowPrivate ?? false,
      isAllowedAddress: o.isAllowedAddress,
      resolveHost: o.resolveHost,
      maxRedirects: o.maxRedirects,
    });
    const report: SyncReport = { fetched: 0, unchanged: 0, updated: 0, removed: 0, failed: 0, errors: [] };
    try {
      const targets = await this.collectTargets(fetcher, report);
      const held = new Map((await o.sink.list()).map((e) => [e.ref, e.sha256]));
      await inParallel(targets.urls, o.concurrency ?? 4, (url) => this.syncUrl(url, fetcher, held, report));
      if (targets.incompleteReason) {
        report.removalsSkipped = targets.incompleteReason;
      } else {
        const wanted = new Set(targets.urls);
        for (const ref of held.keys()) if (!wanted.has(ref)) await this.remove(ref, report);
      }
      o.logger?.info(
        `url source: ${report.updated} updated, ${report.unchanged} unchanged, ${report.removed} removed, ${report.failed} failed`,
      );
      return report;
    } finally {
      this.syncing = false;
      await fetcher.close();
    }
  }

  private async collectTargets(
    fetcher: GuardedFetcher,
    report: SyncReport,
  ): Promise<{ urls: string[]; incompleteReason?: string }> {
    const o = this.options;
    const urls = new Set<string>();
    for (const raw of o.urls ?? []) {
      const url = normalizeUrl(raw);
      if (url) urls.add(url);
      else this.fail(report, raw, 'not an absolute http(s) URL');
    }
    if (!o.sitemap) return { urls: [...urls] };

    const sitemapUrl = normalizeUrl(o.sitemap);
    if (!sitemapUrl) {
      this.fail(report, o.sitemap, 'sitemap is not an absolute http(s) URL');
      return { urls: [...urls], incompleteReason: 'the sitemap URL is invalid' };
    }
    const fetchSitemap = async (url: string): Promise<Buffer> => {
      const res = await fetcher.get(url);
      if (res.status !== 200 || !res.body) throw new FetchError(`HTTP ${res.status}`);
      return res.body;
    };
    const limits = { ...DEFAULT_SITEMAP_LIMITS, ...o.sitemapLimits };
    const found = await collectSitemapUrls(sitemapUrl, fetchSitemap, limits, o.maxBytes);
    for (const { url, reason } of found.errors) this.fail(report, url, reason);
    for (const url of found.urls) urls.add(url);
    return {
      urls: [...urls],
      incompleteReason: found.complete ? undefined : 'the sitemap could not be read completely',
    };
  }

  private async syncUrl(url: string, fetcher: GuardedFetcher, held: Map<string, string>, report: SyncReport) {
    const o = this.options;
    try {
      const state = await o.state.get(url);
      const heldSha = held.get(url);
      // Validators are only worth sending when the KB holds exactly the bytes they describe;
      // otherwise a 304 would leave a deleted or failed document missing for good.
      const conditional = heldSha !== undefined && state?.sha256 === heldSha;
      const headers: Record<string, string> = {};
      if (conditional && state.etag) headers['if-none-match'] = state.etag;
      if (conditional && state.lastModified) headers['if-modified-since'] = state.lastModified;

      const res = await fetcher.get(url, headers);
      const lastFetchedAt = (o.now?.() ?? new Date()).toISOString();
      if (res.status === 304 && conditional) {
        report.unchanged++;
        await o.state.set(url, { ...state, lastFetchedAt });
        return;
      }
      if (res.status === 404 || res.status === 410) {
        await o.state.delete(url);
        if (heldSha !== undefined) await this.remove(url, report);
        else this.fail(report, url, `HTTP ${res.status}`);
        return;
      }
      if (!res.body) return this.fail(report, url, `HTTP ${res.status}; document kept`);

      report.fetched++;
      const sha256 = sha256Hex(res.body);
      const next = { etag: res.etag, lastModified: res.lastModified, sha256, lastFetchedAt };
      if (sha256 !== heldSha) {
        await o.sink.upsert(url, filenameFromUrl(res.url, res.contentType), res.body);
        report.updated++;
      } else {
        report.unchanged++;
      }
      await o.state.set(url, next);
    } catch (error) {
      this.fail(report, url, errorMessage(error));
    }
  }

  private async remove(url: string, report: SyncReport): Promise<void> {
    try {
      await this.options.sink.remove(url);
      await this.options.state.delete(url);
      report.removed++;
    } catch (error) {
      this.fail(report, url, `remove failed: ${errorMessage(error)}`);
    }
  }

  private fail(report: SyncReport, url: string, reason: string): void {
    report.failed++;
    report.errors.push({ url, reason });
    this.options.logger?.warn(`url source: ${url}: ${reason}`);
  }
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
