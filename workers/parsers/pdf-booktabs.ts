// Booktabs tables: ruled with horizontal lines alone (a rule over the table, one under its
// header, one under the table, maybe more between groups of rows), as LaTeX's booktabs package
// and many report styles draw them. With no vertical rules, the columns are the gaps that the
// text leaves open on every line of the body.
import type { Fragment } from './pdf-fragments';
import type { Rule, Rules } from './pdf-rules';
import { buildTable, drawn, TOLERANCE, type RuledTable, type TableGrid } from './pdf-table-cells';

/** Rules whose ends are this close (pt) span the same table. */
const SAME_EXTENT = 3;
/** Text this close (in font sizes) on one line is one cell: these are word spaces. */
const CELL_GAP_EM = 0.5;
/** A column whose cells are this wide (in font sizes), and as wide as each other, holds prose. */
const PROSE_EM = 10;
/** ... as wide as each other: this share of the widest. */
const PROSE_FILL = 0.75;
/** A line that is one stretch of text from the left over this share of the width is prose. */
const PROSE_SHARE = 0.6;
/** A header over more lines than this is text above a table, not its header. */
const MAX_HEADER_LINES = 4;
/** Rules closer than this (pt) with nothing between them are one double rule. */
const DOUBLE_RULE = 6;

interface Cell {
  x0: number;
  x1: number;
  size: number;
}

/** Lines of text, top to bottom, each cut into cells where a gap is wider than a word space. */
function linesOf(frags: Fragment[]): Cell[][] {
  const sorted = [...frags].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  const lines: Fragment[][] = [];
  for (const f of sorted) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(f.baseline - line[0]!.baseline) <= 0.3 * f.size) line.push(f);
    else lines.push([f]);
  }
  return lines.map((line) => {
    const cells: Cell[] = [];
    for (const f of line.sort((a, b) => a.x0 - b.x0)) {
      const last = cells[cells.length - 1];
      if (last && f.x0 - last.x1 < CELL_GAP_EM * f.size) last.x1 = Math.max(last.x1, f.x1);
      else cells.push({ x0: f.x0, x1: f.x1, size: f.size });
    }
    return cells;
  });
}

/** Horizontal rules that are no side of a box (a vertical rule meets a box's sides at their ends). */
function openRules(rules: Rules, found: RuledTable[]): Rule[] {
  const near = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE;
  const framed = (h: Rule) =>
    rules.v.some(
      (v) => (near(v.at, h.from) || near(v.at, h.to)) && h.at >= v.from - TOLERANCE && h.at <= v.to + TOLERANCE,
    );
  const inTable = (h: Rule) =>
    found.some((t) => h.at >= t.top - TOLERANCE && h.at <= t.bottom + TOLERANCE && h.from < t.x1 && h.to > t.x0);
  return rules.h.filter((h) => !framed(h) && !inTable(h));
}

/** Rules of the same width, top to bottom, three or more: the candidates for one table each. */
function stacks(open: Rule[]): Rule[][] {
  const groups: Rule[][] = [];
  for (const r of [...open].sort((a, b) => a.at - b.at)) {
    const same = groups.find(
      (g) => Math.abs(g[0]!.from - r.from) <= SAME_EXTENT && Math.abs(g[0]!.to - r.to) <= SAME_EXTENT,
    );
    if (!same) groups.push([r]);
    else if (r.at - same[same.length - 1]!.at > TOLERANCE) same.push(r);
  }
  return groups.filter((g) => g.length >= 3);
}

/**
 * The runs of a stack that can be tables. A band between two rules breaks the run when it holds
 * prose (a line of one stretch of text from the left across most of the width) or nothing at all;
 * a run then starts at a band with two cells on a line (its header) and ends at the last such band.
 */
function runs(stack: Rule[], frags: Fragment[]): Rule[][] {
  const [from, to] = [stack[0]!.from, stack[0]!.to];
  const lines = (a: Rule, b: Rule) =>
    linesOf(
      frags.filter((f) => f.baseline > a.at && f.baseline < b.at && (f.x0 + f.x1) / 2 > from && (f.x0 + f.x1) / 2 < to),
    );
  const out: Rule[][] = [];
  let run: Rule[] = [stack[0]!];
  const close = () => {
    while (run.length >= 2 && !lines(run[0]!, run[1]!).some((l) => l.length >= 2)) run.shift();
    while (run.length >= 2 && !lines(run[run.length - 2]!, run[run.length - 1]!).some((l) => l.length >= 2)) run.pop();
    if (run.length >= 3) out.push(run);
  };
  for (const r of stack.slice(1)) {
    const prev = run[run.length - 1]!;
    const band = lines(prev, r);
    if (!band.length && r.at - prev.at < DOUBLE_RULE) continue;
    // A wide column's wrapped line is one stretch too, but it does not start at the left.
    const prose = band.some(
      (l) => l.length === 1 && l[0]!.x0 - from < 3 * l[0]!.size && l[0]!.x1 - l[0]!.x0 >= PROSE_SHARE * (to - from),
    );
    if (!band.length || prose) {
      close();
      run = [r];
    } else {
      run.push(r);
    }
  }
  close();
  return out;
}

