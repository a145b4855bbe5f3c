// Fragments -> segments: runs of text on one baseline with no wide gap inside. A wide gap is
// what separates columns and table cells, so segments are the unit layout analysis works on.
import { needsSpace, normalizePdfText, type Fragment } from './pdf-fragments';

export interface Segment {
  text: string;
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  baseline: number;
  /** Dominant font size and font (by characters). */
  size: number;
  font: string;
  /** Characters per font: a line is bold only when (nearly) all of its text is. */
  fontChars: Map<string, number>;
  mono: boolean;
  chars: number;
  /** Segments with the same row id sit side by side on one visual line of the page. */
  row: number;
  /** A ruled table standing in the page's reading order as one block. */
  table?: { header: string[]; rows: string[][] };
}

/** A gap wider than this many font sizes ends a segment; word spaces stay well below it. */
const SEGMENT_GAP_EM = 1.0;
/** A gap wider than this many font sizes between fragments is a word space. */
const WORD_GAP_EM = 0.15;

export function overlapRatio(a: { top: number; bottom: number }, b: { top: number; bottom: number }): number {
  const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return overlap / Math.max(1e-6, Math.min(a.bottom - a.top, b.bottom - b.top));
}

interface Chain {
  frags: Fragment[];
  x0: number;
  x1: number;
  /** Vertical band of the chain's biggest text, so superscripts do not move it. */
  band: { top: number; bottom: number; size: number };
}

/**
 * A fragment extends a chain when it overlaps the chain's band, is near it horizontally and
 * does not sit on top of text already in it (that is the next line of the same column).
 */
function fits(chain: Chain, f: Fragment): boolean {
  const reach = SEGMENT_GAP_EM * Math.max(f.size, chain.band.size);
  if (f.x0 > chain.x1 + reach || f.x1 < chain.x0 - reach) return false;
  if (overlapRatio(chain.band, f) < 0.3) return false;
  const width = Math.max(1e-6, f.x1 - f.x0);
  return chain.frags.every(
    (g) =>
      (Math.min(g.x1, f.x1) - Math.max(g.x0, f.x0)) / width < 0.5 ||
      (g.str === f.str && Math.abs(g.x0 - f.x0) < 0.3 * f.size),
  );
}

function dominant<T, K>(items: T[], key: (t: T) => K, weight: (t: T) => number): K {
  const totals = new Map<K, number>();
  for (const it of items) totals.set(key(it), (totals.get(key(it)) ?? 0) + weight(it));
  return [...totals.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function toSegment(chain: Chain): Omit<Segment, 'row'> {
  const frags = chain.frags.sort((a, b) => a.x0 - b.x0);
  let text = '';
  let prev: Fragment | undefined;
  for (const f of frags) {
    // Some PDFs fake bold by drawing the same text twice, slightly offset.
    if (prev && prev.str === f.str && Math.abs(prev.x0 - f.x0) < 0.3 * f.size) continue;
    const spaced = prev && (prev.spaceAfter || f.x0 - prev.x1 > WORD_GAP_EM * Math.min(f.size, prev.size));
    if (spaced && needsSpace(text, f.str)) text += ' ';
    text += f.str;
    prev = f;
  }
  const main = frags.filter((f) => f.size >= 0.8 * chain.band.size);
  text = normalizePdfText(text);
  const fontChars = new Map<string, number>();
  for (const f of frags) fontChars.set(f.font, (fontChars.get(f.font) ?? 0) + f.str.trim().length);
  return {
    text,
    x0: chain.x0,
    x1: chain.x1,
    top: Math.min(...main.map((f) => f.top)),
    bottom: Math.max(...main.map((f) => f.bottom)),
    baseline: dominant(
      main,
      (f) => f.baseline,
      (f) => f.str.length,
    ),
    size: dominant(
      frags,
      (f) => Math.round(f.size * 2) / 2,
      (f) => f.str.length,
    ),
    font: dominant(
      frags,
      (f) => f.font,
      (f) => f.str.length,
    ),
    fontChars,
    mono: dominant(
      frags,
      (f) => f.mono,
      (f) => f.str.length,
    ),
    chars: text.length,
  };
}

/** Segments on one visual line share a row: their baselines (nearly) coincide. */
function assignRows(segs: Array<Omit<Segment, 'row'>>): Segment[] {
  const sorted = [...segs].sort((a, b) => a.baseline - b.baseline);
  const out: Segment[] = [];
  let row = -1;
  let anchor: Omit<Segment, 'row'> | undefined;
  for (const s of sorted) {
    const sameLine =
      anchor !== undefined &&
      (Math.abs(s.baseline - anchor.baseline) <= 0.25 * Math.max(s.size, anchor.size) ||
        overlapRatio(anchor, s) >= 0.7);
    if (!sameLine) {
      row++;
      anchor = s;
    }
    out.push({ ...s, row });
  }
  return out;
}

export function buildSegments(frags: Fragment[]): Segment[] {
  const chains: Chain[] = [];
  const sorted = [...frags].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  let open: Chain[] = [];
  for (const f of sorted) {
    // Chains more than a line above cannot take this fragment any more.
    open = open.filter((c) => c.band.bottom + c.band.size > f.top);
    let best: Chain | undefined;
    let bestGap = Infinity;
    for (const c of open) {
      if (!fits(c, f)) continue;
      const gap = Math.max(0, f.x0 - c.x1, c.x0 - f.x1);
      if (gap < bestGap) {
        best = c;
        bestGap = gap;
      }
    }
    if (best) {
      best.frags.push(f);
      best.x0 = Math.min(best.x0, f.x0);
      best.x1 = Math.max(best.x1, f.x1);
      if (f.size > best.band.size) best.band = { top: f.top, bottom: f.bottom, size: f.size };
    } else {
      const chain = { frags: [f], x0: f.x0, x1: f.x1, band: { top: f.top, bottom: f.bottom, size: f.size } };
      chains.push(chain);
      open.push(chain);
    }
  }
  return assignRows(
    mergeNeighbours(chains)
      .map(toSegment)
      .filter((s) => s.text.length > 0),
  );
}

/**
 * Fragments of one line can arrive out of x order when their baselines differ by a hair, leaving
 * a line cut in two chains with a word-sized gap between them; join those back.
 */
function mergeNeighbours(chains: Chain[]): Chain[] {
  const byX = [...chains].sort((a, b) => a.x0 - b.x0);
  const kept: Chain[] = [];
  for (const c of byX) {
    const host = kept.find((p) => {
      const gap = c.x0 - p.x1;
      return (
        gap >= -0.1 * c.band.size &&
        gap <= SEGMENT_GAP_EM * Math.max(c.band.size, p.band.size) &&
        overlapRatio(p.band, c.band) >= 0.6
      );
    });
    if (!host) {
      kept.push(c);
      continue;
    }
    host.frags.push(...c.frags);
    host.x1 = Math.max(host.x1, c.x1);
    if (c.band.size > host.band.size) host.band = c.band;
  }
  return kept;
}
