// Loads evaluation passages or files into a KB through Fennel's real ingest path (parse ->
// chunks -> embeddings + terms -> atomic switch), in process, a few at a time.
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Database } from '../../src/database/database';
import { Embedders } from '../../src/inference/embedders';
import { DocumentsRepository } from '../../src/knowledge/documents.repository';
import type { IngestJob } from '../../src/queue/queues';
import { IngestHandler } from '../../workers/ingest/ingest.handler';
import { IngestRepository } from '../../workers/ingest/ingest.repository';
import { ParserRegistry } from '../../workers/parsers/parser-registry';

export interface CorpusItem {
  /** The dataset's own id for the item (a passage id or a relative path). */
  ref: string;
  filename: string;
  title: string;
  mime: string;
  bytes: Buffer;
}

/** Ingests every item; returns dataset ref by Fennel document id. Failed items are counted, not fatal. */
export async function ingestCorpus(
  db: Database,
  kbId: string,
  items: CorpusItem[],
  embedders: Embedders = new Embedders(),
  opts: { concurrency?: number; log?: (s: string) => void } = {},
): Promise<{ refOf: Map<string, string>; failed: number }> {
  const docs = new DocumentsRepository(db);
  const ingest = new IngestHandler(new IngestRepository(db), new ParserRegistry(), embedders);
  const refOf = new Map<string, string>();
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency ?? 4 }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const { document, created } = await docs.createDocument(kbId, {
          filename: item.filename,
          title: item.title,
          mime: item.mime,
          sha256: createHash('sha256').update(item.bytes).digest('hex'),
          bytes: item.bytes,
          source: 'upload',
          sourceRef: item.ref,
        });
        refOf.set(document.id, refOf.get(document.id) ?? item.ref);
        if (!created) continue;
        const job = {
          data: { kbId, documentId: document.id, versionId: document.latest.id },
          opts: { attempts: 1 },
          attemptsMade: 0,
          updateProgress: async () => undefined,
        } as unknown as Job<IngestJob>;
        try {
          await ingest.handle(job);
        } catch (err) {
          failed++;
          opts.log?.(`  ${item.ref}: ${(err as Error).message}`);
        }
      }
    }),
  );
  return { refOf, failed };
}