/**
 * Column edges: the middles of the gaps that no body line's cells cover, past a few lines that
 * cross them in a longer table (a group label across the columns).
 */
function columnEdges(body: Cell[][], left: number, right: number): number[] {
  const lo = Math.floor(left);
  const coverage = new Uint16Array(Math.ceil(right) - lo + 1);
  for (const line of body) {
    for (const c of line) for (let x = Math.ceil(c.x0) - lo; x <= Math.floor(c.x1) - lo; x++) coverage[x]!++;
  }
  const sizes = body
    .flat()
    .map((c) => c.size)
    .sort((a, b) => a - b);
  const minGap = CELL_GAP_EM * (sizes[Math.floor(sizes.length / 2)] ?? 10);
  const allowed = body.length >= 5 ? Math.floor(0.15 * body.length) : 0;
  const first = Math.min(...body.flat().map((c) => c.x0)) - lo;
  const last = Math.max(...body.flat().map((c) => c.x1)) - lo;
  const edges = [left];
  let start = -1;
  for (let x = Math.ceil(first); x <= last; x++) {
    const free = coverage[x]! <= allowed;
    if (free && start < 0) start = x;
    if (!free && start >= 0) {
      if (x - start >= minGap) edges.push(lo + (start + x - 1) / 2);
      start = -1;
    }
  }
  return [...edges, right];
}

/**
 * Columns of prose: wide cells that nearly all run to the same right edge, as the lines of a
 * paragraph do. A table's cells differ in width, or are narrow; two prose columns are a page's.
 */
function proseColumns(body: Cell[][], xs: number[]): number {
  let count = 0;
  for (let c = 0; c + 1 < xs.length; c++) {
    const cells = body.flatMap((l) => l.filter((cell) => cell.x0 >= xs[c]! && cell.x0 < xs[c + 1]!));
    if (!cells.length) continue;
    const widths = cells.map((cell) => cell.x1 - cell.x0).sort((a, b) => a - b);
    const ems = cells.map((cell) => (cell.x1 - cell.x0) / cell.size).sort((a, b) => a - b);
    const full = widths.filter((w) => w >= PROSE_FILL * widths[widths.length - 1]!).length;
    if (ems[Math.floor(ems.length / 2)]! >= PROSE_EM && full >= (2 / 3) * cells.length) count++;
  }
  return count;
}

function toTable(run: Rule[], all: Rule[], frags: Fragment[]): RuledTable | null {
  const [top, mid, bottom] = [run[0]!, run[1]!, run[run.length - 1]!];
  const [left, right] = [Math.min(...run.map((r) => r.from)), Math.max(...run.map((r) => r.to))];
  const inside = frags.filter(
    (f) => f.baseline > top.at && f.baseline < bottom.at && (f.x0 + f.x1) / 2 > left && (f.x0 + f.x1) / 2 < right,
  );
  const head = linesOf(inside.filter((f) => f.baseline < mid.at));
  const body = linesOf(inside.filter((f) => f.baseline > mid.at));
  if (head.length > MAX_HEADER_LINES || body.length < 2) return null;
  const xs = columnEdges(body, left, right);
  if (xs.length < 3 || proseColumns(body, xs) >= 2) return null;
  // A header cell over sub-columns has a shorter rule under it (booktabs' \cmidrule).
  const within = (r: Rule) => r.from >= left - TOLERANCE && r.to <= right + TOLERANCE;
  const partial = all.filter((r) => within(r) && r.at > top.at + TOLERANCE && r.at < mid.at - TOLERANCE);
  const hs = [...run, ...partial];
  const ys = [...new Set([...run.map((r) => r.at), ...partial.map((r) => r.at)])].sort((a, b) => a - b);
  const grid: TableGrid = {
    xs,
    ys,
    ruledAcross: (k, c) => drawn(hs, ys[k]!, xs[c]!, xs[c + 1]!),
    ruledDown: () => true,
    headerRows: ys.indexOf(mid.at),
    openRows: true,
  };
  const cells = buildTable(grid, inside);
  if (!cells || cells.rows.filter((r) => r.filter(Boolean).length >= 2).length < 2) return null;
  return { x0: left, x1: right, top: top.at, bottom: bottom.at, ...cells };
}

/**
 * Booktabs tables among the page's horizontal rules, outside the tables already `found`. Two
 * rules around a paragraph are no table: it takes three, and two columns on two body rows.
 */
export function findBooktabs(frags: Fragment[], rules: Rules, found: RuledTable[]): RuledTable[] {
  if (rules.h.length < 3) return [];
  const tables: RuledTable[] = [];
  let rest = frags;
  for (const stack of stacks(openRules(rules, found))) {
    for (const run of runs(stack, rest)) {
      const table = toTable(run, rules.h, rest);
      if (!table) continue;
      tables.push(table);
      const taken = new Set(table.frags);
      rest = rest.filter((f) => !taken.has(f));
    }
  }
  return tables;
}
