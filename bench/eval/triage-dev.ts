// Triage on the reject dev sets: recall of the "answer" lines (the target, ≥ 0.95), and how many
// "reject" lines it drops. Most reject lines are real but off-topic questions the evidence gate must
// handle, so only the chit-chat share (SciFact's `chit-chat` category) is triage's own job.
//   npx tsc --outDir /tmp/fennel-triage --rootDir . --module commonjs --target es2022 --strict \
//     --esModuleInterop --skipLibCheck --types node bench/eval/triage-dev.ts &&
//     NODE_PATH=node_modules node /tmp/fennel-triage/bench/eval/triage-dev.js [--threshold 0.35] [--examples 8] [--sweep]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TRIAGE_THRESHOLD, triage } from '../../src/pipeline/triage-classifier';

const { values } = parseArgs({
  options: {
    threshold: { type: 'string' },
    examples: { type: 'string', default: '8' },
    sweep: { type: 'boolean', default: false },
    dir: { type: 'string', default: '../shared/eval/reject' },
  },
});

interface Line {
  id: string;
  text: string;
  label: 'answer' | 'reject';
  category?: string;
}

const SETS = ['huixiangdou_zh', 'scifact_en_offtopic'];
const threshold = values.threshold ? Number(values.threshold) : DEFAULT_TRIAGE_THRESHOLD;
const examples = Number(values.examples);
const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)}% (${n}/${d})` : 'n/a');
const clip = (s: string) => (s.length > 90 ? s.slice(0, 89) + '…' : s).replace(/\n/g, '⏎');

for (const name of SETS) {
  const path = resolve(values.dir!, name, 'questions.jsonl');
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
  const scored = lines.map((l) => ({ ...l, r: triage(l.text, { threshold }) }));
  const answer = scored.filter((l) => l.label === 'answer');
  const reject = scored.filter((l) => l.label === 'reject');
  const chat = reject.filter((l) => l.category === 'chit-chat');
  console.log(`\n== ${name} (threshold ${threshold})`);
  console.log(`answer recall      ${pct(answer.filter((l) => l.r.isQuestion).length, answer.length)}`);
  console.log(`reject rejected    ${pct(reject.filter((l) => !l.r.isQuestion).length, reject.length)}`);
  if (chat.length > 0) {
    const other = reject.filter((l) => l.category !== 'chit-chat');
    console.log(`chit-chat rejected ${pct(chat.filter((l) => !l.r.isQuestion).length, chat.length)}`);
    console.log(
      `off-topic rejected ${pct(other.filter((l) => !l.r.isQuestion).length, other.length)} (the gate's job)`,
    );
  }
  const reasons = new Map<string, number>();
  for (const l of reject) if (!l.r.isQuestion) reasons.set(l.r.reason, (reasons.get(l.r.reason) ?? 0) + 1);
  console.log(`reject reasons     ${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}`);

  const show = (title: string, xs: typeof scored) => {
    if (xs.length === 0 || examples === 0) return;
    console.log(`-- ${title} (${xs.length}):`);
    for (const l of xs.slice(0, examples))
      console.log(`   ${l.r.score.toFixed(2)} ${l.r.reason.padEnd(13)} ${clip(l.text)}`);
  };
  show(
    'answer lines rejected',
    answer.filter((l) => !l.r.isQuestion),
  );
  if (chat.length > 0)
    show(
      'chit-chat lines passed',
      chat.filter((l) => l.r.isQuestion),
    );
  else
    show(
      'reject lines passed (mostly real off-topic questions)',
      reject.filter((l) => l.r.isQuestion),
    );

  if (values.sweep) {
    for (const t of [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]) {
      const rec = answer.filter((l) => l.r.score >= t).length / answer.length;
      const rej = reject.filter((l) => l.r.score < t).length / reject.length;
      const cc =
        chat.length > 0 ? ` chit-chat ${(chat.filter((l) => l.r.score < t).length / chat.length).toFixed(3)}` : '';
      console.log(`   t=${t.toFixed(2)} recall ${rec.toFixed(3)} rejected ${rej.toFixed(3)}${cc}`);
    }
  }
}
