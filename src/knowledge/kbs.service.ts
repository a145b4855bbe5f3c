import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppError, notFound } from '../admin/errors';
import { KbsRepository, type KnowledgeBase } from './kbs.repository';

/** Per-KB settings; unknown keys are rejected so a typo does not silently do nothing. */
export const kbSettingsSchema = z
  .object({
    /** Storage limit for this KB in bytes (newest version of every document). */
    maxBytes: z.number().int().min(1).optional(),
    chunking: z
      .object({
        maxTokens: z.number().int().min(32).max(8192).optional(),
        overlapTokens: z.number().int().min(0).max(1024).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type KbSettings = z.infer<typeof kbSettingsSchema>;

@Injectable()
export class KbsService {
  constructor(@Inject(KbsRepository) private readonly kbs: KbsRepository) {}

  async create(input: { slug: string; name: string; settings?: KbSettings }): Promise<KnowledgeBase> {
    const kb = await this.kbs.create(input.slug, input.name, input.settings ?? {});
    if (!kb) throw new AppError('conflict', `A knowledge base with slug "${input.slug}" already exists.`);
    return kb;
  }

  /** Resolves an id or slug; 404 when missing. */
  async get(ref: string): Promise<KnowledgeBase> {
    const kb = await this.kbs.find(ref);
    if (!kb) throw notFound('Knowledge base', ref);
    return kb;
  }

  list(): Promise<KnowledgeBase[]> {
    return this.kbs.list();
  }

  async update(ref: string, patch: { name?: string; settings?: KbSettings }): Promise<KnowledgeBase> {
    const kb = await this.get(ref);
    const updated = await this.kbs.update(kb.id, patch);
    if (!updated) throw notFound('Knowledge base', ref);
    return updated;
  }

  async delete(ref: string): Promise<void> {
    const kb = await this.get(ref);
    await this.kbs.delete(kb.id);
  }
}
