// `npm run eval:retrieval -- <dataset-dir> [--modes lexical,vector,hybrid,reranked] [--queries-from <dir>]
//   [--limit N] [--embed-model <id> [--embed-dimension N]] [--no-report]`
// Ingests corpus.jsonl into a fresh KB on a fresh native Postgres database through Fennel's
// ingest handler, runs queries.jsonl through the search service in each mode, and prints nDCG@10,
// Recall@10/100, MRR@10 and latency beside a MiniSearch baseline computed in the same run.
// --embed-model evaluates a model on the embedding server of FENNEL_EMBED_BASE_URL (or
// FENNEL_LLM_BASE_URL) instead of the built-in embedder.
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, loadDotEnv } from '../../src/config/config';
import { Embedders } from '../../src/inference/embedders';
import { KbsRepository } from '../../src/knowledge/kbs.repository';
import { KbsService } from '../../src/knowledge/kbs.service';
import { SearchRepository } from '../../src/retrieval/search.repository';
import { SearchService, type SearchMode } from '../../src/retrieval/search.service';
import { BuiltinReranker } from '../../src/retrieval/builtin-reranker';
import { nativeDb } from '../bench-db';
import { ReembedRepository } from '../../workers/reembed/reembed.repository';
import { writeSection } from '../report';
import { loadDataset } from './dataset';
import { ingestCorpus } from './ingest-corpus';
import { mean, percentile, scoreRanking, type Metrics } from './metrics';
import { miniSearchBaseline } from './minisearch-baseline';
import { log, runScript } from '../script';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    modes: { type: 'string', default: 'lexical,vector,hybrid' },
    'queries-from': { type: 'string' },
    limit: { type: 'string' },
    /** KB settings JSON, e.g. '{"retrieval":{"fusion":{"weights":{"vector":0.5}}}}' */
    settings: { type: 'string' },
    'embed-model': { type: 'string' },
    'embed-dimension': { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    /** Keep the database afterwards (its URL is printed) to inspect plans. */
    keep: { type: 'boolean', default: false },
  },
});

const fmt = (x: number) => x.toFixed(4);

async function main() {
  const dir = positionals[0];
  if (!dir) throw new Error('usage: npm run eval:retrieval -- <dataset-dir> [--modes lexical,vector,hybrid]');
  const data = loadDataset(resolve(dir), values['queries-from'] ? resolve(values['queries-from']) : undefined);
  const queries = values.limit ? data.queries.slice(0, Number(values.limit)) : data.queries;
  const name =
    basename(resolve(dir)) +
    (values['queries-from'] ? ` ← queries of ${basename(resolve(values['queries-from']))}` : '') +
    (values['embed-model'] ? `, ${values['embed-model']}` : '');
  log(`${name}: ${data.corpus.length} passages, ${queries.length} queries`);

  loadDotEnv();
  const embedders = new Embedders(loadConfig().embed);
  const b = await nativeDb();
  try {
    const kbs = new KbsService(new KbsRepository(b.db));
    const kb = await kbs.create({
      slug: 'eval',
      name,
      settings: values.settings ? JSON.parse(values.settings) : undefined,
    });
    if (values['embed-model']) {
      // The KB is empty, so it can start on the model directly (the API goes through a re-embed job).
      const embedder = await embedders.resolve({
        model: values['embed-model'],
        dimension: values['embed-dimension'] ? Number(values['embed-dimension']) : undefined,
      });
      await new ReembedRepository(b.db).ensureIndex(embedder.id, embedder.dimension);
      await b.db.query('UPDATE knowledge_bases SET embedder = $2 WHERE id = $1', [kb.id, embedder.id]);
      log(`embedder ${embedder.id}`);
    }
    const t0 = performance.now();
    const { refOf: passageOf } = await ingestCorpus(
      b.db,
      kb.id,
      data.corpus.map((p) => ({
        ref: p.id,
        filename: `${p.id}.md`,
        title: p.title || p.id,
        mime: 'text/markdown',
        bytes: Buffer.from(`# ${p.title || p.id}\n\n${p.text}\n`),
      })),
      embedders,
    );
    log(`ingested in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await b.db.query('ANALYZE');

    const repo = new SearchRepository(b.db);
    const search = new SearchService(kbs, repo, embedders, new BuiltinReranker());
    const rows: { label: string; m: Metrics; p50: number; p95: number }[] = [];
    const run = async (label: string, rank: (q: string) => Promise<string[]>) => {
      const all: Metrics[] = [];
      const times: number[] = [];
      for (const q of queries) {
        const t = performance.now();
        const ranked = await rank(q.text);
        times.push(performance.now() - t);
        all.push(scoreRanking(ranked, data.qrels.get(q.id)!));
      }
      const row = { label, m: mean(all), p50: percentile(times, 50), p95: percentile(times, 95) };
      rows.push(row);
      log(
        `  ${label.padEnd(22)} nDCG@10 ${fmt(row.m.ndcg10)}  R@10 ${fmt(row.m.recall10)}  R@100 ${fmt(row.m.recall100)}  MRR@10 ${fmt(row.m.mrr10)}  p50 ${row.p50.toFixed(1)} ms  p95 ${row.p95.toFixed(1)} ms`,
      );
    };

    const baseline = miniSearchBaseline(data.corpus);
    await run('MiniSearch baseline', async (q) => baseline(q, 100));
    for (const mode of values.modes.split(',')) {
      // `lexical`, `vector`, `hybrid`: one signal or the fusion, not reranked. `reranked`: what
      // the search API and the answer pipeline do by default — hybrid, then the reranker.
      const reranked = mode === 'reranked';
      await run(`Fennel ${mode}`, async (q) => {
        const { hits } = await search.search(kb.id, {
          query: q,
          topK: 100,
          mode: reranked ? 'hybrid' : (mode as SearchMode),
          rerank: reranked,
        });
        const seen: string[] = [];
        for (const h of hits) {
          const pid = passageOf.get(h.documentId);
          if (pid && !seen.includes(pid)) seen.push(pid);
        }
        return seen;
      });
    }

    const table = [
      '| system | nDCG@10 | Recall@10 | Recall@100 | MRR@10 | p50 ms | p95 ms |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.label} | ${fmt(r.m.ndcg10)} | ${fmt(r.m.recall10)} | ${fmt(r.m.recall100)} | ${fmt(r.m.mrr10)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`,
      ),
    ].join('\n');
    process.stdout.write(`\n${name}\n${table}\n`);
    if (!values['no-report']) {
      const cmd = `npm run eval:retrieval -- ${process.argv.slice(2).join(' ')}`;
      await writeSection(
        `retrieval-${name.replace(/\W+/g, '-')}`,
        `Retrieval: ${name}`,
        `Command: \`${cmd}\` · ${new Date().toISOString().slice(0, 10)} · ${data.corpus.length} passages, ${queries.length} queries, ${values['embed-model'] ? `embedding model ${values['embed-model']}` : 'built-in mode (no model)'}, native Postgres.\n\n${table}`,
      );
    }
  } finally {
    if (values.keep) log(`kept database: ${b.url}`);
    else await b.close();
  }
}

runScript(main);
