// `npm run bench [-- --sizes 10000,100000 --queries 200 --docs 200 --skip-embedded]`
// Runs the foundation benchmarks and rewrites their section of BENCHMARKS.md.
import { execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { embeddedDb, nativeDb } from './bench-db';
import { ingestThroughput, type IngestRow } from './ingest-throughput';
import { writeSection } from './report';
import { searchLatency, type LatencyRow } from './search-latency';
import { TextSource } from './text-source';
import { log, runScript } from './script';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    'embedded-sizes': { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '200' },
    docs: { type: 'string', default: '200' },
    'skip-embedded': { type: 'boolean', default: false },
  },
});

const f1 = (x: number) => x.toFixed(1);

async function main() {
  const text = new TextSource();
  const sizes = values.sizes.split(',').map(Number);
  const embeddedSizes = values['embedded-sizes'].split(',').map(Number);
  const queries = Number(values.queries);
  const docs = Array.from({ length: Number(values.docs) }, () => text.markdownDocument(12, 120));

  log('ingest throughput (Markdown)');
  const ingest: IngestRow[] = [];
  const native = await nativeDb();
  try {
    ingest.push(await ingestThroughput(native, docs, log));
  } finally {
    await native.close();
  }
  if (!values['skip-embedded']) ingest.push(await ingestThroughput('embedded', docs, log));

  log('search latency');
  const latency: LatencyRow[] = [];
  const n2 = await nativeDb();
  try {
    latency.push(...(await searchLatency(n2, text, sizes, queries, log)));
  } finally {
    await n2.close();
  }
  if (!values['skip-embedded']) {
    const e = await embeddedDb();
    try {
      latency.push(...(await searchLatency(e, text, embeddedSizes, queries, log)));
    } finally {
      await e.close();
    }
  }

  const pg = execSync(
    `psql "${process.env.FENNEL_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'}" -tAc "show server_version"`,
  )
    .toString()
    .trim();
  const lines = [
    `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`` + ` · ${new Date().toISOString().slice(0, 10)}`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, native Postgres ${pg}, embedded PGlite 0.5.14 (pgvector 0.8.x), Redis local. Text: ${text.origin}.`,
    '',
    '### Ingest throughput, Markdown',
    '',
    `${docs.length} documents of 12 sections × 120 words, uploaded 20 per request; timed from the first upload until all are ready.`,
    'Baseline: the same parse + chunk + embed + tokenize work in-process with no database, queue or HTTP (same run).',
    '',
    '| database | docs/s | MB/s | baseline docs/s | end-to-end / baseline |',
    '|---|---|---|---|---|',
    ...ingest.map(
      (r) =>
        `| ${r.db} | ${f1(r.docsPerSec)} | ${r.mbPerSec.toFixed(2)} | ${f1(r.baselineDocsPerSec)} | ${(r.docsPerSec / r.baselineDocsPerSec).toFixed(2)} |`,
    ),
    '',
    '### Search latency, one KB, top 10, built-in 512-d embedder',
    '',
    `${queries} queries of 8 words per size. "exact" is the same SQL with index scans disabled (a full scan: the baseline in the same run); recall@10 is the HNSW result's overlap with the exact one.`,
    '',
    '| database | chunks | HNSW p50 ms | HNSW p95 ms | exact p50 ms | exact p95 ms | exact / HNSW (p50) | recall@10 | insert chunks/s |',
    '|---|---|---|---|---|---|---|---|---|',
    ...latency.map(
      (r) =>
        `| ${r.db} | ${r.chunks.toLocaleString('en')} | ${f1(r.hnswP50)} | ${f1(r.hnswP95)} | ${f1(r.exactP50)} | ${f1(r.exactP95)} | ${(r.exactP50 / r.hnswP50).toFixed(1)}× | ${r.recallAt10.toFixed(3)} | ${Math.round(r.insertPerSec)} |`,
    ),
  ];
  await writeSection('foundation', 'Foundation: ingest and vector search', lines.join('\n'));
  log('BENCHMARKS.md updated');
}

runScript(main);
