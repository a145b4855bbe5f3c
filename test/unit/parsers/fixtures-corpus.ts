// The shared corpus of real documents (../shared/corpus next to the repository) and the word
// recall used against the reference conversions in expected_outputs/, for every parser's tests.
import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import { expect } from 'vitest';
import { ParseError, type Block } from '../../../workers/parsers/parsed-document';

const REPO_ROOT = path.resolve(__dirname, '../../..');
/** scripts/test.sh finds the shared folder for clones made elsewhere (FENNEL_SHARED_DIR). */
export const CORPUS = path.resolve(process.env.FENNEL_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared'), 'corpus');

export const corpusPath = (rel: string) => path.join(CORPUS, rel);
export const corpusBytes = (rel: string) => fs.readFileSync(corpusPath(rel));
export const corpusFiles = (dir: string) => fs.readdirSync(corpusPath(dir)).sort();

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/**
 * Lowercase letter/digit words and single CJK characters (Hangul too: Korean word spacing in
 * PDFs is unreliable), with Markdown and HTML markup and link targets removed.
 */
export function tokens(text: string): string[] {
  const plain = text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/\]\([^)\s]*(?:\s+"[^"]*")?\)/g, ']')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, ' ')
    .toLowerCase()
    .replace(CJK, ' $& ');
  return plain.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Share of the expected text's tokens found in the actual text, counting repeats. */
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

export const expectedOutput = (name: string) =>
  fs.readFileSync(corpusPath(path.join('expected_outputs', name)), 'utf8');

/** Recall of a parse's Markdown against a reference conversion in expected_outputs/. */
export function recallAgainst(expectedFile: string, blocks: Block[]): number {
  return wordRecall(expectedOutput(expectedFile), renderMarkdown(blocks));
}

/** Awaits a parse that must fail, asserts it failed with a ParseError, and returns it. */
export async function expectParseError(parse: Promise<unknown>): Promise<ParseError> {
  const err = await parse.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParseError);
  return err as ParseError;
}
