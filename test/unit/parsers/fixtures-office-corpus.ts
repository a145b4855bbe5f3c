// The shared corpus of real Office files (../shared/corpus next to the repository) and the
// word-recall measure used against the reference conversions in expected_outputs/.
import fs from 'node:fs';
import path from 'node:path';
import type { Block } from '../../../workers/parsers/parsed-document';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';

// This file is test/unit/parsers/: the repository root is three levels up.
const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');

export const corpusBytes = (rel: string) => fs.readFileSync(path.join(CORPUS, rel));
export const corpusFiles = (dir: string) => fs.readdirSync(path.join(CORPUS, dir)).sort();

/** Lowercase alphanumeric words and single CJK characters; HTML comments (<!-- image -->) are markup. */
export function tokens(markdown: string): string[] {
  return (
    markdown
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .toLowerCase()
      .match(/\p{Script=Han}|[a-z0-9]+/gu) ?? []
  );
}

/** Share of the expected output's tokens found in the actual output, counting repeats. */
export function wordRecall(expected: string, actual: string): number {
  const bag = new Map<string, number>();
  for (const t of tokens(actual)) bag.set(t, (bag.get(t) ?? 0) + 1);
  const wanted = tokens(expected);
  let found = 0;
  for (const t of wanted) {
    const left = bag.get(t) ?? 0;
    if (left > 0) {
      found++;
      bag.set(t, left - 1);
    }
  }
  return wanted.length ? found / wanted.length : 1;
}

export function recallAgainst(expectedFile: string, blocks: Block[]): number {
  return wordRecall(
    fs.readFileSync(path.join(CORPUS, 'expected_outputs', expectedFile), 'utf8'),
    renderMarkdown(blocks),
  );
}
