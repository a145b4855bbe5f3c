// Index terms for the lexical (BM25) half of hybrid retrieval. Documents and queries go through
// the same analysis, so every choice here is a choice about what matches what.
//
// Chinese: jieba precise mode WITHOUT the HMM, plus overlapping character bigrams of each Han run.
// Measured with an in-memory BM25 (k1 1.2, b 0.75, title + text), nDCG@10 cmrc2018_zh / xquad_zh:
//   precise+HMM .9819/.9626 · precise .9873/.9632 · search mode+HMM .9809/.9627 · search .9871/.9611
//   precise+bigrams .9885/.9649 (chosen) · search+bigrams .9883/.9642 · precise+HMM+bigrams .9852/.9661
// The HMM guesses unknown words from context, so the same name can segment differently in a query
// and in a document; without it unknown words fall to single characters and the bigrams match them.
// Bigrams also catch partial words: on a 30-query sample of KB-style sub-word queries (数据库 in
// 向量数据库, 权重 in 四比特权重量化, ...) precise mode found 34/38 relevant, search mode 37/38, with
// bigrams 38/38. They cost about 2.2x terms per passage (239 → 583 on cmrc). A 2-character word is
// emitted by jieba and again as a bigram; de-duplicating that lowered xquad_zh to .9604, so it stays.
//
// Per-KB custom words (product names) are matched leftmost-longest in the Han text before jieba
// sees it and emitted whole, without bigrams inside (钉 must not match 钉钉). A jieba instance with
// the words loaded would cost ~320 ms and ~40 MB per distinct word set (measured), and the one
// shared default-dictionary instance must not learn one KB's words, or other KBs' indexed terms
// would stop matching their queries. The price of forcing the match: a custom word inside a longer
// ordinary word (豆包 in 土豆包子) is cut out of it, where jieba might have weighed the context.

import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { stemmer } from 'stemmer';
import { ENGLISH_STOPWORDS } from './stopwords';

/** Bump when the analysis changes: terms indexed under another version no longer match queries. */
export const ANALYZER_VERSION = 1;

let sharedJieba: Jieba | undefined;
let jiebaConstructions = 0;

function defaultJieba(): Jieba {
  if (!sharedJieba) {
    sharedJieba = Jieba.withDict(dict);
    jiebaConstructions++;
  }
  return sharedJieba;
}

/** How many times the default dictionary was loaded in this process (tests: it must stay 1). */
export function jiebaConstructionCount(): number {
  return jiebaConstructions;
}

// A Han run, or a non-Han "word": letters/digits joined by . _ - ' (identifiers, versions,
// file names), with an optional CLI-flag or dunder prefix and a c++/c# suffix.
const W = String.raw`[[\p{L}\p{N}\p{M}]--\p{Script=Han}]`;
const SCAN = new RegExp(
  String.raw`(\p{Script=Han}+)|(?:-{1,2}(?=\p{L})|_+(?=${W}))?${W}+(?:[._'’\-]+${W}+)*(?:\+\+|#(?!${W}))?`,
  'gv',
);
const KEYCAP = /[#*0-9]\uFE0F?\u20E3/gu;
const INVISIBLE = /[\uFE00-\uFE0F\u200C\u2060\uFEFF]|\u200D/gu;
const ALPHA = /^[\p{L}\p{M}]+$/u;
const ASCII_WORD = /^[a-z]+$/;
const NUMBER = /^\p{N}+(?:\.\p{N}+)*$/u;
// A dot between two digits belongs to a number (cuda11.8, lmdeploy-0.5), any other is a separator.
const PIECE_SEPARATOR = /[_'’-]+|\.+(?!\p{N})|(?<!\p{N})\.+/u;
const LETTERS_OR_NUMBER = /[\p{L}\p{M}]+|\p{N}+(?:\.\p{N}+)*/gu;

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(KEYCAP, ' ')
    .replace(INVISIBLE, '')
    .replace(/\u200B/g, ' ');
}

export class Tokenizer {
  private readonly custom: CustomWords | undefined;

  constructor(opts: { customWords?: string[] } = {}) {
    const custom = new CustomWords(opts.customWords ?? []);
    this.custom = custom.size > 0 ? custom : undefined;
  }

  tokenize(text: string): string[] {
    // Pass 1 records the pieces in order; then all Han runs go to jieba in ONE native call (a call
    // per run made jieba 1.7x slower on mixed text), and pass 2 emits terms in text order.
    const pieces: string[] = [];
    const kinds: number[] = [];
    const hanRuns: string[] = [];
    const addHan = (piece: string, custom: boolean) => {
      kinds.push(custom ? CUSTOM : HAN);
      pieces.push(piece);
      if (!custom) hanRuns.push(piece);
    };
    for (const m of normalise(text).matchAll(SCAN)) {
      if (m[1] === undefined) {
        kinds.push(WORD);
        pieces.push(m[0]);
      } else if (this.custom) this.custom.split(m[1], addHan);
      else addHan(m[1], false);
    }
    const hanWords = segmentHan(hanRuns);
    const out: string[] = [];
    let run = 0;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (kinds[i] === WORD) out.push(...analyseWord(piece));
      else if (kinds[i] === CUSTOM) out.push(piece);
      else {
        out.push(...hanWords[run++]!);
        pushBigrams(piece, out);
      }
    }
    return out;
  }
}

const WORD = 0;
const HAN = 1;
const CUSTOM = 2;

