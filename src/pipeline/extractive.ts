// The answer without a model: the passages' sentences that best match the question, in their
// reading order, each with its [n]. Nothing is generated, so nothing can be made up.
import type { FusedHit } from '../retrieval/fusion';
import type { Tokenizer } from '../retrieval/tokenizer';

// After Chinese end punctuation, or Latin end punctuation followed by a space, or a line break.
const SENTENCE_BREAK = /\n+|(?<=[。！？；])|(?<=[.!?;])\s+/u;

interface Candidate {
  n: number;
  index: number;
  text: string;
  score: number;
}

export function extractiveAnswer(
  question: string,
  passages: FusedHit[],
  tokenizer: Tokenizer,
  opts: { maxSentences?: number; maxChars?: number } = {},
): string {
  const { maxSentences = 3, maxChars = 700 } = opts;
  const wanted = new Set(tokenizer.tokenize(question));
  const candidates: Candidate[] = [];
  passages.forEach((p, i) => {
    splitSentences(p.text).forEach((text, index) => {
      const terms = new Set(tokenizer.tokenize(text));
      let hits = 0;
      for (const t of wanted) if (terms.has(t)) hits++;
      if (hits === 0) return;
      // Matches per √length favours dense sentences; earlier passages ranked higher for a reason.
      candidates.push({ n: i + 1, index, text, score: hits / Math.sqrt(terms.size + 4) / (1 + i * 0.15) });
    });
  });
  const chosen: Candidate[] = [];
  let chars = 0;
  for (const c of candidates.sort((a, b) => b.score - a.score)) {
    if (chosen.length >= maxSentences || chars + c.text.length > maxChars) continue;
    chosen.push(c);
    chars += c.text.length;
  }
  if (chosen.length === 0 && passages[0]) {
    chosen.push({ n: 1, index: 0, text: splitSentences(passages[0].text)[0] ?? '', score: 0 });
  }
  return chosen
    .sort((a, b) => a.n - b.n || a.index - b.index)
    .map((c) => `${c.text} [${c.n}]`)
    .join('\n');
}

export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_BREAK)
    .map((s) => s.replace(/^[#>*\-\s|]+/, '').trim())
    .filter((s) => s.length >= 4 && !/^[-|:\s]+$/.test(s));
}
