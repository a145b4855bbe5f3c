import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { stemmer } from 'stemmer';
import { ENGLISH_STOPWORDS } from './stopwords';

// EXPERIMENT KNOBS (temporary)
export interface CjkOptions {
  mode: 'cut' | 'search';
  hmm: boolean;
  bigrams: boolean | 'dedupe';
  stopwords?: ReadonlySet<string>;
  englishStopwords?: ReadonlySet<string>;
}
export const DEFAULT_CJK: CjkOptions = { mode: 'search', hmm: true, bigrams: false };

let sharedJieba: Jieba | undefined;
let jiebaConstructions = 0;

function defaultJieba(): Jieba {
  if (!sharedJieba) {
    sharedJieba = Jieba.withDict(dict);
    jiebaConstructions++;
  }
  return sharedJieba;
}

export function jiebaConstructionCount(): number {
  return jiebaConstructions;
}

const HAN_RUN = /\p{Script=Han}+/gu;
const HAN_CHAR = /\p{Script=Han}/u;
const TOKEN =
  /(?:-{1,2}(?=\p{L})|_+(?=[\p{L}\p{N}]))?[\p{L}\p{N}\p{M}]+(?:[._'’-]+[\p{L}\p{N}\p{M}]+)*(?:\+\+|#(?![\p{L}\p{N}]))?/gu;
const INVISIBLE = /[\uFE00-\uFE0F\u200B-\u200D\u2060\u20E3\u{E0020}-\u{E007F}]/gu;
const ALPHA = /^[\p{L}\p{M}]+$/u;
const NUMBER = /^\p{N}+(?:\.\p{N}+)*$/u;
const PIECE_SEPARATOR = /[_'’-]+|\.+(?!\p{N})|(?<!\p{N})\.+/u;
const LETTERS_OR_NUMBER = /[\p{L}\p{M}]+|\p{N}+(?:\.\p{N}+)*/gu;

type Segment = { kind: 'han'; run: number } | { kind: 'whole'; term: string } | { kind: 'other'; text: string };

class CustomWords {
  private readonly root = new Map<string, TrieNode>();
  readonly size: number;
  constructor(words: Iterable<string>) {
    let n = 0;
    for (const raw of words) {
      for (const han of normalise(raw).match(HAN_RUN) ?? []) {
        if ([...han].length < 2) continue;
        let level = this.root;
        let node: TrieNode | undefined;
        for (const ch of han) {
          node = level.get(ch);
          if (!node) level.set(ch, (node = { next: new Map(), end: false }));
          level = node.next;
        }
        if (node && !node.end) {
          node.end = true;
          n++;
        }
      }
    }
    this.size = n;
  }
  /** Splits a Han run into [plain, custom, plain, ...] pieces, leftmost-longest. */
  split(run: string, out: (piece: string, custom: boolean) => void): void {
    let plainStart = 0;
    let i = 0;
    while (i < run.length) {
      let level = this.root;
      let matchEnd = -1;
      let j = i;
      while (j < run.length) {
        const cp = run.codePointAt(j)!;
        const ch = String.fromCodePoint(cp);
        const node = level.get(ch);
        if (!node) break;
        j += ch.length;
        if (node.end) matchEnd = j;
        level = node.next;
      }
      if (matchEnd > 0) {
        if (plainStart < i) out(run.slice(plainStart, i), false);
        out(run.slice(i, matchEnd), true);
        i = plainStart = matchEnd;
      } else {
        i += run.codePointAt(i)! > 0xffff ? 2 : 1;
      }
    }
    if (plainStart < run.length) out(run.slice(plainStart), false);
  }
}
interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}

function normalise(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '');
}

export class Tokenizer {
  private readonly custom: CustomWords | undefined;
  private readonly cjk: CjkOptions;
  private readonly enStop: ReadonlySet<string>;

  constructor(opts: { customWords?: string[] } = {}, cjk: CjkOptions = DEFAULT_CJK) {
    const custom = new CustomWords(opts.customWords ?? []);
    this.custom = custom.size > 0 ? custom : undefined;
    this.cjk = cjk;
    this.enStop = cjk.englishStopwords ?? ENGLISH_STOPWORDS;
  }

  tokenize(text: string): string[] {
    const normal = normalise(text);
    const segments: Segment[] = [];
    const hanRuns: string[] = [];
    let last = 0;
    for (const m of normal.matchAll(HAN_RUN)) {
      if (m.index > last) segments.push({ kind: 'other', text: normal.slice(last, m.index) });
      const push = (piece: string, custom: boolean) => {
        if (custom) segments.push({ kind: 'whole', term: piece });
        else segments.push({ kind: 'han', run: hanRuns.push(piece) - 1 });
      };
      if (this.custom) this.custom.split(m[0], push);
      else push(m[0], false);
      last = m.index + m[0].length;
    }
    if (last < normal.length) segments.push({ kind: 'other', text: normal.slice(last) });

    const hanWords = this.segmentHan(hanRuns);
    const out: string[] = [];
    for (const seg of segments) {
      if (seg.kind === 'whole') out.push(seg.term);
      else if (seg.kind === 'han') this.emitHan(hanRuns[seg.run]!, hanWords[seg.run]!, out);
      else for (const m of seg.text.matchAll(TOKEN)) this.emitToken(m[0], out, false);
    }
    return out;
  }

  private segmentHan(runs: string[]): string[][] {
    if (runs.length === 0) return [];
    const jieba = defaultJieba();
    const joined = runs.join('\n');
    const words =
      this.cjk.mode === 'search' ? jieba.cutForSearch(joined, this.cjk.hmm) : jieba.cut(joined, this.cjk.hmm);
    const perRun: string[][] = [[]];
    for (const w of words) {
      if (w === '\n') perRun.push([]);
      else perRun[perRun.length - 1]!.push(w);
    }
    return perRun;
  }

  private emitHan(run: string, words: string[], out: string[]): void {
    const stop = this.cjk.stopwords;
    for (const w of words) {
      if (!HAN_CHAR.test(w)) continue;
      if (stop?.has(w)) continue;
      out.push(w);
    }
    if (this.cjk.bigrams) {
      const chars = [...run];
      const skip = new Set<number>();
      if (this.cjk.bigrams === 'dedupe') {
        let pos = 0;
        for (const w of words) {
          const n = [...w].length;
          if (n === 2) skip.add(pos);
          pos += n;
        }
      }
      for (let i = 0; i + 1 < chars.length; i++) if (!skip.has(i)) out.push(chars[i]! + chars[i + 1]!);
    }
  }

  private emitToken(raw: string, out: string[], isPart: boolean): void {
    const token = raw.replace(/['’]s$/u, '').replace(/['’]/gu, '');
    if (token.length === 0) return;
    const lower = token.toLowerCase();
    if (isPart && [...lower].length < 2) return;
    if (NUMBER.test(token)) {
      out.push(lower);
      return;
    }
    if (ALPHA.test(token)) {
      if (this.enStop.has(lower)) return;
      out.push(stemmer(lower));
      const camel = splitCamel(token);
      if (camel.length > 1) for (const p of camel) this.emitToken(p, out, true);
      return;
    }
    if (this.enStop.has(lower)) return;
    out.push(lower);
    const core = token.replace(/^[-_.]+/u, '');
    const pieces = core.split(PIECE_SEPARATOR).filter((p) => p.length > 0);
    if (pieces.length > 1) {
      for (const p of pieces) this.emitToken(p, out, true);
      return;
    }
    const runs = core.match(LETTERS_OR_NUMBER) ?? [];
    if (runs.length > 1) for (const p of runs) this.emitToken(p, out, true);
  }
}

/** "camelCaseName" → camel/Case/Name, "HTTPServer" → HTTP/Server; "GPUs" and "LLMs" stay whole. */
function splitCamel(word: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < word.length; i++) {
    const prevLower = isLower(word[i - 1]!);
    const cur = word[i]!;
    if (prevLower && isUpper(cur)) {
      parts.push(word.slice(start, i));
      start = i;
    } else if (isUpper(word[i - 1]!) && isUpper(cur) && i + 1 < word.length && isLower(word[i + 1]!)) {
      // "HTTPServer": the last capital of a run starts the next word — unless it is a plural "s".
      if (word.slice(i + 1) === 's') break;
      parts.push(word.slice(start, i));
      start = i;
    }
  }
  parts.push(word.slice(start));
  return parts;
}

function isLower(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}
function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}
