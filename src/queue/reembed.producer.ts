import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CONFIG, type FennelConfig } from '../config/config';
import { LOGGER } from '../observability/logger';
import { createReembedQueue, queueSettings, retriedJobOptions, type ReembedJob } from './queues';
import { REDIS } from './redis.provider';

@Injectable()
export class ReembedProducer implements OnModuleDestroy {
  readonly queue: Queue<ReembedJob>;

  constructor(
    @Inject(CONFIG) private readonly config: FennelConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.queue = createReembedQueue(redis, config.queuePrefix);
  }

  /** The request is already recorded on the KB, so when Redis is down the workers' sweep queues it. */
  async enqueue(job: ReembedJob): Promise<void> {
    try {
      // One job per settings change: the sweep re-queues it without duplicating it.
      await this.queue.add('reembed', job, retriedJobOptions(queueSettings(this.config), `reembed-${job.requestId}`));
    } catch (err) {
      this.log.warn({ err: (err as Error).message, kbId: job.kbId }, 'could not queue re-embed job; the sweep will');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
