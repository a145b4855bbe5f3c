// Queue names and typed job payloads; producers and workers both import from here.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';

export const QUEUES = { ingest: 'ingest', sync: 'sync', reembed: 'reembed' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface IngestJob {
  kbId: string;
  documentId: string;
  versionId: string;
  /** Opens an encrypted document; kept only in the job, never in the database. */
  password?: string;
}

export interface SyncJob {
  sourceId: string;
}

/** Re-embeds a KB's chunks with `target` and switches to it; `requestId` names one settings change. */
export interface ReembedJob {
  kbId: string;
  target: string;
  requestId: string;
}

export const syncJobId = (sourceId: string) => `sync-${sourceId}`;

/** BullMQ needs maxRetriesPerRequest: null for blocking worker connections. */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
}

export interface QueueSettings {
  prefix: string;
  attempts: number;
  backoffMs: number;
}

export function queueSettings(config: {
  queuePrefix: string;
  jobAttempts: number;
  jobBackoffMs: number;
}): QueueSettings {
  return { prefix: config.queuePrefix, attempts: config.jobAttempts, backoffMs: config.jobBackoffMs };
}

/** A job retried with backoff; adding one whose `jobId` still exists is a no-op. */
export function retriedJobOptions(settings: QueueSettings, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function createIngestQueue(connection: ConnectionOptions, prefix: string): Queue<IngestJob> {
  return new Queue<IngestJob>(QUEUES.ingest, { connection, prefix });
}

export function createSyncQueue(connection: ConnectionOptions, prefix: string): Queue<SyncJob> {
  return new Queue<SyncJob>(QUEUES.sync, { connection, prefix });
}

export function createReembedQueue(connection: ConnectionOptions, prefix: string): Queue<ReembedJob> {
  return new Queue<ReembedJob>(QUEUES.reembed, { connection, prefix });
}
