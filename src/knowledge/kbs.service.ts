import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppError, notFound } from '../admin/errors';
import { KbsRepository, type KnowledgeBase } from './kbs.repository';

const compiles = (pattern: string) => {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
};

/** Per-KB settings; unknown keys are rejected so a typo does not silently do nothing. */
export const kbSettingsSchema = z
  .object({
    /** Storage limit for this KB in bytes (newest version of every document). */
    maxBytes: z.number().int().min(1).optional(),
    retrieval: z
      .object({
        mode: z.enum(['hybrid', 'lexical', 'vector']).optional(),
        fusion: z
          .object({
            method: z.enum(['rrf', 'weighted']).optional(),
            rrfK: z.number().min(1).max(1000).optional(),
            weights: z
              .object({ lexical: z.number().min(0).max(10).optional(), vector: z.number().min(0).max(10).optional() })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        k1: z.number().min(0).max(10).optional(),
        b: z.number().min(0).max(1).optional(),
        candidates: z.number().int().min(1).max(1000).optional(),
        customWords: z.array(z.string().trim().min(1).max(64)).max(10_000).optional(),
        rerank: z.boolean().optional(),
      })
      .strict()
      .optional(),
    answer: z
      .object({
        triageThreshold: z.number().min(0).max(1).optional(),
        gateThreshold: z.number().min(0).max(1).optional(),
        passages: z.number().int().min(1).max(20).optional(),
        useModel: z.boolean().optional(),
        onEngineFailure: z.enum(['extractive', 'reject']).optional(),
        duplicateWindowSeconds: z.number().int().min(0).max(86_400).optional(),
        policy: z
          .object({
            blockedTerms: z.array(z.string().trim().min(1).max(200)).max(5000).optional(),
            blockedPatterns: z
              .array(z.string().min(1).max(500))
              .max(500)
              .refine((ps) => ps.every(compiles), { message: 'every pattern must be a valid regular expression' })
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
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
