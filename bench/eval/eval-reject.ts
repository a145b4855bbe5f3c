// `npm run eval:reject -- --kb <dir or corpus.jsonl> --questions <file> [--tune <file>]
//   [--limit N] [--print-model] [--no-report]`
// Ingests the KB into a fresh knowledge base on native Postgres, tunes the gate on --tune (or,
// without it, 5-fold cross-validation on --questions: tune on four folds, score the fifth), runs
// every scored question through the real answer pipeline in built-in mode, and prints precision,
// recall and F1 of the "answer" class, the threshold, the confusion matrix, model calls per
// question and latency — beside the untuned default gate in the same run.
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedders } from '../../src/inference/embedders';
import { KbsRepository } from '../../src/knowledge/kbs.repository';
import { KbsService } from '../../src/knowledge/kbs.service';
import { AnswersRepository } from '../../src/pipeline/answers.repository';
import { AskService } from '../../src/pipeline/ask.service';
import { DEFAULT_GATE, fitWeights, type GateModel } from '../../src/pipeline/gate-model';
import { tuneGate, type TuneExample } from '../../src/pipeline/tune';
import { BuiltinReranker } from '../../src/retrieval/builtin-reranker';
import { SearchRepository } from '../../src/retrieval/search.repository';
import { SearchService } from '../../src/retrieval/search.service';
import { nativeDb } from '../bench-db';
import { writeSection } from '../report';
import { ingestCorpus } from './ingest-corpus';
import { percentile } from './metrics';
import { loadKnowledgeBase, loadQuestions, type LabelledQuestion } from './reject-data';
import { log, runScript } from '../script';