function segmentHan(runs: string[]): string[][] {
  if (runs.length === 0) return [];
  const jieba = defaultJieba();
  const perRun: string[][] = [[]];
  // Runs hold only Han characters, so the newline can only come back as its own token.
  for (const w of jieba.cut(runs.join('\n'), false)) {
    if (w === '\n') perRun.push([]);
    else perRun[perRun.length - 1]!.push(w);
  }
  // Should a jieba release ever merge or drop separators, stay correct at the slower pace.
  return perRun.length === runs.length ? perRun : runs.map((r) => jieba.cut(r, false));
}

function pushBigrams(run: string, out: string[]): void {
  let prev = '';
  for (const ch of run) {
    if (prev) out.push(prev + ch);
    prev = ch;
  }
}

// Word analysis depends only on the word, and word frequencies are Zipfian, so a flat cache
// made tokenizing 10 MB of mixed text 1.5-2x faster; cleared when full, which is cheaper than LRU.
const WORD_CACHE_LIMIT = 100_000;
const wordCache = new Map<string, readonly string[]>();

function analyseWord(raw: string): readonly string[] {
  let terms = wordCache.get(raw);
  if (!terms) {
    if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
    const out: string[] = [];
    emitWord(raw, out, false);
    wordCache.set(raw, (terms = out));
  }
  return terms;
}

/**
 * Plain words (any case, camelCase included) are stop-filtered and Porter-stemmed, so `iPhone` and
 * a typed `iphone` meet. Anything with digits or joiners is an identifier: emitted whole, lowercase
 * and unstemmed, then its parts are analysed like words so prose queries reach them (`available`
 * finds `torch.cuda.is_available`); the exact identifier matches one more, rarer term.
 */
function emitWord(raw: string, out: string[], isPart: boolean): void {
  const token = raw.replace(/['’]s$/u, '').replace(/['’]/gu, '');
  const lower = token.toLowerCase();
  // One-letter parts (the v of v1.2.3, the x of x86_64) only add noise.
  if (lower.length === 0 || (isPart && [...lower].length < 2) || ENGLISH_STOPWORDS.has(lower)) return;
  if (NUMBER.test(token)) {
    out.push(lower);
  } else if (ALPHA.test(token)) {
    const word = ASCII_WORD.test(lower) ? lower : foldLatin(lower);
    out.push(ASCII_WORD.test(word) ? stemmer(word) : word);
    const camel = splitCamel(token);
    if (camel.length > 1) for (const p of camel) emitWord(p, out, true);
  } else {
    out.push(lower);
    const core = token.replace(/^[-_.]+/u, '');
    const parts = core.split(PIECE_SEPARATOR).filter((p) => p.length > 0);
    const split = parts.length > 1 ? parts : (core.match(LETTERS_OR_NUMBER) ?? []);
    if (split.length > 1) for (const p of split) emitWord(p, out, true);
  }
}

/** café → cafe, naïve → naive, so accented and plain spellings meet; other scripts stay as they are. */
function foldLatin(word: string): string {
  const folded = word.normalize('NFD').replace(/\p{M}/gu, '');
  return ASCII_WORD.test(folded) ? folded : word;
}

/** camelCaseName → camel/Case/Name, HTTPServer → HTTP/Server; GPUs and LLMs are plurals, not splits. */
function splitCamel(word: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < word.length; i++) {
    const prev = word[i - 1]!;
    const cur = word[i]!;
    const next = word[i + 1];
    const lowerToUpper = isLower(prev) && isUpper(cur);
    const acronymEnd = isUpper(prev) && isUpper(cur) && next !== undefined && isLower(next) && word.length > i + 2;
    if (lowerToUpper || acronymEnd) {
      parts.push(word.slice(start, i));
      start = i;
    }
  }
  parts.push(word.slice(start));
  return parts;
}

function isLower(ch: string): boolean {
  return ch !== ch.toUpperCase();
}

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase();
}

/** A per-KB word list matched in Han text, leftmost-longest, so each word is emitted whole. */
class CustomWords {
  private readonly root: TrieNode = { next: new Map(), end: false };
  readonly size: number = 0;

  constructor(words: Iterable<string>) {
    for (const word of words) {
      // Only the Han parts matter: non-Han text is never segmented by jieba, and identifier rules
      // already keep a name like InternLM2 whole. One character is already a term of its own.
      for (const han of normalise(word).match(/\p{Script=Han}{2,}/gu) ?? []) {
        let node = this.root;
        for (const ch of han) {
          let child = node.next.get(ch);
          if (!child) node.next.set(ch, (child = { next: new Map(), end: false }));
          node = child;
        }
        if (!node.end) {
          node.end = true;
          this.size++;
        }
      }
    }
  }

  /** Calls `emit` with the run's pieces in order: plain text (custom=false) and matched words. */
  split(run: string, emit: (piece: string, custom: boolean) => void): void {
    let plainStart = 0;
    let i = 0;
    while (i < run.length) {
      let node: TrieNode | undefined = this.root;
      let matchEnd = -1;
      for (let j = i; j < run.length && node;) {
        const ch = charAt(run, j);
        node = node.next.get(ch);
        j += ch.length;
        if (node?.end) matchEnd = j;
      }
      if (matchEnd < 0) {
        i += charAt(run, i).length;
        continue;
      }
      if (plainStart < i) emit(run.slice(plainStart, i), false);
      emit(run.slice(i, matchEnd), true);
      i = plainStart = matchEnd;
    }
    if (plainStart < run.length) emit(run.slice(plainStart), false);
  }
}

/** The code point at UTF-16 index i as a string (Han extension B and later are surrogate pairs). */
function charAt(s: string, i: number): string {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff ? s.slice(i, i + 2) : s[i]!;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}
