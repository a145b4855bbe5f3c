// The SourceSink Fennel gives a live source: every change becomes the same versioned ingest as
// an upload, scoped to one source of one KB.
import type { SourceEntry, SourceSink } from '../../connectors/sources/source-sink';
import type { DocumentsService } from '../../src/knowledge/documents.service';
import type { Source } from '../../src/knowledge/sources.repository';

export class DocumentsSink implements SourceSink {
  constructor(
    private readonly docs: DocumentsService,
    private readonly source: Source,
  ) {}

  list(): Promise<SourceEntry[]> {
    return this.docs.sourceEntries(this.source.kbId, this.source.id);
  }

  upsert(ref: string, filename: string, bytes: Buffer): Promise<void> {
    return this.docs.upsertFromSource(this.source.kbId, this.source, ref, filename, bytes);
  }

  remove(ref: string): Promise<void> {
    return this.docs.removeFromSource(this.source.kbId, this.source.id, ref);
  }

  rename(fromRef: string, toRef: string): Promise<void> {
    return this.docs.renameInSource(this.source.kbId, this.source.id, fromRef, toRef);
  }
}