const { values } = parseArgs({
  options: {
    kb: { type: 'string' },
    questions: { type: 'string' },
    tune: { type: 'string' },
    limit: { type: 'string' },
    folds: { type: 'string', default: '5' },
    'print-model': { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
  },
});

interface Outcome {
  q: LabelledQuestion;
  answered: boolean;
  modelCalls: number;
  ms: number;
}

/** Deterministic shuffle (mulberry32), so folds are the same on every run. */
function shuffled<T>(xs: T[], seed = 42): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function summarise(label: string, outcomes: Outcome[], thresholds: number[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const o of outcomes) {
    const good = o.q.label === 'answer';
    if (o.answered && good) tp++;
    else if (o.answered) fp++;
    else if (good) fn++;
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  const ms = outcomes.map((o) => o.ms);
  const calls = outcomes.reduce((a, o) => a + o.modelCalls, 0) / outcomes.length;
  return {
    label,
    precision,
    recall,
    f1,
    threshold: thresholds.length ? thresholds.reduce((a, b) => a + b, 0) / thresholds.length : NaN,
    tp,
    fp,
    fn,
    tn,
    calls,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
  };
}

async function main() {
  if (!values.kb || !values.questions) {
    throw new Error('usage: npm run eval:reject -- --kb <dir or corpus.jsonl> --questions <file> [--tune <file>]');
  }
  let questions = loadQuestions(resolve(values.questions));
  if (values.limit) questions = shuffled(questions).slice(0, Number(values.limit));
  const tuneSet = values.tune ? loadQuestions(resolve(values.tune)) : undefined;
  const name = basename(resolve(values.questions, '..'));
  const items = loadKnowledgeBase(resolve(values.kb));
  log(`${name}: ${items.length} KB documents, ${questions.length} questions`);

  const b = await nativeDb();
  try {
    const kbs = new KbsService(new KbsRepository(b.db));
    const kb = await kbs.create({ slug: 'eval', name });
    const t0 = performance.now();
    const { failed } = await ingestCorpus(b.db, kb.id, items, new Embedders());
    log(`ingested in ${((performance.now() - t0) / 1000).toFixed(1)} s (${failed} documents failed)`);
    await b.db.query('ANALYZE');
    const searchRepo = new SearchRepository(b.db);
    const ask = new AskService(
      kbs,
      new SearchService(kbs, searchRepo, new Embedders(), new BuiltinReranker()),
      searchRepo,
      new AnswersRepository(b.db),
      null,
    );

    const assess = async (qs: LabelledQuestion[]): Promise<Map<string, TuneExample>> => {
      const out = new Map<string, TuneExample>();
      for (const q of qs) {
        const s = await ask.assess(kb, q.text);
        if (s.features) out.set(q.id, { terms: s.terms ?? [], features: s.features, good: q.label === 'answer' });
      }
      return out;
    };
    const run = async (qs: LabelledQuestion[], gate: GateModel): Promise<Outcome[]> => {
      const out: Outcome[] = [];
      for (const q of qs) {
        const t = performance.now();
        const r = await ask.ask(kb.id, { question: q.text, channel: 'eval' }, { store: false, gate });
        out.push({ q, answered: r.decision === 'answer', modelCalls: r.modelCalls, ms: performance.now() - t });
      }
      return out;
    };

    log('assessing questions (features for tuning)');
    const features = await assess(tuneSet ? [...tuneSet, ...questions] : questions);
    const examplesOf = (qs: LabelledQuestion[]) => qs.flatMap((q) => features.get(q.id) ?? []);

    const rows: ReturnType<typeof summarise>[] = [];
    log('default gate (untuned)');
    rows.push(summarise('default gate, untuned', await run(questions, DEFAULT_GATE), [DEFAULT_GATE.threshold]));

    const thresholds: number[] = [];
    const outcomes: Outcome[] = [];
    if (tuneSet) {
      const { model } = tuneGate(examplesOf(tuneSet));
      thresholds.push(model.threshold);
      outcomes.push(...(await run(questions, model)));
    } else {
      const k = Number(values.folds);
      const order = shuffled(questions);
      for (let f = 0; f < k; f++) {
        const test = order.filter((_, i) => i % k === f);
        const train = order.filter((_, i) => i % k !== f);
        const { model } = tuneGate(examplesOf(train));
        thresholds.push(model.threshold);
        outcomes.push(...(await run(test, model)));
        log(`  fold ${f + 1}/${k}: threshold ${model.threshold.toFixed(3)}`);
      }
    }
    rows.push(
      summarise(
        tuneSet ? `tuned on ${basename(values.tune!)}` : `tuned, ${values.folds}-fold CV`,
        outcomes,
        thresholds,
      ),
    );

    const table = [
      '| gate | precision | recall | F1 | threshold | TP | FP | FN | TN | model calls/q | p50 ms | p95 ms |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.label} | ${r.precision.toFixed(4)} | ${r.recall.toFixed(4)} | **${r.f1.toFixed(4)}** | ${r.threshold.toFixed(3)} | ${r.tp} | ${r.fp} | ${r.fn} | ${r.tn} | ${r.calls.toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`,
      ),
    ].join('\n');
    process.stdout.write(`\n${name}\n${table}\n`);

    if (values['print-model']) {
      const all = [...features.values()].map((e) => ({ ...e, features: { ...e.features, examples: 0 } }));
      process.stdout.write(`\nweights fitted on all ${all.length} questions, no example feature:\n`);
      process.stdout.write(JSON.stringify(fitWeights(all), null, 2) + '\n');
    }
    if (!values['no-report']) {
      const cmd = `npm run eval:reject -- ${process.argv.slice(2).join(' ')}`;
      await writeSection(
        `reject-${name}`,
        `Answer or stay silent: ${name}`,
        `Command: \`${cmd}\` · ${new Date().toISOString().slice(0, 10)} · ${items.length} KB documents, ${questions.length} questions, built-in mode (no model), native Postgres. F1 of the "answer" class; the threshold column is the mean over folds.\n\n${table}`,
      );
    }
  } finally {
    await b.close();
  }
}

runScript(main);
