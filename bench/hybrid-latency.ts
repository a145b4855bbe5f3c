// `npm run bench:search -- [--chunks 100000] [--queries 300] [--keep]`
// Search latency of one KB of N chunks on native Postgres, through the search service in each
// mode (lexical, vector, hybrid, hybrid + rerank), against MiniSearch (BM25 in process) over the
// same chunks in the same run. Chunks are 80-word windows of the SciFact corpus in documents of
// 20 chunks, indexed as the ingest job indexes them (postings, lengths, kb_lexical_stats);
// queries are SciFact's real questions.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import MiniSearch from 'minisearch';
import { PROJECT_ROOT } from '../src/config/paths';
import type { PoolClient } from 'pg';
import { Database } from '../src/database/database';
import { Embedders } from '../src/inference/embedders';
import { KbsRepository } from '../src/knowledge/kbs.repository';
import { KbsService } from '../src/knowledge/kbs.service';
import { BuiltinReranker } from '../src/retrieval/builtin-reranker';
import { DEFAULT_BM25, queryTerms } from '../src/retrieval/bm25';
import { ALL_POSTINGS, SearchRepository } from '../src/retrieval/search.repository';
import { SearchService } from '../src/retrieval/search.service';
import { tokenizerFor } from '../src/retrieval/tokenizers';
import { nativeDb, type BenchDb } from './bench-db';
import { insertChunkRows } from './chunk-rows';
import { percentile } from './eval/metrics';
import { writeSection } from './report';
import { TextSource } from './text-source';
import { log, runScript } from './script';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    /** Measure again on a database kept by an earlier --keep run (its URL), skipping the load. */
    db: { type: 'string' },
    /** For trying changes only: the section written to BENCHMARKS.md always has the baseline. */
    'skip-baseline': { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
  },
});

const PER_DOC = 20;

function questions(n: number, text: TextSource): string[] {
  const file = join(PROJECT_ROOT, '..', 'shared', 'eval', 'retrieval', 'scifact_en', 'queries.jsonl');
  if (!existsSync(file)) return Array.from({ length: n }, () => text.window(10));
  const qs = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  return qs.slice(0, n);
}

/** One document with a ready, current version holding `texts` as its chunks, postings included. */
async function insertDocument(c: PoolClient, kbId: string, texts: string[]) {
  const docId = randomUUID();
  const versionId = randomUUID();
  await c.query(`INSERT INTO documents (id, kb_id, title, current_version_id) VALUES ($1, $2, $3, $4)`, [
    docId,
    kbId,
    texts[0]!.split(' ').slice(0, 5).join(' '),
    versionId,
  ]);
  await c.query(
    `INSERT INTO document_versions (id, kb_id, document_id, seq, sha256, filename, mime, size_bytes, status)
     VALUES ($1, $2, $3, 1, 'bench', 'bench.md', 'text/markdown', 0, 'ready')`,
    [versionId, kbId, docId],
  );
  await insertChunkRows(c, { kbId, docId, versionId }, texts);
}

// The migration's index (0001_init.sql), built once after the load: inserting 100k rows one by
// one into HNSW takes most of half an hour on 2 cores, the build a minute or two.
const BUILTIN_INDEX = `CREATE INDEX chunks_builtin_hnsw_idx ON chunks
  USING hnsw ((embedding::vector(512)) vector_cosine_ops) WHERE embedder = 'builtin-hash-512'`;

async function load(db: Database, kbId: string, texts: string[]) {
  await db.query('DROP INDEX chunks_builtin_hnsw_idx');
  for (let i = 0; i < texts.length; i += PER_DOC * 100) {
    await db.tx(async (c) => {
      for (let j = i; j < Math.min(i + PER_DOC * 100, texts.length); j += PER_DOC)
        await insertDocument(c, kbId, texts.slice(j, j + PER_DOC));
    });
    if (i % 20_000 === 0) log(`  ${i} chunks`);
  }
  await db.withClient(async (c) => {
    await c.query(`SET maintenance_work_mem = '1GB'`);
    await c.query(BUILTIN_INDEX);
  });
}

function existingDb(url: string): BenchDb {
  const db = new Database({ connectionString: url, maxConnections: 4, namedStatements: true });
  return { kind: 'native', url, db, close: () => db.close() };
}

