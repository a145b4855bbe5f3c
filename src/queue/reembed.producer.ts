import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CONFIG, type FennelConfig } from '../config/config';
import { LOGGER } from '../observability/logger';
import { createReembedQueue, type ReembedJob } from './queues';
import { REDIS } from './redis.provider';
import { SweptProducer } from './swept-producer';

/** One job per embedding-settings change of a KB. */
@Injectable()
export class ReembedProducer extends SweptProducer<ReembedJob> {
  constructor(@Inject(CONFIG) config: FennelConfig, @Inject(REDIS) redis: Redis, @Inject(LOGGER) log: Logger) {
    super(createReembedQueue(redis, config.queuePrefix), config, log, 'reembed');
  }

  protected jobId(job: ReembedJob): string {
    return `reembed-${job.requestId}`;
  }

  protected logFields(job: ReembedJob) {
    return { kbId: job.kbId };
  }
}
