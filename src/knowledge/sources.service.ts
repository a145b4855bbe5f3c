// Live sources of a KB: a watched folder or URLs/a sitemap. Syncs run as `sync` jobs; folder
// watchers run in worker processes (see workers/sync).
import { isAbsolute } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppError, notFound } from '../admin/errors';
import { SyncProducer } from '../queue/sync.producer';
import { KbsService } from './kbs.service';
import { SourcesRepository, type Source } from './sources.repository';

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL');

export const createSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('folder'),
      path: z.string().min(1).refine(isAbsolute, 'must be an absolute path on the worker machines'),
      include: z.array(z.string().min(1)).max(50).optional(),
      intervalSec: z.number().int().min(10).max(86_400).default(300),
    })
    .strict(),
  z
    .object({
      kind: z.literal('url'),
      urls: z.array(httpUrl).max(10_000).optional(),
      sitemap: httpUrl.optional(),
      allowPrivate: z.boolean().default(false),
      intervalSec: z
        .number()
        .int()
        .min(60)
        .max(7 * 86_400)
        .default(3600),
    })
    .strict()
    .refine((s) => (s.urls?.length ?? 0) > 0 || s.sitemap, 'give "urls", a "sitemap", or both'),
]);

export type CreateSource = z.infer<typeof createSourceSchema>;

@Injectable()
export class SourcesService {
  constructor(
    @Inject(KbsService) private readonly kbs: KbsService,
    @Inject(SourcesRepository) private readonly sources: SourcesRepository,
    @Inject(SyncProducer) private readonly sync: SyncProducer,
  ) {}

  async create(kbRef: string, input: CreateSource): Promise<Source> {
    const kb = await this.kbs.get(kbRef);
    const { intervalSec, ...config } = input;
    const source = await this.sources.create(kb.id, config, intervalSec);
    await this.sync.schedule(source);
    await this.sync.now(source);
    return source;
  }

  async list(kbRef: string): Promise<Source[]> {
    const kb = await this.kbs.get(kbRef);
    return this.sources.list(kb.id);
  }

  async get(kbRef: string, id: string): Promise<Source> {
    const kb = await this.kbs.get(kbRef);
    const source = /^[0-9a-f-]{36}$/i.test(id) ? await this.sources.get(kb.id, id) : null;
    if (!source) throw notFound('Source', id);
    return source;
  }

  /** Queues a sync now; answers at once (the report lands on the source). */
  async syncNow(kbRef: string, id: string): Promise<{ queued: boolean }> {
    const source = await this.get(kbRef, id);
    const queued = await this.sync.now(source);
    if (!queued) throw new AppError('conflict', `Source ${id} is already syncing.`);
    return { queued };
  }

  async delete(kbRef: string, id: string): Promise<void> {
    const source = await this.get(kbRef, id);
    await this.sync.unschedule(source);
    await this.sources.delete(source.kbId, source.id);
  }
}
