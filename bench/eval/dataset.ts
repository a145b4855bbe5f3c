// Evaluation datasets (../shared/eval layout): corpus.jsonl, queries.jsonl, qrels.tsv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Passage {
  id: string;
  title: string;
  text: string;
}

export interface Dataset {
  corpus: Passage[];
  queries: { id: string; text: string }[];
  /** query id -> relevant passage ids */
  qrels: Map<string, Set<string>>;
}

export const jsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

export function loadDataset(dir: string, queriesDir = dir): Dataset {
  const qrels = new Map<string, Set<string>>();
  for (const line of readFileSync(join(queriesDir, 'qrels.tsv'), 'utf8').split('\n').slice(1)) {
    const [q, c, score] = line.split('\t');
    if (!q || !c || Number(score) <= 0) continue;
    if (!qrels.has(q)) qrels.set(q, new Set());
    qrels.get(q)!.add(c);
  }
  const queries = jsonl<{ id: string; text: string }>(join(queriesDir, 'queries.jsonl')).filter((q) => qrels.has(q.id));
  const corpus = jsonl<{ id: string; title?: string; text: string }>(join(dir, 'corpus.jsonl')).map((p) => ({
    id: String(p.id),
    title: p.title ?? '',
    text: p.text,
  }));
  return { corpus, queries, qrels };
}
