import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CONFIG, type FennelConfig } from '../config/config';
import { LOGGER } from '../observability/logger';
import { createIngestQueue, type IngestJob } from './queues';
import { REDIS } from './redis.provider';
import { SweptProducer } from './swept-producer';

/** One job per document version. */
@Injectable()
export class IngestProducer extends SweptProducer<IngestJob> {
  constructor(@Inject(CONFIG) config: FennelConfig, @Inject(REDIS) redis: Redis, @Inject(LOGGER) log: Logger) {
    super(createIngestQueue(redis, config.queuePrefix), config, log, 'ingest');
  }

  protected jobId(job: IngestJob): string {
    return `ingest-${job.versionId}`;
  }

  protected logFields(job: IngestJob) {
    return { versionId: job.versionId };
  }
}
