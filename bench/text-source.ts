// Realistic text for benchmarks: random windows over real English (the SciFact corpus from
// ../shared/eval when present) so chunks vary like real documents; a seeded word generator
// otherwise. Deterministic for a given seed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/paths';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TextSource {
  readonly words: string[];
  readonly origin: string;
  private readonly rand: () => number;

  constructor(seed = 42) {
    this.rand = rng(seed);
    const corpus = join(PROJECT_ROOT, '..', 'shared', 'eval', 'retrieval', 'scifact_en', 'corpus.jsonl');
    if (existsSync(corpus)) {
      this.words = readFileSync(corpus, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => (JSON.parse(l) as { text: string }).text.split(/\s+/))
        .filter(Boolean);
      this.origin = 'SciFact corpus windows';
    } else {
      const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'po', 'qui', 'dra'];
      this.words = Array.from({ length: 200_000 }, () =>
        Array.from(
          { length: 1 + Math.floor(this.rand() * 3) },
          () => syllables[Math.floor(this.rand() * syllables.length)],
        ).join(''),
      );
      this.origin = 'synthetic words';
    }
  }

  /** `n` consecutive words from a random offset. */
  window(n: number): string {
    const start = Math.floor(this.rand() * (this.words.length - n));
    return this.words.slice(start, start + n).join(' ');
  }

  markdownDocument(sections: number, wordsPerSection: number): string {
    const parts = [`# ${this.window(5)}`];
    for (let i = 0; i < sections; i++) parts.push(`## ${this.window(4)}`, this.window(wordsPerSection));
    return parts.join('\n\n') + '\n';
  }
}
