// The `sync` job: one reconcile of a live source — a full rescan of a folder, or a conditional
// re-fetch of a URL list / sitemap. The report (and any error) is recorded on the source.
import type { Job } from 'bullmq';
import { FolderSource } from '../../connectors/sources/folder.source';
import type { DocumentsService } from '../../src/knowledge/documents.service';
import type { FolderSourceConfig, Source, SourcesRepository } from '../../src/knowledge/sources.repository';
import type { SyncJob } from '../../src/queue/queues';
import { DocumentsSink } from './documents.sink';
import { folderFilter } from './folder-watchers';
import { syncUrls } from './url-sync';

export interface SyncLimits {
  maxFileBytes: number;
  fetchTimeoutMs: number;
}

export class SyncHandler {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly docs: DocumentsService,
    private readonly limits: SyncLimits,
  ) {}

  async handle(job: Job<SyncJob>): Promise<Record<string, unknown>> {
    const source = await this.sources.byId(job.data.sourceId);
    if (!source) return { outcome: 'gone' };
    try {
      const report =
        source.kind === 'folder'
          ? await this.folder(source)
          : await syncUrls(source, this.sources, this.docs, this.limits);
      await this.sources.recordSync(source.id, { ...report, trigger: job.name }, null);
      return report;
    } catch (err) {
      // A whole-source failure (folder missing, sitemap unreachable) is recorded and retried at
      // the next scheduled run; the documents already in the KB keep serving.
      await this.sources.recordSync(source.id, {}, (err as Error).message);
      throw err;
    }
  }

  private async folder(source: Source): Promise<Record<string, unknown>> {
    const config = source.config as FolderSourceConfig;
    const folder = new FolderSource({
      root: config.path,
      sink: new DocumentsSink(this.docs, source),
      maxFileBytes: this.limits.maxFileBytes,
      include: folderFilter(config),
    });
    return { ...(await folder.rescan()) };
  }
}
