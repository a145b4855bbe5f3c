// Tables drawn with ruling lines: horizontal and vertical rules that cross form a grid, and each
// text fragment goes to the cell its left edge and middle fall in. Wrapped cell text is joined,
// empty cells stay empty, and the table takes one placeholder segment in the page's reading order.
import { joinLines } from './text.parser';
import { needsSpace, normalizePdfText, type Fragment } from './pdf-fragments';
import type { Rule, Rules } from './pdf-rules';
import type { Segment } from './pdf-segments';

export interface RuledTable {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  header: string[];
  rows: string[][];
  frags: Fragment[];
}

/** Rules this close (pt) meet; grid lines this close are one line (double borders). */
const TOLERANCE = 2;
/** Crossing tests are pairwise; a page with more rules than this is a drawing, not a table. */
const MAX_RULES = 1500;
/** A "cell" with more lines than this is a framed text column, not a table cell. */
const MAX_CELL_LINES = 12;

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

function slot(edges: number[], value: number): number {
  for (let i = 0; i + 1 < edges.length; i++) if (value < edges[i + 1]!) return value >= edges[i]! ? i : -1;
  return -1;
}

/** A cell's fragments as text lines, top to bottom, each line's words left to right. */
function cellLines(frags: Fragment[]): Fragment[][] {
  const lines: Fragment[][] = [];
  for (const f of [...frags].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0)) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(f.baseline - line[0]!.baseline) <= 0.3 * f.size) line.push(f);
    else lines.push([f]);
  }
  return lines.map((l) => l.sort((a, b) => a.x0 - b.x0));
}

function lineText(line: Fragment[]): string {
  let text = '';
  let prev: Fragment | undefined;
  for (const f of line) {
    // Fake bold: the same text drawn twice, slightly offset.
    if (prev && prev.str === f.str && Math.abs(prev.x0 - f.x0) < 0.3 * f.size) continue;
    const spaced = prev && (prev.spaceAfter || f.x0 - prev.x1 > 0.15 * Math.min(f.size, prev.size));
    text += (spaced && needsSpace(text, f.str) ? ' ' : '') + f.str;
    prev = f;
  }
  return text;
}

/**
 * Rows missing their rules (a table with only a header rule) hold several records. They are split
 * when every line of the row fills two or more columns: a wrapped cell's second line fills one.
 * Two lines could also be a header whose every cell wraps, so that needs a third line, or a grid
 * that is a header and a single body row.
 */
function splitRow(cells: Fragment[][], gridRows: number): Fragment[][][] {
  const baselines: number[] = [];
  for (const f of cells.flat().sort((a, b) => a.baseline - b.baseline)) {
    const last = baselines[baselines.length - 1];
    if (last === undefined || f.baseline - last > 0.3 * f.size) baselines.push(f.baseline);
  }
  const lineOf = (f: Fragment) => baselines.findIndex((b) => Math.abs(f.baseline - b) <= 0.3 * f.size + 0.01);
  const filled = baselines.map((_, li) => cells.filter((c) => c.some((f) => lineOf(f) === li)).length);
  const split = baselines.length >= 2 && filled.every((n) => n >= 2) && (baselines.length >= 3 || gridRows <= 2);
  if (!split) return [cells];
  return baselines.map((_, li) => cells.map((c) => c.filter((f) => lineOf(f) === li)));
}

/**
 * Grid lines across the span [lo, hi]: both ends, and the rules inside that run at least half of
 * the table's extent. A partial rule splits only a merged or framed area: on the corpus's invoice
 * a page frame holds one vertical rule over a fifth of its height, which is no column.
 */
function edges(rules: Rule[], lo: number, hi: number, extent: number): number[] {
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
    if (length >= 0.5 * extent) out.push(inner[i]!.at);
    i = j;
  }
  return [...out, hi];
}

/**
 * pdf.js joins text runs less than 0.6 em apart into one item, which can put two tight cells'
 * words in one fragment. Such a fragment is cut at the space nearest each rule it crosses,
 * positions estimated as if every character were as wide.
 */
