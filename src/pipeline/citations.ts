// Citations: [n] markers in an answer point at the numbered passages it was given. Markers that
// point at no passage are removed; the citations list holds the passages actually cited.
import type { FusedHit } from '../retrieval/fusion';
import type { Citation } from './pipeline';

const MARKER = /\[(\d{1,3})\]/g;

export interface CheckedAnswer {
  text: string;
  citations: Citation[];
  /** Markers removed because they pointed at no passage. */
  invalid: number[];
}

export function checkCitations(answer: string, passages: FusedHit[]): CheckedAnswer {
  const invalid: number[] = [];
  const cited = new Set<number>();
  const text = answer
    .replace(MARKER, (m, d: string) => {
      const n = Number(d);
      if (n >= 1 && n <= passages.length) {
        cited.add(n);
        return m;
      }
      invalid.push(n);
      return '';
    })
    .replace(/[ \t]+([,.;:!?，。；：！？])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  const citations = [...cited].sort((a, b) => a - b).map((n) => citationOf(n, passages[n - 1]!));
  return { text, citations, invalid };
}

export function citationOf(n: number, hit: FusedHit): Citation {
  return {
    n,
    chunkId: hit.chunkId,
    documentId: hit.documentId,
    title: hit.title,
    page: hit.page,
    headingPath: hit.headingPath,
    quote: quoteOf(hit.text),
  };
}

/** The start of the passage, cut at a sentence end when one is near. */
function quoteOf(text: string, max = 240): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const end = Math.max(cut.lastIndexOf('。'), cut.lastIndexOf('. '), cut.lastIndexOf('！'), cut.lastIndexOf('？'));
  return end > max / 2 ? cut.slice(0, end + 1) : `${cut}…`;
}
