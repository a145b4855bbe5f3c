import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CONFIG, type FennelConfig } from '../config/config';
import { REDIS } from './redis.provider';
import { createIngestQueue, queueSettings, retriedJobOptions, type IngestJob } from './queues';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER } from '../observability/logger';

@Injectable()
export class IngestProducer implements OnModuleDestroy {
  readonly queue: Queue<IngestJob>;

  constructor(
    @Inject(CONFIG) private readonly config: FennelConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.queue = createIngestQueue(redis, config.queuePrefix);
  }

  /**
   * Queues the job. The version is already committed, so when Redis is unreachable the upload
   * still succeeds: the workers' periodic sweep queues every version left without a job.
   */
  async enqueue(job: IngestJob): Promise<void> {
    try {
      // One job per version: the sweep re-queues it without duplicating it.
      await this.queue.add('ingest', job, retriedJobOptions(this.settings, `ingest-${job.versionId}`));
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, versionId: job.versionId },
        'could not queue ingest job; the sweep will',
      );
    }
  }

  get settings() {
    return queueSettings(this.config);
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
