import type { OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { FennelConfig } from '../config/config';
import { queueSettings, retriedJobOptions } from './queues';

/**
 * A producer of jobs whose request is already committed in Postgres before it is queued (a
 * document version, a KB's embedding move): when Redis is unreachable the request still
 * succeeds, and the workers' periodic sweep queues whatever was left without a job. Each job
 * is de-duplicated on its id, so the sweep re-queues it without doubling it.
 */
export abstract class SweptProducer<T extends object> implements OnModuleDestroy {
  constructor(
    readonly queue: Queue<T>,
    private readonly config: FennelConfig,
    private readonly log: Logger,
    private readonly name: string,
  ) {}

  /** The job's de-duplication id. */
  protected abstract jobId(job: T): string;
  /** What names the job in a log line. */
  protected abstract logFields(job: T): Record<string, unknown>;

  async enqueue(job: T): Promise<void> {
    try {
      // Queue<T>'s name parameter is typed from T; every Fennel queue takes any name.
      await (this.queue as unknown as Queue).add(
        this.name,
        job,
        retriedJobOptions(queueSettings(this.config), this.jobId(job)),
      );
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, ...this.logFields(job) },
        `could not queue ${this.name} job; the sweep will`,
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
