import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { z } from 'zod';
import { AppError, notFound } from '../admin/errors';
import { EngineError, EngineUnavailableError } from '../inference/engine-error';
import {
  EmbedderUnavailableError,
  Embedders,
  MAX_EMBEDDING_DIMENSION,
  type EmbeddingChoice,
} from '../inference/embedders';
import { ReembedProducer } from '../queue/reembed.producer';
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
    /** The embedding model of the KB's vectors: "builtin" or a model on the embedding server. */
    embedding: z
      .object({
        model: z
          .string()
          .trim()
          .regex(/^[\w.:/@+-]{1,150}$/, 'a model id: letters, digits and . : / @ + - _'),
        dimension: z.number().int().min(1).max(MAX_EMBEDDING_DIMENSION).optional(),
      })
      .strict()
      .refine((e) => e.model !== 'builtin' || e.dimension === undefined, {
        message: 'the built-in embedder has a fixed dimension (512)',
      })
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
  constructor(
    @Inject(KbsRepository) private readonly kbs: KbsRepository,
    @Inject(Embedders) private readonly embedders: Embedders = new Embedders(),
    // Absent where no worker will ever switch embedders (benchmarks); then only "builtin" is accepted.
    @Optional() @Inject(ReembedProducer) private readonly reembeds: ReembedProducer | null = null,
  ) {}

  async create(input: { slug: string; name: string; settings?: KbSettings }): Promise<KnowledgeBase> {
    const settings = { ...input.settings };
    // A KB records the model it was created with, so a later FENNEL_EMBED_MODEL change moves new KBs only.
    const choice = settings.embedding ?? this.embedders.defaultChoice;
    if (choice.model !== 'builtin') settings.embedding = choice;
    const target = await this.resolveEmbedder(choice);
    const kb = await this.kbs.create(input.slug, input.name, settings);
    if (!kb) throw new AppError('conflict', `A knowledge base with slug "${input.slug}" already exists.`);
    // Even an empty KB moves through the re-embed job: it creates the embedder's vector index
    // before the first chunk needs it.
    return this.moveEmbedder(kb, target);
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
    // Resolved before anything is saved: a model the server does not have fails the request.
    const target = patch.settings?.embedding ? await this.resolveEmbedder(patch.settings.embedding) : undefined;
    const updated = await this.kbs.update(kb.id, patch);
    if (!updated) throw notFound('Knowledge base', ref);
    return target === undefined ? updated : this.moveEmbedder(updated, target);
  }

  private async resolveEmbedder(choice: EmbeddingChoice): Promise<string> {
    try {
      const id = (await this.embedders.resolve(choice)).id;
      if (choice.model !== 'builtin' && !this.reembeds) {
        throw new AppError('bad_request', 'Embedding models need the job queue, which this process does not run.');
      }
      return id;
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      const unavailable = err instanceof EngineUnavailableError || err instanceof EmbedderUnavailableError;
      throw new AppError(
        unavailable ? 'unavailable' : 'bad_request',
        `Embedding model "${choice.model}": ${err.message}`,
      );
    }
  }

  /**
   * Starts (or cancels) the move of the KB's vectors to `target`. The active embedder keeps
   * serving searches until the re-embed job switches in one transaction.
   */
  private async moveEmbedder(kb: KnowledgeBase, target: string): Promise<KnowledgeBase> {
    const { active, target: current, state } = kb.embedding;
    let moved: KnowledgeBase | null = kb;
    if (target === active) {
      if (current !== null) moved = await this.kbs.setEmbeddingTarget(kb.id, null, { state: 'ready' });
    } else if (target !== current || state === 'failed') {
      const requestId = randomUUID();
      moved = await this.kbs.setEmbeddingTarget(kb.id, target, { state: 'queued', requestId });
      if (moved) await this.reembeds!.enqueue({ kbId: kb.id, target, requestId });
    }
    if (!moved) throw notFound('Knowledge base', kb.slug);
    return moved;
  }

  async delete(ref: string): Promise<void> {
    const kb = await this.get(ref);
    await this.kbs.delete(kb.id);
  }
}
