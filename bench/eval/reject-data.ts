// Data for `npm run eval:reject`: a knowledge base given as a folder of documents or as a
// corpus.jsonl of passages, and labelled questions ("answer" or "reject").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { EXTENSIONS, extensionOf, MIME_TYPES } from '../../workers/parsers/detect-format';
import { jsonl } from './dataset';
import type { CorpusItem } from './ingest-corpus';

export interface LabelledQuestion {
  id: string;
  text: string;
  label: 'answer' | 'reject';
}

export function loadQuestions(path: string): LabelledQuestion[] {
  const qs = jsonl<LabelledQuestion>(path);
  for (const q of qs) {
    if (q.label !== 'answer' && q.label !== 'reject') throw new Error(`${path}: ${q.id} has label "${q.label}"`);
  }
  return qs;
}

/** A folder: every file of a supported format, recursively; a .jsonl file: one passage per line. */
export function loadKnowledgeBase(path: string): CorpusItem[] {
  if (statSync(path).isFile()) {
    return jsonl<{ id: string | number; title?: string; text: string }>(path).map((p) => ({
      ref: String(p.id),
      filename: `${p.id}.md`,
      title: p.title || String(p.id),
      mime: 'text/markdown',
      bytes: Buffer.from(`# ${p.title || p.id}\n\n${p.text}\n`),
    }));
  }
  const items: CorpusItem[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const format = EXTENSIONS[extensionOf(name)];
        if (!format) continue;
        items.push({
          ref: relative(path, full),
          filename: name,
          title: basename(name),
          mime: MIME_TYPES[format],
          bytes: readFileSync(full),
        });
      }
    }
  };
  walk(path);
  return items;
}
