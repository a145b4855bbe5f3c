// Reading order across columns. A gutter is an x position that many visual rows have text on
// both sides of and none across; text crossing it (titles, full-width figures) or a tall blank
// across both columns splits the page into zones, and each zone is read left column first, then
// right.
import { overlapRatio, type Segment } from './pdf-segments';

/** Rows that must straddle a gutter before it counts as one. */
const MIN_PAIRED_ROWS = 4;
/** Prose lines are long; table cells and key/value pairs are short. */
const MIN_MEDIAN_CHARS = 12;
/**
 * White space this many font sizes tall across both columns ends a zone. Within a flow of
 * columns it stays under 3.5 on the corpus (3.4 above a footnote of docling_normal_4pages); the
 * Korean card page leaves 10.6 between its two cards and the band of terms under them.
 */
const ZONE_GAP_EM = 6;

interface Gutter {
  x: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** For each segment, the segments beside it: overlapping it vertically. */
function neighbours(segs: Segment[]): Map<Segment, Segment[]> {
  const sorted = [...segs].sort((a, b) => a.top - b.top);
  const out = new Map<Segment, Segment[]>(segs.map((s) => [s, []]));
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.top < a.bottom; j++) {
      const b = sorted[j]!;
      if (overlapRatio(a, b) >= 0.3) {
        out.get(a)!.push(b);
        out.get(b)!.push(a);
      }
    }
  }
  return out;
}

/** Segments left of x with text right of x beside them and nothing across x, each with its nearest right partner. */
function pairsAt(segs: Segment[], beside: Map<Segment, Segment[]>, x: number): Array<[Segment, Segment]> {
  const pairs: Array<[Segment, Segment]> = [];
  for (const s of segs) {
    if (s.x1 > x) continue;
    let right: Segment | undefined;
    let crossed = false;
    for (const n of beside.get(s)!) {
      if (n.x0 < x && n.x1 > x) {
        crossed = true;
        break;
      }
      if (n.x0 >= x && (!right || n.x0 < right.x0)) right = n;
    }
    if (right && !crossed) pairs.push([s, right]);
  }
  return pairs;
}

function findGutter(segs: Segment[]): Gutter | null {
  if (segs.length < 2 * MIN_PAIRED_ROWS) return null;
  const minX = Math.min(...segs.map((s) => s.x0));
  const maxX = Math.max(...segs.map((s) => s.x1));
  const width = maxX - minX;
  const beside = neighbours(segs);
  let bestScore = 0;
  let bestXs: number[] = [];
  for (let x = minX + 0.2 * width; x <= maxX - 0.2 * width; x += 2) {
    const score = pairsAt(segs, beside, x).length;
    if (score > bestScore) {
      bestScore = score;
      bestXs = [x];
    } else if (score === bestScore && score > 0) {
      bestXs.push(x);
    }
  }
  if (bestScore < MIN_PAIRED_ROWS) return null;
  // The middle of the widest run of best positions is the middle of the gutter.
  let runStart = 0;
  let best: [number, number] = [0, 0];
  for (let i = 1; i <= bestXs.length; i++) {
    if (i === bestXs.length || bestXs[i]! - bestXs[i - 1]! > 2.5) {
      if (i - runStart > best[1] - best[0]) best = [runStart, i];
      runStart = i;
    }
  }
  const x = (bestXs[best[0]]! + bestXs[best[1] - 1]!) / 2;
  const pairs = pairsAt(segs, beside, x);
  const left = pairs.map((p) => p[0]);
  const right = [...new Set(pairs.map((p) => p[1]))];
  if (median(left.map((s) => s.chars)) < MIN_MEDIAN_CHARS || median(right.map((s) => s.chars)) < MIN_MEDIAN_CHARS) {
    return null;
  }
  // Columns of prose: the left column's lines run up to the gutter, the right column's start
  // at one margin. Table columns are ragged on one of those edges; so is ragged-right prose,
  // whose column edge only a ruled table in it may show.
  const size = median(segs.map((s) => s.size));
  const leftEdge = Math.max(...left.map((s) => s.x1));
  const rightEdge = Math.min(...right.map((s) => s.x0));
  const filled = left.filter((s) => s.x1 >= leftEdge - 3 * size).length / left.length;
  const aligned = right.filter((s) => s.x0 <= rightEdge + 1.5 * size).length / right.length;
  return (filled >= 0.5 && aligned >= 0.6) || drawnToGutter(left, right, leftEdge, rightEdge, size) ? { x } : null;
}

/**
 * Whether a ruled table beside the gutter runs up to it: its rules end where its side's text
 * does, so they draw that column's edge, and no cell of a table holds a ruled table of its own.
 * Such a table proves a page column where line ends cannot: ragged-right text under headings
 * stops short of the gutter. The corpus's Korean card page has two columns, each with a
 * booktabs table ruled to the gutter, but only 6 of the 18 segments left of it (the table one
 * of them) end within 3 em of it: most others are headings, one-line notes and the last lines
 * of paragraphs.
 */
function drawnToGutter(left: Segment[], right: Segment[], leftEdge: number, rightEdge: number, size: number): boolean {
  return left.some((s) => s.table && s.x1 >= leftEdge - size) || right.some((s) => s.table && s.x0 <= rightEdge + size);
}

/** Splits the segments of a page (or region) into flows, each read top to bottom. */
export function orderFlows(segs: Segment[], depth = 0): Segment[][] {
  const gutter = depth < 3 ? findGutter(segs) : null;
  if (!gutter) return segs.length ? [segs] : [];
  const { x } = gutter;
  const flows: Segment[][] = [];
  let left: Segment[] = [];
  let right: Segment[] = [];
  let spanning: Segment[] = [];
  const flushZone = () => {
    flows.push(...orderFlows(left, depth + 1), ...orderFlows(right, depth + 1));
    left = [];
    right = [];
  };
  const size = median(segs.map((s) => s.size));
  let bottom = -Infinity;
  for (const s of [...segs].sort((a, b) => a.top - b.top || a.x0 - b.x0)) {
    // Both columns pausing at once part the page as a line across the gutter does: the text
    // above is read, column by column, before the text below.
    if (s.top - bottom > ZONE_GAP_EM * size && (left.length || right.length)) flushZone();
    bottom = Math.max(bottom, s.bottom);
    // A line poking less than a character into the gutter still belongs to its column.
    const side = s.x1 <= x + s.size ? 'left' : s.x0 >= x - s.size ? 'right' : 'span';
    if (side === 'span') {
      if (left.length || right.length) flushZone();
      spanning.push(s);
      continue;
    }
    if (spanning.length) {
      flows.push(spanning);
      spanning = [];
    }
    (side === 'left' ? left : right).push(s);
  }
  if (left.length || right.length) flushZone();
  if (spanning.length) flows.push(spanning);
  return flows;
}
