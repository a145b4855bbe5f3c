// BM25's collection statistics are kept by triggers (kb_lexical_stats): they must equal a count
// of the live chunks after every way the live set changes. And lexical search, which checks
// liveness and filters only on its best candidates and widens when too few survive, must return
// exactly the reference BM25 ranking of the live, matching chunks.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database';
import { DocumentsRepository } from '../../src/knowledge/documents.repository';
import { bm25TermScore, idf, queryTerms } from '../../src/retrieval/bm25';
import { SearchRepository, type SearchFilters } from '../../src/retrieval/search.repository';
import { IngestRepository } from '../../workers/ingest/ingest.repository';
import { insertDocument, insertKb, insertVersion, tokenizer } from '../support/kb-rows';
import { migratedTestDatabase } from '../support/services';

let db: Database;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ db, close } = await migratedTestDatabase('lexstats'));
});
afterAll(() => close?.());

/** The stats row against a fresh count of live chunks; returns the live count. */
async function expectStatsExact(kbId: string): Promise<number> {
  const { rows } = await db.query<{ n: number; len: number; want_n: number; want_len: number }>(
    `SELECT coalesce(s.chunk_count, 0)::int AS n, coalesce(s.length_sum, 0)::int AS len, x.want_n, x.want_len
       FROM (SELECT count(*)::int AS want_n, coalesce(sum(c.lexical_length), 0)::int AS want_len
               FROM chunks c JOIN documents d ON d.id = c.document_id AND d.current_version_id = c.version_id
              WHERE c.kb_id = $1) x
       LEFT JOIN kb_lexical_stats s ON s.kb_id = $1`,
    [kbId],
  );
  const r = rows[0]!;
  expect({ n: r.n, len: r.len }).toEqual({ n: r.want_n, len: r.want_len });
  await expectDfExact(kbId);
  return r.n;
}

/** kb_term_df against a fresh count of the KB's postings, and no posting without its chunk. */
async function expectDfExact(kbId: string): Promise<void> {
  const { rows } = await db.query<{ term: string; df: number; want: number }>(
    `SELECT coalesce(d.term, x.term) AS term, coalesce(d.df, 0)::int AS df, coalesce(x.want, 0)::int AS want
       FROM (SELECT term, df FROM kb_term_df WHERE kb_id = $1 AND df <> 0) d
       FULL JOIN (SELECT term, count(*) AS want FROM chunk_terms WHERE kb_id = $1 GROUP BY term) x ON x.term = d.term
      WHERE coalesce(d.df, 0) <> coalesce(x.want, 0)`,
    [kbId],
  );
  expect(rows).toEqual([]);
  const orphans = await db.query(
    `SELECT 1 FROM chunk_terms t WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = t.chunk_id) LIMIT 1`,
  );
  expect(orphans.rowCount).toBe(0);
}

/** The ingest job's switch, through the real repository: claim, then activate. */
async function activate(kbId: string, documentId: string, versionId: string, chunkCount: number) {
  const repo = new IngestRepository(db);
  const token = randomUUID();
  expect(await repo.claim(versionId, token, 1)).toBe(true);
  const v = (await repo.load(versionId))!;
  const result = { markdown: '', title: 't', chunkCount, timings: {} };
  expect(await repo.activate({ ...v, kbId, documentId }, token, result)).toBe('activated');
}

describe('kb_lexical_stats', () => {
  it('counts exactly the live chunks through activation, replacement, deletes and failures', async () => {
    const kbId = await insertKb(db, 'stats');
    const other = await insertKb(db, 'stats-other');
    await insertDocument(db, other, ['Another KB entirely, with its own words.']);

    const a = await insertDocument(db, kbId, ['alpha one', 'alpha two words', 'alpha three more words']);
    expect(await expectStatsExact(kbId)).toBe(3);
    // A chunk written into the version that is already current counts at once.
    await db.query(
      `INSERT INTO chunks (kb_id, document_id, version_id, ordinal, text, embedder, embedding, lexical_length)
       SELECT kb_id, document_id, version_id, 9, 'extra', embedder, embedding, 7 FROM chunks
        WHERE version_id = $1 AND ordinal = 0`,
      [a.versionId],
    );
    expect(await expectStatsExact(kbId)).toBe(4);

    // A version being indexed changes nothing until it is activated; then the old one leaves.
    const a2 = await insertVersion(db, kbId, a.docId, ['alpha replaced', 'alpha replaced again']);
    expect(await expectStatsExact(kbId)).toBe(4);
    await activate(kbId, a.docId, a2, 2);
    expect(await expectStatsExact(kbId)).toBe(2);

    // A first version that fails never counted.
    const b = await insertDocument(db, kbId, ['bravo never ready'], { current: false });
    const token = randomUUID();
    await new IngestRepository(db).claim(b.versionId, token, 1);
    await new IngestRepository(db).fail(kbId, b.versionId, token, 'broken');
    expect(await expectStatsExact(kbId)).toBe(2);

    // A first version that activates counts; deleting the document takes it out again.
    const c = await insertDocument(db, kbId, ['charlie one', 'charlie two', 'charlie three'], { current: false });
    await activate(kbId, c.docId, c.versionId, 3);
    expect(await expectStatsExact(kbId)).toBe(5);
    await new DocumentsRepository(db).delete(kbId, c.docId);
    expect(await expectStatsExact(kbId)).toBe(2);

    // Live chunks deleted directly.
    await db.query(`DELETE FROM chunks WHERE version_id = $1 AND ordinal = 0`, [a2]);
    expect(await expectStatsExact(kbId)).toBe(1);
    expect(await expectStatsExact(other)).toBe(1);

    // termStats reads N from the same row.
    const stats = await new SearchRepository(db).termStats(kbId, ['alpha', 'charlie']);
    expect(stats.n).toBe(1);

    await db.query(`DELETE FROM knowledge_bases WHERE id = $1`, [kbId]);
    expect((await db.query(`SELECT 1 FROM kb_lexical_stats WHERE kb_id = $1`, [kbId])).rowCount).toBe(0);
    expect((await db.query(`SELECT 1 FROM kb_term_df WHERE kb_id = $1`, [kbId])).rowCount).toBe(0);
    expect((await db.query(`SELECT 1 FROM chunk_terms WHERE kb_id = $1`, [kbId])).rowCount).toBe(0);
    expect(await expectStatsExact(other)).toBe(1);
  });
});

