import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CONFIG, type FennelConfig } from '../config/config';
import { REDIS } from './redis.provider';
import { createSyncQueue, syncJobId, type SyncJob } from './queues';

/** Schedules source syncs: a repeatable job per source plus on-demand runs. */
@Injectable()
export class SyncProducer implements OnModuleDestroy {
  readonly queue: Queue<SyncJob>;

  constructor(@Inject(CONFIG) config: FennelConfig, @Inject(REDIS) redis: Redis) {
    this.queue = createSyncQueue(redis, config.queuePrefix);
  }

  async schedule(source: { id: string; intervalSec: number }): Promise<void> {
    await this.queue.upsertJobScheduler(
      `source-${source.id}`,
      { every: source.intervalSec * 1000 },
      { name: 'sync', data: { sourceId: source.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  /** Returns false when a sync of this source is already waiting or running. */
  async now(source: { id: string }): Promise<boolean> {
    const jobId = syncJobId(source.id);
    const existing = await this.queue.getJob(jobId);
    if (existing && !(await existing.isCompleted()) && !(await existing.isFailed())) return false;
    if (existing) await existing.remove();
    await this.queue.add('sync', { sourceId: source.id }, { jobId, removeOnComplete: true, removeOnFail: 50 });
    return true;
  }

  async unschedule(source: { id: string }): Promise<void> {
    await this.queue.removeJobScheduler(`source-${source.id}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
