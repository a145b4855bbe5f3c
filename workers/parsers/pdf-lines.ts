// Segments of one flow -> visual lines, top to bottom. A line keeps its segments so table
// detection can still see the gaps between cells.
import { needsSpace } from './pdf-fragments';
import type { Segment } from './pdf-segments';

export interface Line {
  segs: Segment[];
  text: string;
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  size: number;
  font: string;
  mono: boolean;
}

export function joinSegments(segs: Segment[]): string {
  return segs.reduce((acc, s) => (acc && needsSpace(acc, s.text) ? `${acc} ${s.text}` : acc + s.text), '');
}

function heaviest<K>(segs: Segment[], key: (s: Segment) => K): K {
  const weight = new Map<K, number>();
  for (const s of segs) weight.set(key(s), (weight.get(key(s)) ?? 0) + s.chars);
  return [...weight.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

export function buildLines(flow: Segment[]): Line[] {
  const rows = new Map<number, Segment[]>();
  for (const s of flow) {
    const r = rows.get(s.row);
    if (r) r.push(s);
    else rows.set(s.row, [s]);
  }
  return [...rows.values()]
    .map((segs) => {
      segs.sort((a, b) => a.x0 - b.x0);
      return {
        segs,
        text: joinSegments(segs),
        x0: segs[0]!.x0,
        x1: Math.max(...segs.map((s) => s.x1)),
        top: Math.min(...segs.map((s) => s.top)),
        bottom: Math.max(...segs.map((s) => s.bottom)),
        size: heaviest(segs, (s) => s.size),
        font: heaviest(segs, (s) => s.font),
        mono: heaviest(segs, (s) => s.mono),
      };
    })
    .sort((a, b) => a.top - b.top || a.x0 - b.x0);
}
