// The no-model embedder: signed feature hashing of word unigrams, Latin character trigrams
// and CJK character uni/bigrams into a fixed-size vector. Needs no weights and no network,
// works for Chinese and English alike, and is deterministic across processes.
import type { Embedder } from './embedder';

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
const TOKEN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+|[\p{L}\p{N}_]+/gu;

// English function words carry no topic; hashing them only adds noise.
const STOP = new Set(
  'a an and are as at be but by for from has have in into is it its of on or that the their there these this to was were will with what which who how why when where do does did can could should would i you we they he she'.split(
    ' ',
  ),
);

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** feature -> [weight, occurrences] */
export function hashedFeatures(text: string): Map<string, [number, number]> {
  const features = new Map<string, [number, number]>();
  const add = (f: string, w: number) => {
    const cur = features.get(f);
    if (cur) cur[1]++;
    else features.set(f, [w, 1]);
  };
  for (const tok of text.normalize('NFKC').toLowerCase().match(TOKEN) ?? []) {
    if (CJK.test(tok[0]!)) {
      const chars = [...tok];
      for (let i = 0; i < chars.length; i++) {
        add(`u:${chars[i]}`, 0.5);
        if (i + 1 < chars.length) add(`b:${chars[i]}${chars[i + 1]}`, 1);
      }
    } else {
      if (STOP.has(tok)) continue;
      add(`w:${tok}`, 1);
      if (tok.length > 3) {
        const padded = `^${tok}$`;
        for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.25);
      }
    }
  }
  return features;
}

export class BuiltinEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dimension = 512) {
    this.id = `builtin-hash-${dimension}`;
  }

  embedOne(text: string): number[] {
    const v = new Array<number>(this.dimension).fill(0);
    for (const [feature, [weight, count]] of hashedFeatures(text)) {
      const h = fnv1a(feature);
      const sign = h & 0x80000000 ? -1 : 1;
      // Sublinear term frequency: repeating a word ten times is not ten times the evidence.
      v[h % this.dimension]! += sign * weight * (1 + Math.log(count));
    }
    let sq = 0;
    for (const x of v) sq += x * x;
    const norm = Math.sqrt(sq);
    return norm > 0 ? v.map((x) => x / norm) : v;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }
}
