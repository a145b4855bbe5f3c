// The ingest job: blob -> parse -> Markdown -> chunks -> embeddings -> atomic switch.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Embedders } from '../../src/inference/embedders';
import type { IngestJob } from '../../src/queue/queues';
import { termFrequencies } from '../../src/retrieval/bm25';
import { tokenizerFor } from '../../src/retrieval/tokenizers';
import { chunkDocument, DEFAULT_CHUNKING, type ChunkingOptions } from '../chunking/chunker';
import { renderMarkdown } from '../parsers/markdown.renderer';
import { ParseError } from '../parsers/parsed-document';
import type { DocumentParser } from '../parsers/parser-registry';
import { randomUUID } from 'node:crypto';
import {
  EmbedderChangedError,
  LostClaimError,
  type IndexedChunk,
  type IngestRepository,
  type VersionToIngest,
} from './ingest.repository';

const EMBED_BATCH = 128;

export interface IngestOutcome {
  versionId: string;
  outcome: string;
  chunks: number;
}

function chunkingFor(settings: Record<string, unknown>): ChunkingOptions {
  const c = (settings.chunking ?? {}) as Partial<ChunkingOptions>;
  return { ...DEFAULT_CHUNKING, ...c };
}

export class IngestHandler {
  constructor(
    private readonly repo: IngestRepository,
    private readonly parsers: DocumentParser,
    private readonly embedders: Embedders,
  ) {}

  async handle(job: Job<IngestJob>): Promise<IngestOutcome> {
    const { versionId } = job.data;
    const maxAttempts = job.opts.attempts ?? 1;
    const v = await this.repo.load(versionId);
    // The KB or document was deleted with cascade, or the version finished before a crash.
    if (!v) return { versionId, outcome: 'gone', chunks: 0 };
    const token = randomUUID();
    if (!(await this.repo.claim(versionId, token, job.attemptsMade + 1)))
      return { versionId, outcome: 'already_done', chunks: 0 };
    try {
      return await this.run(job, v, token);
    } catch (err) {
      // A newer run of the same job owns the version now; it reports the outcome.
      if (err instanceof LostClaimError) return { versionId, outcome: 'lost_claim', chunks: 0 };
      const final = err instanceof ParseError || job.attemptsMade + 1 >= maxAttempts;
      if (final) {
        const reason =
          err instanceof ParseError
            ? err.message
            : `Ingest failed after ${job.attemptsMade + 1} attempt(s): ${(err as Error).message}`;
        await this.repo.fail(v.kbId, versionId, token, reason).catch((e: unknown) => {
          if (!(e instanceof LostClaimError)) throw e;
        });
        throw new UnrecoverableError(reason);
      }
      throw err;
    }
  }

  private async run(job: Job<IngestJob>, v: VersionToIngest, token: string) {
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    const parsed = await this.parsers.parse({ bytes: v.content, filename: v.filename, password: job.data.password });
    const markdown = renderMarkdown(parsed.blocks);
    const chunks = chunkDocument(parsed, chunkingFor(v.kbSettings));
    if (chunks.length === 0) {
      // Damage found on the way often explains the empty result (text left in a broken part).
      const found = parsed.warnings?.length ? ` What was wrong with the file: ${parsed.warnings.join(' ')}` : '';
      throw new ParseError('no_text', `The document has no text to index.${found}`);
    }
    timings.parseMs = Math.round(performance.now() - t0);

    const t1 = performance.now();
    const tokenizer = tokenizerFor(v.kbSettings);
    await this.repo.setStage(v.versionId, token, 'indexing', 0.2);
    await this.repo.clearChunks(v.kbId, v.versionId, token);
    let embedderId = v.kbEmbedder;
    for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
      const batch = chunks.slice(i, i + EMBED_BATCH);
      // The heading path and title travel with the text so a chunk is findable by its section.
      const texts = batch.map((c) => [parsed.title, ...c.headingPath, c.text].join('\n'));
      const terms = texts.map((t) => termFrequencies(tokenizer.tokenize(t)));
      for (;;) {
        const vectors = await this.embedders.forId(embedderId).embed(texts);
        const indexed: IndexedChunk[] = batch.map((chunk, k) => ({ chunk, vector: vectors[k]!, terms: terms[k]! }));
        try {
          await this.repo.insertChunks(v.kbId, v.documentId, v.versionId, token, embedderId, indexed);
          break;
        } catch (err) {
          // A re-embed switched the KB mid-run; it converted the batches already written.
          if (!(err instanceof EmbedderChangedError)) throw err;
          embedderId = err.current;
        }
      }
      const done = Math.min(i + EMBED_BATCH, chunks.length);
      await this.repo.setProgress(v.versionId, token, 0.2 + 0.75 * (done / chunks.length));
      await job.updateProgress(Math.round((done / chunks.length) * 100));
      // Let BullMQ renew the job lock between batches, so a long ingest is not taken for stalled.
      await new Promise((r) => setImmediate(r));
    }
    timings.indexMs = Math.round(performance.now() - t1);

    const outcome = await this.repo.activate(v, token, {
      markdown,
      title: parsed.title,
      chunkCount: chunks.length,
      timings,
      warnings: parsed.warnings ?? [],
    });
    return { versionId: v.versionId, outcome, chunks: chunks.length };
  }
}
