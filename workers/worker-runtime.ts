// Starts the BullMQ workers in this process. Used by `fennel worker` and `fennel start`.
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { FennelConfig } from '../src/config/config';
import type { Database } from '../src/database/database';
import { Embedders } from '../src/inference/embedders';
import { jobDuration, jobFailures } from '../src/observability/metrics';
import { DocumentsRepository } from '../src/knowledge/documents.repository';
import { DocumentsService } from '../src/knowledge/documents.service';
import { KbsRepository } from '../src/knowledge/kbs.repository';
import { KbsService } from '../src/knowledge/kbs.service';
import { SourcesRepository } from '../src/knowledge/sources.repository';
import { IngestProducer } from '../src/queue/ingest.producer';
import { ReembedProducer } from '../src/queue/reembed.producer';
import { createRedis, QUEUES, type QueueName } from '../src/queue/queues';
import { IngestHandler } from './ingest/ingest.handler';
import { IngestRepository } from './ingest/ingest.repository';
import { ParseSandbox } from './parsers/parse-sandbox';
import { ReembedHandler } from './reembed/reembed.handler';
import { ReembedRepository } from './reembed/reembed.repository';
import { FolderWatchers } from './sync/folder-watchers';
import { SyncHandler } from './sync/sync.handler';

type Handler = (job: Job) => Promise<unknown>;

/** Every queue must have exactly one handler; a gap or a duplicate is a startup error. */
export function checkHandlers(handlers: [QueueName, Handler][]): Map<QueueName, Handler> {
  const map = new Map<QueueName, Handler>();
  for (const [name, h] of handlers) {
    if (map.has(name)) throw new Error(`Two handlers registered for queue "${name}"`);
    map.set(name, h);
  }
  const missing = Object.values(QUEUES).filter((q) => !map.has(q));
  if (missing.length) throw new Error(`No handler registered for queue(s): ${missing.join(', ')}`);
  return map;
}

export interface WorkerRuntime {
  close(): Promise<void>;
}

export async function startWorkers(config: FennelConfig, db: Database, log: Logger): Promise<WorkerRuntime> {
  const repo = new IngestRepository(db);
  const sandbox = new ParseSandbox({
    timeoutMs: config.parseTimeoutMs,
    maxHeapMb: config.parseMaxHeapMb,
    threads: config.ingestConcurrency,
    recycleAfter: 50,
  });
  const embedders = new Embedders(config.embed);
  const ingest = new IngestHandler(repo, sandbox, embedders);
  const reembedRepo = new ReembedRepository(db);
  const reembed = new ReembedHandler(reembedRepo, embedders);

  const connections: ReturnType<typeof createRedis>[] = [];
  const redis = (role: 'producer' | 'worker') => {
    const c = createRedis(config.redisUrl, role);
    connections.push(c);
    return c;
  };

  // Live sources write documents the way the API does: through the documents service.
  const shared = redis('producer');
  const ingestProducer = new IngestProducer(config, shared, log);
  const reembedProducer = new ReembedProducer(config, shared, log);
  const documents = new DocumentsService(
    new KbsService(new KbsRepository(db), embedders, reembedProducer),
    new DocumentsRepository(db),
    ingestProducer,
    config,
  );
  const sources = new SourcesRepository(db);
  const sync = new SyncHandler(sources, documents, { maxFileBytes: config.maxUploadBytes, fetchTimeoutMs: 30_000 });
  const folders = new FolderWatchers(shared, config.queuePrefix, sources, documents, config.maxUploadBytes, log);

  const handlers = checkHandlers([
    [QUEUES.ingest, (job) => ingest.handle(job)],
    [QUEUES.reembed, (job) => reembed.handle(job)],
    [
      QUEUES.sync,
      async (job) => {
        const report = await sync.handle(job);
        void folders.refresh();
        return report;
      },
    ],
  ]);

  const workers = [...handlers].map(([queue, handler]) => {
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const end = jobDuration.startTimer({ queue });
        const jobLog = log.child({ queue, jobId: job.id, kbId: job.data?.kbId, attempt: job.attemptsMade + 1 });
        try {
          const result = await handler(job);
          end({ outcome: 'completed' });
          jobLog.info({ result }, 'job completed');
          return result;
        } catch (err) {
          const final = err instanceof Error && err.name === 'UnrecoverableError';
          end({ outcome: 'failed' });
          jobFailures.inc({ queue, final: String(final) });
          jobLog.warn({ err: (err as Error).message, final }, 'job failed');
          throw err;
        }
      },
      {
        connection: redis('worker'),
        prefix: config.queuePrefix,
        concurrency: queue === QUEUES.ingest ? config.ingestConcurrency : 1,
        lockDuration: config.jobLockMs,
        stalledInterval: Math.max(500, Math.floor(config.jobLockMs / 2)),
        maxStalledCount: 2,
      },
    );
    worker.on('error', (err) => log.error({ err: err.message, queue }, 'worker error'));
    return worker;
  });

  // Versions and embedder moves left without a job (the API stored them but Redis was down) are
  // queued again; the jobId makes this a no-op for those whose job still exists.
  const sweep = async () => {
    const pending = await repo.unfinished();
    for (const job of pending) await ingestProducer.enqueue(job);
    const moves = await reembedRepo.pending();
    for (const job of moves) await reembedProducer.enqueue(job);
    if (pending.length + moves.length) {
      log.debug({ versions: pending.length, reembeds: moves.length }, 'sweep: unfinished work has jobs');
    }
  };
  await sweep();
  const timer = setInterval(
    () => sweep().catch((err: Error) => log.warn({ err: err.message }, 'sweep failed')),
    60_000,
  );
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      await folders.close();
      await Promise.all(workers.map((w) => w.close()));
      await sandbox.close();
      await ingestProducer.onModuleDestroy();
      await reembedProducer.onModuleDestroy();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