function splitAtRules(f: Fragment, xs: number[]): Fragment[] {
  const rule = xs.slice(1, -1).find((x) => f.x0 < x - 1 && f.x1 > x + 1);
  if (rule === undefined) return [f];
  const perChar = (f.x1 - f.x0) / f.str.length;
  const target = (rule - f.x0) / perChar;
  let cut = -1;
  for (let i = 0; i < f.str.length; i++) {
    if (f.str[i] === ' ' && (cut < 0 || Math.abs(i - target) < Math.abs(cut - target))) cut = i;
  }
  if (cut <= 0 || cut >= f.str.length - 1) return [f];
  const left = { ...f, str: f.str.slice(0, cut), x1: f.x0 + cut * perChar, spaceAfter: false };
  const right = { ...f, str: f.str.slice(cut + 1), x0: f.x0 + (cut + 1) * perChar };
  return [left, ...splitAtRules(right, xs)];
}

function toTable(grid: { h: Rule[]; v: Rule[] }, frags: Fragment[]): RuledTable | null {
  // Open tables have no outer vertical border: the horizontal rules' ends are the table's edges.
  const x0 = Math.min(...grid.h.map((r) => r.from), ...grid.v.map((r) => r.at));
  const x1 = Math.max(...grid.h.map((r) => r.to), ...grid.v.map((r) => r.at));
  const y0 = Math.min(...grid.v.map((r) => r.from), ...grid.h.map((r) => r.at));
  const y1 = Math.max(...grid.v.map((r) => r.to), ...grid.h.map((r) => r.at));
  const xs = edges(grid.v, x0, x1, y1 - y0);
  const ys = edges(grid.h, y0, y1, x1 - x0);
  const cols = xs.length - 1;
  if (cols < 2 || ys.length < 3) return null;
  const cells: Fragment[][][] = Array.from({ length: ys.length - 1 }, () => Array.from({ length: cols }, () => []));
  const inside: Fragment[] = [];
  for (const original of frags) {
    for (const f of splitAtRules(original, xs)) {
      const col = slot(xs, Math.min(f.x0 + 1, (f.x0 + f.x1) / 2));
      const row = slot(ys, f.baseline - 0.3 * f.size);
      if (col < 0 || row < 0) continue;
      cells[row]![col]!.push(f);
      if (inside[inside.length - 1] !== original) inside.push(original);
    }
  }
  const records = cells.flatMap((r) => splitRow(r, cells.length));
  const lines = records.map((r) => r.map(cellLines));
  if (lines.some((r) => r.some((c) => c.length > MAX_CELL_LINES))) return null;
  const texts = lines
    .map((r) => r.map((c) => normalizePdfText(joinLines(c.map(lineText)))))
    .filter((r) => r.some(Boolean));
  // Spacer rows and the thin strip between double borders hold no text.
  const used = [...Array(cols).keys()].filter((c) => texts.some((r) => r[c]));
  const table = texts.map((r) => used.map((c) => r[c]!));
  if (used.length < 2 || table.length < 2 || table.flat().filter(Boolean).length < 3) return null;
  return {
    x0: xs[0]!,
    x1: xs[xs.length - 1]!,
    top: ys[0]!,
    bottom: ys[ys.length - 1]!,
    header: table[0]!,
    rows: table.slice(1),
    frags: inside,
  };
}

/** Ruled tables on a page, and the fragments left for ordinary layout analysis. */
export function findRuledTables(frags: Fragment[], rules: Rules): { tables: RuledTable[]; rest: Fragment[] } {
  if (rules.h.length < 2 || rules.v.length < 2 || rules.h.length + rules.v.length > MAX_RULES) {
    return { tables: [], rest: frags };
  }
  const tables: RuledTable[] = [];
  let rest = frags;
  for (const g of grids(rules)) {
    const table = toTable(g, rest);
    if (!table) continue;
    tables.push(table);
    const taken = new Set(table.frags);
    rest = rest.filter((f) => !taken.has(f));
  }
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
