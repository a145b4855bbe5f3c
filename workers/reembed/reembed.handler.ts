// The re-embed job: every chunk of a KB embedded with the KB's new embedder, staged beside the
// live vectors, then switched in one transaction. Searches use the old vectors until then.
import { UnrecoverableError, type Job } from 'bullmq';
import { EngineError, EngineUnavailableError } from '../../src/inference/engine-error';
import { BUILTIN_EMBEDDER_ID, type Embedders } from '../../src/inference/embedders';
import type { ReembedJob } from '../../src/queue/queues';
import type { ReembedRepository } from './reembed.repository';

const BATCH = 128;

export interface ReembedOutcome {
  outcome: 'switched' | 'stale';
  embedded: number;
}

export class ReembedHandler {
  constructor(
    private readonly repo: ReembedRepository,
    private readonly embedders: Embedders,
  ) {}

  async handle(job: Job<ReembedJob>): Promise<ReembedOutcome> {
    const { kbId, target, requestId } = job.data;
    if (!(await this.repo.isCurrent(kbId, target, requestId))) return { outcome: 'stale', embedded: 0 };
    try {
      return await this.run(job);
    } catch (err) {
      // A model that refuses the input will refuse it again; an unreachable one may come back.
      const permanent = err instanceof EngineError && !(err instanceof EngineUnavailableError);
      if (permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        const reason = `Re-embedding with ${target} failed: ${(err as Error).message}`;
        await this.repo.setState(kbId, requestId, { state: 'failed', error: reason });
        throw new UnrecoverableError(reason);
      }
      throw err;
    }
  }

  private async run(job: Job<ReembedJob>): Promise<ReembedOutcome> {
    const { kbId, target, requestId } = job.data;
    const embedder = this.embedders.forId(target);
    if (target !== BUILTIN_EMBEDDER_ID) await this.repo.ensureIndex(target, embedder.dimension);
    const total = await this.repo.countToEmbed(kbId, target);
    let embedded = 0;
    if (!(await this.repo.setState(kbId, requestId, { state: 'embedding', done: 0, total })))
      return { outcome: 'stale', embedded };
    for (;;) {
      // Catch up on every chunk without a staged vector, including those ingested meanwhile.
      for (let batch = await this.repo.missing(kbId, target, BATCH); batch.length;) {
        await this.repo.stage(kbId, target, batch, await embedder.embed(batch.map((c) => c.text)));
        embedded += batch.length;
        const done = Math.min(embedded, total);
        if (!(await this.repo.setState(kbId, requestId, { done, total }))) return { outcome: 'stale', embedded };
        await job.updateProgress(total ? Math.round((done / total) * 100) : 100);
        batch = await this.repo.missing(kbId, target, BATCH);
      }
      const outcome = await this.repo.switchTo(kbId, target, requestId, (texts) => embedder.embed(texts));
      if (outcome !== 'behind') return { outcome, embedded };
    }
  }
}
