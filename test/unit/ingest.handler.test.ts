// The ingest handler with small fakes of its repository: retry semantics and final failure.
import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BUILTIN_EMBEDDER_ID, Embedders } from '../../src/inference/embedders';
import type { IngestJob } from '../../src/queue/queues';
import { IngestHandler } from '../../workers/ingest/ingest.handler';
import {
  EmbedderChangedError,
  LostClaimError,
  type IngestRepository,
  type VersionToIngest,
} from '../../workers/ingest/ingest.repository';
import { ParserRegistry } from '../../workers/parsers/parser-registry';

class FakeRepo {
  calls: string[] = [];
  failures: string[] = [];
  chunks = 0;
  insertError: Error | null = null;
  token: string | null = null;
  /** What activate() was given. */
  activated: { warnings?: string[] }[] = [];
  constructor(
    private readonly content: string | Buffer,
    private readonly filename = 'a.md',
  ) {}
  async load(versionId: string): Promise<VersionToIngest> {
    return {
      versionId,
      kbId: 'kb',
      documentId: 'doc',
      seq: 1,
      filename: this.filename,
      status: 'queued',
      documentDeleted: false,
      kbSettings: {},
      kbEmbedder: BUILTIN_EMBEDDER_ID,
      content: Buffer.from(this.content),
    };
  }
  async claim(_v: string, token: string) {
    this.token = token;
    this.calls.push('claim');
    return true;
  }
  async setStage(_v: string, token: string, stage: string) {
    if (token !== this.token) throw new LostClaimError(_v);
    this.calls.push(stage);
  }
  async setProgress() {}
  async clearChunks() {
    this.chunks = 0;
    this.calls.push('clear');
  }
  /** Embedder ids of the inserted batches. */
  embedders: string[] = [];
  async insertChunks(_k: string, _d: string, _v: string, _t: string, embedder: string, chunks: unknown[]) {
    const err = this.insertError;
    if (err) {
      // A KB switch is seen once; the handler must come back with the new embedder's vectors.
      if (err instanceof EmbedderChangedError) this.insertError = null;
      throw err;
    }
    this.embedders.push(embedder);
    this.chunks += chunks.length;
  }
  async activate(_v: VersionToIngest, _t: string, result: { warnings?: string[] }) {
    this.activated.push(result);
    this.calls.push('activate');
    return 'activated' as const;
  }
  async fail(_k: string, _v: string, _t: string, reason: string) {
    this.failures.push(reason);
  }
}

const job = (attemptsMade: number, attempts = 3) =>
  ({
    data: { kbId: 'kb', documentId: 'doc', versionId: 'v1' },
    opts: { attempts },
    attemptsMade,
    updateProgress: async () => undefined,
  }) as unknown as Job<IngestJob>;

const handler = (repo: FakeRepo) =>
  new IngestHandler(repo as unknown as IngestRepository, new ParserRegistry(), new Embedders());

describe('IngestHandler', () => {
  it('parses, clears previous partial chunks, inserts and activates', async () => {
    const repo = new FakeRepo('# A\n\nalpha\n\n## B\n\nbeta\n');
    const out = await handler(repo).handle(job(0));
    expect(out).toEqual({ versionId: 'v1', outcome: 'activated', chunks: 2 });
    expect(repo.calls).toEqual(['claim', 'indexing', 'clear', 'activate']);
    expect(repo.chunks).toBe(2);
  });

  it('rethrows a transient error for BullMQ to retry, without failing the version', async () => {
    const repo = new FakeRepo('# A\n\nalpha\n');
    repo.insertError = new Error('connection reset');
    await expect(handler(repo).handle(job(0))).rejects.toThrow('connection reset');
    await expect(handler(repo).handle(job(0))).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect(repo.failures).toEqual([]);
  });

  it('records the final failure with a readable reason on the last attempt', async () => {
    const repo = new FakeRepo('# A\n\nalpha\n');
    repo.insertError = new Error('connection reset');
    await expect(handler(repo).handle(job(2))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(repo.failures).toEqual(['Ingest failed after 3 attempt(s): connection reset']);
  });

  it('fails a parse error at once: retrying cannot help', async () => {
    const repo = new FakeRepo('   \n');
    await expect(handler(repo).handle(job(0))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(repo.failures).toEqual(['The document is empty (no text).']);
  });

  it("stores the parser's warnings with the version it activates", async () => {
    const repo = new FakeRepo(Buffer.from('# Grüße\n\naus München, schöne Straße\n', 'latin1'));
    await handler(repo).handle(job(0));
    expect(repo.activated.map((r) => r.warnings)).toEqual([
      [expect.stringMatching(/^The Markdown file is not UTF-8; Fennel decoded it as ISO-8859-1/)],
    ]);
  });

  it('adds what was wrong with the file to a "no text to index" failure', async () => {
    const repo = new FakeRepo('ignored');
    // A parse that found damage and nothing to index: one heading with no words.
    const parser = {
      parse: async () => ({
        format: 'pptx' as const,
        title: 'deck',
        blocks: [{ kind: 'heading' as const, level: 1, text: ' ' }],
        metadata: {},
        warnings: ['1 placeholder has no position.'],
      }),
    };
    const h = new IngestHandler(repo as unknown as IngestRepository, parser, new Embedders());
    await expect(h.handle(job(0))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(repo.failures).toEqual([
      'The document has no text to index. What was wrong with the file: 1 placeholder has no position.',
    ]);
  });

  it('indexes a heading with nothing under it, and keeps the warning of a non-UTF-8 file', async () => {
    const repo = new FakeRepo(Buffer.from('# Grüße aus München\n', 'latin1'));
    expect(await handler(repo).handle(job(0))).toMatchObject({ outcome: 'activated', chunks: 1 });
    expect(repo.activated[0]!.warnings).toEqual([expect.stringMatching(/^The Markdown file is not UTF-8;/)]);
  });

  it('embeds a batch again with the KB new embedder when a re-embed switched it mid-run', async () => {
    const repo = new FakeRepo('# A\n\nalpha\n\n## B\n\nbeta\n');
    const other = { id: 'other-embedder', dimension: 2, embed: async (t: string[]) => t.map(() => [1, 0]) };
    const embedders = new Embedders();
    const forId = embedders.forId.bind(embedders);
    embedders.forId = (id) => (id === other.id ? other : forId(id));
    repo.insertError = new EmbedderChangedError(other.id);
    const h = new IngestHandler(repo as unknown as IngestRepository, new ParserRegistry(), embedders);
    expect(await h.handle(job(0))).toEqual({ versionId: 'v1', outcome: 'activated', chunks: 2 });
    expect(repo.embedders).toEqual([other.id]);
  });

  it('stops quietly when another run took over the version', async () => {
    const repo = new FakeRepo('# A\n\nalpha\n');
    const h = handler(repo);
    repo.insertError = new LostClaimError('v1');
    expect(await h.handle(job(0))).toEqual({ versionId: 'v1', outcome: 'lost_claim', chunks: 0 });
    expect(repo.failures).toEqual([]);
  });
});