describe('kb_term_df under concurrent writers', () => {
  it('keeps exact counts while documents sharing terms are written and deleted at once', async () => {
    const kbId = await insertKb(db, 'df-concurrent');
    const words = Array.from({ length: 60 }, (_, i) => `w${i}x`);
    // Every text holds most of the vocabulary in its own order, so any two writers share terms
    // and would meet them in different orders.
    const text = (seed: number) => {
      const rnd = random(seed);
      return [...words]
        .sort(() => rnd() - 0.5)
        .slice(0, 45)
        .join(' ');
    };
    const docs = [];
    for (let i = 0; i < 6; i++) docs.push(await insertDocument(db, kbId, [text(i), text(i + 100), text(i + 200)]));
    const documents = new DocumentsRepository(db);
    const results = await Promise.allSettled([
      ...docs.map((d) => documents.delete(kbId, d.docId)),
      ...Array.from({ length: 6 }, (_, i) => insertDocument(db, kbId, [text(i + 300), text(i + 400), text(i + 500)])),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await expectDfExact(kbId);
  });
});

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** BM25 as the SQL defines it: N and avgdl over live chunks, df over every posting in the KB. */
async function reference(
  kbId: string,
  query: string,
  topK: number,
  filters: SearchFilters = {},
  tagsOf = new Map<string, string[]>(),
) {
  const terms = queryTerms(tokenizer.tokenize(query));
  const { rows: chunks } = await db.query<{ id: string; document_id: string; len: number; live: boolean }>(
    `SELECT c.id, c.document_id, c.lexical_length AS len, d.current_version_id = c.version_id AS live
       FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.kb_id = $1`,
    [kbId],
  );
  const { rows: postings } = await db.query<{ term: string; chunk_id: string; tf: number }>(
    `SELECT term, chunk_id, tf FROM chunk_terms WHERE kb_id = $1 AND term = ANY($2)`,
    [kbId, terms],
  );
  const live = chunks.filter((c) => c.live);
  const n = live.length;
  const avgdl = Math.max(live.reduce((s, c) => s + c.len, 0) / n, 1);
  const df = new Map<string, number>();
  for (const p of postings) df.set(p.term, (df.get(p.term) ?? 0) + 1);
  const byId = new Map(chunks.map((c) => [c.id, c]));
  const scores = new Map<string, number>();
  for (const p of postings) {
    const c = byId.get(p.chunk_id)!;
    const s = bm25TermScore(p.tf, c.len, avgdl, idf(n, df.get(p.term)!), params.k1, params.b);
    scores.set(c.id, (scores.get(c.id) ?? 0) + s);
  }
  return [...scores]
    .map(([id, score]) => ({ id, score, c: byId.get(id)! }))
    .filter(({ c }) => c.live)
    .filter(({ c }) => !filters.documentIds || filters.documentIds.includes(c.document_id))
    .filter(() => !filters.sources || filters.sources.includes('upload'))
    .filter(({ c }) => !filters.tags || (tagsOf.get(c.document_id) ?? []).some((t) => filters.tags!.includes(t)))
    .sort((x, y) => y.score - x.score || Number(x.id) - Number(y.id))
    .slice(0, topK)
    .map(({ id, score }) => ({ id, score }));
}

const params = { k1: 1.2, b: 0.75 };

describe('lexicalSearch against the reference BM25', () => {
  let kbId: string;
  const docs: { id: string; tags: string[] }[] = [];

  beforeAll(async () => {
    kbId = await insertKb(db, 'reference');
    const rnd = random(7);
    const syllables = ['ka', 'lo', 'mi', 'ru', 'te', 'no', 'sa', 'vi', 'do', 'pe'];
    // Zipf-like: a few words are in most chunks, many are rare.
    const vocab = Array.from({ length: 150 }, (_, i) => syllables[i % 10]! + syllables[Math.floor(i / 10) % 10]! + 'x');
    const word = () => vocab[Math.floor(vocab.length * rnd() ** 2.5)]!;
    for (let d = 0; d < 40; d++) {
      const texts = Array.from({ length: 8 }, () => Array.from({ length: 3 + Math.floor(rnd() * 40) }, word).join(' '));
      const tags = d % 3 === 0 ? ['third'] : [];
      // A quarter of the documents only have a version still being indexed.
      const { docId } = await insertDocument(db, kbId, texts, { current: d % 4 !== 1, tags });
      docs.push({ id: docId, tags });
    }
  });

  it('returns the reference top-k, with and without filters, across pool sizes', async () => {
    const repo = new SearchRepository(db);
    const currentDocs = docs.filter((_, d) => d % 4 !== 1);
    const cases: [number, SearchFilters][] = [
      [5, {}],
      [30, {}],
      [100, {}],
      // Few chunks pass: the first pool holds few survivors and has to grow.
      [5, { documentIds: [currentDocs[7]!.id, currentDocs[20]!.id] }],
      [20, { documentIds: [currentDocs[3]!.id] }],
      [10, { tags: ['third'] }],
      [10, { sources: ['url'] }],
    ];
    const queries = ['kalox mix', 'tenox sarux vidox pemix', 'kakax kalox lolox', 'dodox pepex'];
    let compared = 0;
    for (const query of queries) {
      for (const [topK, filters] of cases) {
        const want = await reference(kbId, query, topK, filters, new Map(docs.map((d) => [d.id, d.tags])));
        const terms = queryTerms(tokenizer.tokenize(query));
        const { hits: got, stats } = await repo.lexicalSearch(kbId, terms, topK, params, filters);
        expect(got.map((h) => h.chunkId)).toEqual(want.map((w) => w.id));
        // The statistics BM25 used are the ones the answer gate would otherwise query again.
        expect(stats).toEqual(await repo.termStats(kbId, [...new Set(terms)]));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 9));
        compared += got.length;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});

describe('lexicalSearch with a term cut to its best postings', () => {
  it('scores every hit exactly and keeps the reference ranking but for near-ties', async () => {
    const kbId = await insertKb(db, 'cut');
    const rnd = random(11);
    const filler = ['amber', 'basalt', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'heath'];
    // `common` is in ~700 of 900 chunks, with tf 1–6 and lengths 2–60: far more than the 200
    // postings per term the first pool reads. `rare<k>` is in 9 chunks each, `pair` in ~200.
    for (let d = 0; d < 30; d++) {
      const texts = Array.from({ length: 30 }, (_, i) => {
        const k = d * 30 + i;
        const words = [
          ...(rnd() < 0.78 ? Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => 'common') : []),
          ...Array.from({ length: 1 + Math.floor(rnd() * 55) }, () => filler[Math.floor(rnd() * filler.length)]!),
          `rare${k % 100}`,
          ...(k % 7 === 0 || k % 11 === 0 ? ['pair'] : []),
        ];
        return words.sort(() => rnd() - 0.5).join(' ');
      });
      await insertDocument(db, kbId, texts);
    }
    const repo = new SearchRepository(db);
    let found = 0;
    let wanted = 0;
    for (const query of ['common', 'common rare7', 'common pair', 'common pair rare42 amber', 'rare3 rare4 common']) {
      // Every chunk with a score, best first.
      const all = await reference(kbId, query, 1_000);
      const exact = new Map(all.map((w) => [w.id, w.score]));
      for (const topK of [5, 20]) {
        const terms = queryTerms(tokenizer.tokenize(query));
        const { hits: got, stats } = await repo.lexicalSearch(kbId, terms, topK, params, {}, undefined, 50);
        expect(stats.df.get('common')).toBeGreaterThan(600);
        expect(got).toHaveLength(topK);
        // Exact BM25 for every hit, cut term included, in score order.
        got.forEach((h) => expect(h.score).toBeCloseTo(exact.get(h.chunkId)!, 9));
        got.slice(1).forEach((h, i) => expect(h.score).toBeLessThanOrEqual(got[i]!.score));
        // The best five are the reference's; further down, the cut may trade a chunk for one
        // within a hair of its score.
        expect(got.slice(0, 5).map((h) => h.chunkId)).toEqual(all.slice(0, 5).map((w) => w.id));
        const want = new Set(all.slice(0, topK).map((w) => w.id));
        found += got.filter((h) => want.has(h.chunkId)).length;
        wanted += want.size;
        const kth = all[topK - 1]!.score;
        got.forEach((h) => expect(h.score).toBeGreaterThan(kth * 0.98));
      }
    }
    expect(found / wanted).toBeGreaterThan(0.95);
  });
});
