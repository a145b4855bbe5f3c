// Tables drawn with ruling lines: horizontal and vertical rules that cross form a grid (cells are
// read in pdf-table-cells.ts), and horizontal rules alone may frame a booktabs table
// (pdf-booktabs.ts). Each table takes one placeholder segment in the page's reading order.
import { findBooktabs } from './pdf-booktabs';
import type { Fragment } from './pdf-fragments';
import type { Rule, Rules } from './pdf-rules';
import type { Segment } from './pdf-segments';
import { buildTable, drawn, TOLERANCE, type RuledTable, type TableGrid } from './pdf-table-cells';

export type { RuledTable } from './pdf-table-cells';

/** Crossing tests are pairwise; a page with more rules than this is a drawing, not a table. */
const MAX_RULES = 1500;

function crosses(h: Rule, v: Rule): boolean {
  return (
    v.at >= h.from - TOLERANCE && v.at <= h.to + TOLERANCE && h.at >= v.from - TOLERANCE && h.at <= v.to + TOLERANCE
  );
}

/** Groups of rules connected by crossings: each group is one candidate grid. */
function grids(rules: Rules): Array<{ h: Rule[]; v: Rule[] }> {
  const { h, v } = rules;
  const parent = [...Array(h.length + v.length).keys()];
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < h.length; i++) {
    for (let j = 0; j < v.length; j++) if (crosses(h[i]!, v[j]!)) parent[find(i)] = find(h.length + j);
  }
  const groups = new Map<number, { h: Rule[]; v: Rule[] }>();
  const group = (i: number) => groups.get(find(i)) ?? groups.set(find(i), { h: [], v: [] }).get(find(i))!;
  h.forEach((r, i) => group(i).h.push(r));
  v.forEach((r, j) => group(h.length + j).v.push(r));
  return [...groups.values()].filter((g) => g.h.length >= 2 && g.v.length >= 2);
}

/**
 * Grid lines across the span [lo, hi]: both ends, and the rules inside that run at least half of
 * the table's extent or that `keep` accepts. A partial rule splits only a merged or framed area:
 * on the corpus's invoice a page frame holds one vertical rule over a fifth of its height, which
 * is no column.
 */
function edges(rules: Rule[], lo: number, hi: number, extent: number, keep?: (at: number) => boolean): number[] {
  const inner = rules.filter((r) => r.at > lo + TOLERANCE && r.at < hi - TOLERANCE).sort((a, b) => a.at - b.at);
  const out = [lo];
  let i = 0;
  while (i < inner.length) {
    let j = i;
    let length = 0;
    while (j < inner.length && inner[j]!.at - inner[i]!.at <= TOLERANCE) {
      length += inner[j]!.to - inner[j]!.from;
      j++;
    }
    if (length >= 0.5 * extent || keep?.(inner[i]!.at)) out.push(inner[i]!.at);
    i = j;
  }
  return [...out, hi];
}

/** Cells are placed one fragment at a time, each asking about the same few edges. */
function memo(test: (a: number, b: number) => boolean): (a: number, b: number) => boolean {
  const known = new Map<number, boolean>();
  return (a, b) => {
    const key = a * 100_000 + b;
    let value = known.get(key);
    if (value === undefined) known.set(key, (value = test(a, b)));
    return value;
  };
}

/**
 * The grid of a group of crossing rules. Columns need rules down most of the table; rows need
 * only a rule under one column, since a cell spanning rows leaves the rule out under itself.
 * The header is the rows above the first rule across the whole table (a header cell over two
 * sub-columns puts a shorter rule above it), if that leaves it three rows or fewer.
 */
function gridOf(group: { h: Rule[]; v: Rule[] }): TableGrid | null {
  // Open tables have no outer vertical border: the horizontal rules' ends are the table's edges.
  const x0 = Math.min(...group.h.map((r) => r.from), ...group.v.map((r) => r.at));
  const x1 = Math.max(...group.h.map((r) => r.to), ...group.v.map((r) => r.at));
  const y0 = Math.min(...group.v.map((r) => r.from), ...group.h.map((r) => r.at));
  const y1 = Math.max(...group.v.map((r) => r.to), ...group.h.map((r) => r.at));
  const xs = edges(group.v, x0, x1, y1 - y0);
  if (xs.length < 3) return null;
  const underColumn = (at: number) => xs.slice(1).some((x, c) => drawn(group.h, at, xs[c]!, x, 0.9));
  const ys = edges(group.h, y0, y1, x1 - x0, underColumn);
  if (ys.length < 3) return null;
  const ruledAcross = memo((k, c) => drawn(group.h, ys[k]!, xs[c]!, xs[c + 1]!));
  const ruledDown = memo((k, r) => drawn(group.v, xs[k]!, ys[r]!, ys[r + 1]!));
  const full = ys.slice(1, -1).findIndex((_, i) => xs.slice(1).every((_, c) => ruledAcross(i + 1, c)));
  const headerRows = full >= 0 && full < 3 ? full + 1 : 1;
  return { xs, ys, ruledAcross, ruledDown, headerRows };
}

function toTable(group: { h: Rule[]; v: Rule[] }, frags: Fragment[]): RuledTable | null {
  const grid = gridOf(group);
  const cells = grid && buildTable(grid, frags);
  if (!grid || !cells) return null;
  const { xs, ys } = grid;
  return { x0: xs[0]!, x1: xs[xs.length - 1]!, top: ys[0]!, bottom: ys[ys.length - 1]!, ...cells };
}

/** Ruled tables on a page, and the fragments left for ordinary layout analysis. */
export function findRuledTables(frags: Fragment[], rules: Rules): { tables: RuledTable[]; rest: Fragment[] } {
  if (rules.h.length < 2 || rules.h.length + rules.v.length > MAX_RULES) return { tables: [], rest: frags };
  const tables: RuledTable[] = [];
  let rest = frags;
  const take = (table: RuledTable) => {
    tables.push(table);
    const taken = new Set(table.frags);
    rest = rest.filter((f) => !taken.has(f));
  };
  for (const g of grids(rules)) {
    const table = toTable(g, rest);
    if (table) take(table);
  }
  for (const table of findBooktabs(rest, rules, tables)) take(table);
  return { tables, rest };
}

/** The table as one segment, so column detection and reading order place it like a text block. */
export function tableSegment(table: RuledTable, row: number): Segment {
  const sizes = table.frags.map((f) => f.size).sort((a, b) => a - b);
  const text = [table.header, ...table.rows].flat().filter(Boolean).join(' ');
  return {
    text,
    x0: table.x0,
    x1: table.x1,
    top: table.top,
    bottom: table.bottom,
    baseline: table.bottom,
    size: sizes[Math.floor(sizes.length / 2)] ?? 10,
    font: table.frags[0]?.font ?? '',
    fontChars: new Map(),
    mono: false,
    chars: text.length,
    row,
    table: { header: table.header, rows: table.rows },
  };
}
