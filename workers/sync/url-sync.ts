// URL sources: a list of URLs and/or a sitemap, re-fetched conditionally; fetch state per URL
// lives in Postgres so any worker can run the next sync.
import { UrlSource } from '../../connectors/sources/url.source';
import type { UrlState, UrlStateStore } from '../../connectors/sources/url-state';
import type { DocumentsService } from '../../src/knowledge/documents.service';
import type { Source, SourcesRepository, UrlSourceConfig } from '../../src/knowledge/sources.repository';
import { DocumentsSink } from './documents.sink';

class PgUrlStateStore implements UrlStateStore {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly sourceId: string,
  ) {}

  async get(url: string): Promise<UrlState | undefined> {
    const s = await this.sources.getUrlState(this.sourceId, url);
    return s && { ...s, lastFetchedAt: s.lastFetchedAt?.toISOString() };
  }

  set(url: string, state: UrlState): Promise<void> {
    return this.sources.setUrlState(this.sourceId, url, {
      ...state,
      lastFetchedAt: state.lastFetchedAt ? new Date(state.lastFetchedAt) : undefined,
    });
  }

  delete(url: string): Promise<void> {
    return this.sources.deleteUrlState(this.sourceId, url);
  }
}

export async function syncUrls(
  source: Source,
  sources: SourcesRepository,
  docs: DocumentsService,
  limits: { fetchTimeoutMs: number; maxFileBytes: number },
): Promise<Record<string, unknown>> {
  const config = source.config as UrlSourceConfig;
  const url = new UrlSource({
    urls: config.urls,
    sitemap: config.sitemap,
    sink: new DocumentsSink(docs, source),
    state: new PgUrlStateStore(sources, source.id),
    fetchTimeoutMs: limits.fetchTimeoutMs,
    maxBytes: limits.maxFileBytes,
    userAgent: 'Fennel/0.1 (knowledge-base sync)',
    allowPrivate: config.allowPrivate ?? false,
  });
  return { ...(await url.sync()) };
}
