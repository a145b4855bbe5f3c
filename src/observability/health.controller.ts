import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '../admin/auth.guard';
import { Database } from '../database/database';
import { pendingMigrations } from '../database/migrator';
import { IngestProducer } from '../queue/ingest.producer';
import { REDIS } from '../queue/redis.provider';
import { QUEUES } from '../queue/queues';
import { queueDepth, registry } from './metrics';

type Check = { ok: boolean; error?: string; pending?: string[] };

async function check(fn: () => Promise<Partial<Check> | void>, timeoutMs = 2000): Promise<Check> {
  try {
    const extra = await Promise.race([
      fn(),
      new Promise<never>((_, rej) =>
        setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { ok: true, ...(extra ?? {}) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(IngestProducer) private readonly ingest: IngestProducer,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres answers, Redis answers, and every migration is applied. */
  @Get('readyz')
  async ready(@Res() res: Response) {
    const [postgres, redis, migrations] = await Promise.all([
      check(() => this.db.ping()),
      check(async () => {
        await this.redis.ping();
      }),
      check(async () => {
        const pending = await pendingMigrations(this.db);
        if (pending.length) throw new Error(`pending: ${pending.join(', ')}`);
      }),
    ]);
    const ok = postgres.ok && redis.ok && migrations.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks: { postgres, redis, migrations } });
  }

  @Get('metrics')
  @Header('Content-Type', registry.contentType)
  async metrics() {
    try {
      const counts = await this.ingest.queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'failed',
        'completed',
        'prioritized',
      );
      for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue: QUEUES.ingest, state }, n);
    } catch {
      // Redis down: report the rest; /readyz says why.
    }
    return registry.metrics();
  }
}
