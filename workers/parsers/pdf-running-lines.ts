// Running headers, footers and page numbers: text that sits in the top or bottom margin band
// and repeats across pages (digits ignored, so "Page 3" matches "Page 4") is page furniture,
// not content, and would otherwise be glued into every page's paragraphs.
import type { Segment } from './pdf-segments';

export interface PageSegments {
  segments: Segment[];
  height: number;
}

/** Share of the page height, from each edge, searched for headers and footers. */
const EDGE_BAND = 0.15;
/** At most this many visual rows from each edge count as header or footer candidates. */
const EDGE_ROWS = 3;

const PAGE_NUMBER = [
  /^\d{1,4}$/,
  /^[-–—]\s*\d{1,4}\s*[-–—]$/,
  /^(page|p\.|pg\.?)\s*\d{1,4}(\s*(of|\/)\s*\d{1,4})?$/i,
  /^\d{1,4}\s*(\/|of)\s*\d{1,4}$/i,
  /^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$/,
  /^(?=[ivxlc])c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/i,
];

export function isPageNumber(text: string): boolean {
  const t = text.trim();
  return PAGE_NUMBER.some((re) => re.test(t));
}

interface EdgeRow {
  row: number;
  key: string;
  text: string;
}

function edgeRows(page: PageSegments): EdgeRow[] {
  const rows = new Map<number, Segment[]>();
  for (const s of page.segments) rows.set(s.row, [...(rows.get(s.row) ?? []), s]);
  const ordered = [...rows.entries()]
    .map(([row, segs]) => ({
      row,
      top: Math.min(...segs.map((s) => s.top)),
      bottom: Math.max(...segs.map((s) => s.bottom)),
      text: segs
        .sort((a, b) => a.x0 - b.x0)
        .map((s) => s.text)
        .join(' '),
    }))
    .sort((a, b) => a.top - b.top);
  const band = page.height * EDGE_BAND;
  const head = ordered.slice(0, EDGE_ROWS).filter((r) => r.bottom <= band);
  const foot = ordered.slice(-EDGE_ROWS).filter((r) => r.top >= page.height - band);
  return [...head, ...foot].map((r) => ({
    row: r.row,
    text: r.text,
    key: r.text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim(),
  }));
}

/** Returns each page's segments without its running header, footer and page number. */
export function removeRunningLines(pages: PageSegments[]): Segment[][] {
  const edges = pages.map(edgeRows);
  const pagesByKey = new Map<string, number[]>();
  edges.forEach((rows, pageIndex) => {
    for (const key of new Set(rows.map((r) => r.key))) pagesByKey.set(key, [...(pagesByKey.get(key) ?? []), pageIndex]);
  });
  const repeated = (key: string): boolean => {
    const on = pagesByKey.get(key) ?? [];
    if (on.length < 2) return false;
    if (on.length >= 0.4 * pages.length) return true;
    // Book chapters repeat their own title only over the chapter's pages.
    const span = on[on.length - 1]! - on[0]! + 1;
    return on.length >= 3 && on.length >= 0.5 * span;
  };
  return pages.map((page, i) => {
    const drop = new Set(edges[i]!.filter((r) => isPageNumber(r.text) || repeated(r.key)).map((r) => r.row));
    return drop.size ? page.segments.filter((s) => !drop.has(s.row)) : page.segments;
  });
}
