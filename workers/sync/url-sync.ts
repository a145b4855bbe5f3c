// URL sources: placeholder until the URL source lands.
import type { DocumentsService } from '../../src/knowledge/documents.service';
import type { Source, SourcesRepository } from '../../src/knowledge/sources.repository';

export async function syncUrls(
  source: Source,
  _sources: SourcesRepository,
  _docs: DocumentsService,
  _limits: { fetchTimeoutMs: number; maxFileBytes: number },
): Promise<Record<string, unknown>> {
  throw new Error(`URL sync is not available yet (source ${source.id})`);
}