async function main() {
  const total = Number(values.chunks);
  const text = new TextSource();
  const qs = questions(Number(values.queries), text);
  const b = values.db ? existingDb(values.db) : await nativeDb();
  try {
    const embedders = new Embedders();
    const kbs = new KbsService(new KbsRepository(b.db), embedders);
    const texts = Array.from({ length: total }, () => text.window(80));
    const kb = values.db ? await kbs.get('latency') : await kbs.create({ slug: 'latency', name: 'latency' });
    if (!values.db) {
      await b.db.query(
        `INSERT INTO blobs (sha256, size_bytes, content) VALUES ('bench', 0, '') ON CONFLICT DO NOTHING`,
      );
      const t0 = performance.now();
      await load(b.db, kb.id, texts);
      log(`indexed ${total} chunks in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      // What autovacuum does after a bulk load: statistics and the visibility map (index-only scans).
      await b.db.query('VACUUM ANALYZE');
    }

    const repo = new SearchRepository(b.db);
    const search = new SearchService(kbs, repo, embedders, new BuiltinReranker());
    const rows: string[] = [];
    const measure = async (label: string, run: (q: string) => Promise<unknown>) => {
      for (const q of qs.slice(0, 20)) await run(q); // warm caches and prepared statements
      const times: number[] = [];
      for (const q of qs) {
        const t = performance.now();
        await run(q);
        times.push(performance.now() - t);
      }
      const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(times, p));
      const mean = times.reduce((a, x) => a + x, 0) / times.length;
      log(`  ${label.padEnd(28)} p50 ${p50!.toFixed(1)} ms  p95 ${p95!.toFixed(1)} ms  p99 ${p99!.toFixed(1)} ms`);
      rows.push(`| ${label} | ${p50!.toFixed(1)} | ${p95!.toFixed(1)} | ${p99!.toFixed(1)} | ${mean.toFixed(1)} |`);
    };

    for (const [label, mode, rerank] of [
      ['Fennel lexical', 'lexical', false],
      ['Fennel vector', 'vector', false],
      ['Fennel hybrid', 'hybrid', false],
      ['Fennel hybrid + rerank (API default)', 'hybrid', true],
    ] as const) {
      await measure(label, (q) => search.search(kb.id, { query: q, topK: 10, mode, rerank }));
    }

    // The BM25 statement alone, with the common terms cut to their best postings (the default)
    // and exhaustive (no term cut): what the cut saves, and how often it changes the top 10.
    // The search service asks for 50 candidates per signal.
    const tokenizer = tokenizerFor(kb.settings);
    const top10s = async (label: string, postingsPerTerm?: number) => {
      const lists: string[][] = [];
      await measure(label, async (q) => {
        const terms = queryTerms(tokenizer.tokenize(q));
        const { hits } = await repo.lexicalSearch(kb.id, terms, 50, DEFAULT_BM25, {}, undefined, postingsPerTerm);
        lists.push(hits.slice(0, 10).map((h) => h.chunkId));
      });
      return lists.slice(-qs.length); // after the warm-up queries
    };
    const exhaustive = await top10s('BM25 statement, exhaustive', ALL_POSTINGS);
    const cut = await top10s('BM25 statement, common terms cut (default)');
    const same = cut.filter((ids, i) => ids.join() === exhaustive[i]!.join()).length;
    const shared = cut.reduce((a, ids, i) => a + ids.filter((id) => exhaustive[i]!.includes(id)).length, 0);
    const agreement = `Top 10 of the cut statement vs the exhaustive one: identical for ${same} of ${qs.length} questions; ${((100 * shared) / exhaustive.reduce((a, ids) => a + ids.length, 0)).toFixed(1)}% of the exhaustive top-10 chunks found.`;
    log(`  ${agreement}`);

    // MiniSearch last: its 100k-document index is a large heap whose collections would land in
    // Fennel's timings.
    if (!values['skip-baseline']) {
      const tb = performance.now();
      const mini = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], idField: 'id' });
      mini.addAll(texts.map((t, id) => ({ id, text: t })));
      log(`MiniSearch indexed in ${((performance.now() - tb) / 1000).toFixed(1)} s`);
      await measure('MiniSearch baseline (BM25)', async (q) => mini.search(q).slice(0, 10));
    }
    const table = ['| system | p50 ms | p95 ms | p99 ms | mean ms |', '|---|---|---|---|---|', ...rows].join('\n');
    process.stdout.write(`\n${table}\n`);
    if (!values['no-report'] && !values['skip-baseline']) {
      const pg = (await b.db.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version'])).rows[0]!.v;
      await writeSection(
        'search-latency-100k',
        `Search latency: ${total.toLocaleString('en')} chunks, native Postgres`,
        [
          `Command: \`${['npm run bench:search', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ')}\` · ${new Date().toISOString().slice(0, 10)}`,
          `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Postgres ${pg}. One KB of ${total} chunks (${text.origin} of 80 words, ${PER_DOC} per document), ${qs.length} SciFact questions, top 10, built-in embedder, after VACUUM ANALYZE; one query at a time, timed around the search service call.`,
          '',
          table,
          '',
          agreement,
        ].join('\n'),
      );
    }
  } finally {
    if (values.keep) log(`kept database: ${b.url}`);
    else await b.close();
  }
}

runScript(main);
