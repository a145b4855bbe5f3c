// The cells of a table whose row and column edges are known, from ruling lines or from the gaps in
// its text. Each fragment goes to the cell its left edge and middle fall in; a cell that no rule
// parts from its neighbour (a merged cell) keeps its text in its first row and column; a band
// between two rules that holds several records is split into rows, one per record.
import { joinLines } from './text.parser';
import { needsSpace, normalizePdfText, type Fragment } from './pdf-fragments';
import type { Rule } from './pdf-rules';

export interface TableGrid {
  /** Column edges, left to right. */
  xs: number[];
  /** Row edges, top to bottom. */
  ys: number[];
  /** Whether inner row edge `k` is drawn across column `c`. */
  ruledAcross(k: number, c: number): boolean;
  /** Whether inner column edge `k` is drawn down row `r`. */
  ruledDown(k: number, r: number): boolean;
  /** Grid rows above the header rule, stacked into one header. */
  headerRows: number;
  /** No rules part the records (booktabs): each line filling two columns starts one. */
  openRows?: boolean;
}

export interface TableCells {
  header: string[];
  rows: string[][];
  /** The fragments the table took, so that they are not read again as text. */
  frags: Fragment[];
}

/** A table found from the page's drawing, with the box it fills on the page. */
export interface RuledTable extends TableCells {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
}

/** Rules this close (pt) meet; grid lines this close are one line (double borders). */
export const TOLERANCE = 2;
/** A "cell" with more lines than this is a framed text column, not a table cell. */
const MAX_CELL_LINES = 12;
/** Text this close (in font sizes) on one line is one stretch: these are word spaces. */
const CELL_GAP_EM = 0.5;

/** Whether the rules at `at` cover at least `share` of [from, to]. */
export function drawn(rules: Rule[], at: number, from: number, to: number, share = 0.5): boolean {
  let covered = 0;
  for (const r of rules) {
    if (Math.abs(r.at - at) <= TOLERANCE) covered += Math.max(0, Math.min(r.to, to) - Math.max(r.from, from));
  }
  return covered >= share * (to - from);
}

function slot(edges: number[], value: number): number {
  for (let i = 0; i + 1 < edges.length; i++) if (value < edges[i + 1]!) return value >= edges[i]! ? i : -1;
  return -1;
}

/** Whether `f` sits on the line of `g`: a baseline as low, or raised or lowered as an index is. */
function sameLine(f: Fragment, g: Fragment): boolean {
  const [small, large] = [Math.min(f.size, g.size), Math.max(f.size, g.size)];
  const shift = Math.abs(f.baseline - g.baseline);
  return shift <= 0.3 * f.size || (small <= 0.8 * large && shift <= 0.5 * large);
}

/** A cell's fragments as text lines, top to bottom, each line's words left to right. */
function cellLines(frags: Fragment[]): Fragment[][] {
  const lines: Fragment[][] = [];
  for (const f of [...frags].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0)) {
    const line = lines[lines.length - 1];
    if (line && sameLine(f, line[0]!)) line.push(f);
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

const cellText = (frags: Fragment[]) => normalizePdfText(joinLines(cellLines(frags).map(lineText)));

/**
 * pdf.js joins text runs less than 0.6 em apart into one item, which can put two tight cells'
 * words in one fragment. Such a fragment is cut at the space nearest each edge it crosses,
 * positions estimated as if every character were as wide.
 */
function splitAtEdges(f: Fragment, xs: number[]): Fragment[] {
  const edge = xs.slice(1, -1).find((x) => f.x0 < x - 1 && f.x1 > x + 1);
  if (edge === undefined) return [f];
  const perChar = (f.x1 - f.x0) / f.str.length;
  const target = (edge - f.x0) / perChar;
  let cut = -1;
  for (let i = 0; i < f.str.length; i++) {
    if (f.str[i] === ' ' && (cut < 0 || Math.abs(i - target) < Math.abs(cut - target))) cut = i;
  }
  if (cut <= 0 || cut >= f.str.length - 1) return [f];
  const left = { ...f, str: f.str.slice(0, cut), x1: f.x0 + cut * perChar, spaceAfter: false };
  const right = { ...f, str: f.str.slice(cut + 1), x0: f.x0 + (cut + 1) * perChar };
  return [left, ...splitAtEdges(right, xs)];
}

/**
 * The records in one band of the grid (a row between two rules). Rows missing their rules (a
 * table with only a header rule) hold several, one per line filling two or more columns. A line
 * whose every column is empty on all other lines, between two records, is a cell centred on the
 * rows it spans: it belongs to the first. Where rules part the rows, a band is split only when
 * every other line fills two or more columns (a wrapped cell's next line fills one), and has a
 * third line: two could be a row whose every cell wraps. Where none do (`open`), a line filling
 * one column is a wrapped cell's next line and the lines around it are records all the same.
 */
function records(band: Fragment[][], open: boolean, twoBands: boolean): Fragment[][][] {
  const baselines: number[] = [];
  for (const f of band.flat().sort((a, b) => a.baseline - b.baseline)) {
    const last = baselines[baselines.length - 1];
    if (last === undefined || f.baseline - last > 0.3 * f.size) baselines.push(f.baseline);
  }
  if (baselines.length < 2) return [band];
  const lineOf = (f: Fragment) => baselines.findIndex((b) => Math.abs(f.baseline - b) <= 0.3 * f.size + 0.01);
  const filled = baselines.map((_, li) => band.flatMap((c, ci) => (c.some((f) => lineOf(f) === li) ? [ci] : [])));
  const owners = band.map((_, ci) => filled.filter((cols) => cols.includes(ci)).length);
  const starts: number[] = [];
  const spans: number[] = [];
  filled.forEach((cols, li) => {
    const middle = li > 0 && li < baselines.length - 1;
    if (middle && cols.every((c) => owners[c] === 1)) spans.push(li);
    else if (!starts.length || cols.length >= 2) starts.push(li);
  });
  const strict = starts.length === baselines.length - spans.length && (baselines.length >= 3 || twoBands);
  if (starts.length < 2 || (!open && !strict)) return [band];
  const recordOf = (li: number) => (spans.includes(li) ? 0 : starts.filter((s) => s <= li).length - 1);
  const out = starts.map(() => band.map((): Fragment[] => []));
  band.forEach((c, ci) => c.forEach((f) => out[Math.max(0, recordOf(lineOf(f)))]![ci]!.push(f)));
  return out;
}

/**
 * Without rules down the table, its columns are the gaps in the body's text, and a header wider
 * than its column's body (centred "Base Model" over "F / M") crosses them: a header's stretches
 * of text go whole to the column under their middle.
 */
function headerMiddles(frags: Fragment[], below: number): Map<Fragment, number> {
  const middles = new Map<Fragment, number>();
  for (const line of cellLines(frags.filter((f) => f.baseline - 0.3 * f.size < below))) {
    let run: Fragment[] = [];
    const close = () => {
      const middle = (run[0]!.x0 + Math.max(...run.map((f) => f.x1))) / 2;
      for (const f of run) middles.set(f, middle);
    };
    for (const f of line) {
      const last = run[run.length - 1];
      if (last && f.x0 - last.x1 >= CELL_GAP_EM * f.size) {
        close();
        run = [];
      }
      run.push(f);
    }
    close();
  }
  return middles;
}

/** Fragments into the grid's cells, each merged cell's text in its first row and column. */
function place(grid: TableGrid, frags: Fragment[]): { cells: Fragment[][][]; inside: Fragment[] } {
  const { xs, ys } = grid;
  const cells: Fragment[][][] = Array.from({ length: ys.length - 1 }, () => xs.slice(1).map(() => []));
  const inside: Fragment[] = [];
  const middles = grid.openRows ? headerMiddles(frags, ys[grid.headerRows]!) : new Map<Fragment, number>();
  for (const original of frags) {
    const middle = middles.get(original);
    for (const f of middle === undefined ? splitAtEdges(original, xs) : [original]) {
      let col = slot(xs, middle ?? Math.min(f.x0 + 1, (f.x0 + f.x1) / 2));
      let row = slot(ys, f.baseline - 0.3 * f.size);
      if (col < 0 || row < 0) continue;
      while (col > 0 && !grid.ruledDown(col, row)) col--;
      while (row > 0 && !grid.ruledAcross(row, col)) row--;
      cells[row]![col]!.push(f);
      if (inside[inside.length - 1] !== original) inside.push(original);
    }
  }
  return { cells, inside };
}

/**
 * Whether the bands below the header hold records rather than rows: they do when most bands with
 * text hold more than one. A table that rules every record has wrapped cells in its taller bands.
 */
function holdsRecords(bands: Fragment[][][][]): boolean {
  const several = bands.filter((b) => b.length > 1).length;
  const one = bands.filter((b) => b.length === 1 && b[0]!.some((c) => c.length)).length;
  return several > one;
}

/** The table in the grid, or null when it reads as something other than a table. */
export function buildTable(grid: TableGrid, frags: Fragment[]): TableCells | null {
  const { cells, inside } = place(grid, frags);
  const headerRows = Math.min(grid.headerRows, cells.length - 1);
  const open = grid.openRows ?? false;
  const bands = cells.map((band) => records(band, open, cells.length <= 2));
  const recordsBelow = open || holdsRecords(bands.slice(headerRows));
  // The first rule may be over a totals row rather than under a header: then the first band
  // holds the header and records.
  const firstSplits = !open && headerRows === 1 && bands[0]!.length > 1;
  const head = firstSplits ? [bands[0]![0]!] : cells.slice(0, headerRows);
  const body = (firstSplits ? bands[0]!.slice(1) : []).concat(
    cells.slice(headerRows).flatMap((band, i) => (recordsBelow ? bands[headerRows + i]! : [band])),
  );
  if ([...head, ...body].some((r) => r.some((c) => cellLines(c).length > MAX_CELL_LINES))) return null;
  const columns = [...Array(grid.xs.length - 1).keys()];
  // Stacked header rows become one; a header cell spanning them is in the first only.
  const header = columns.map((c) => joinLines(head.map((r) => cellText(r[c]!)).filter(Boolean)));
  // Spacer rows and the thin strip between double borders hold no text.
  const texts = [header, ...body.map((r) => r.map(cellText))].filter((r) => r.some(Boolean));
  const used = columns.filter((c) => texts.some((r) => r[c]));
  const table = texts.map((r) => used.map((c) => r[c]!));
  if (used.length < 2 || table.length < 2 || table.flat().filter(Boolean).length < 3) return null;
  return { header: table[0]!, rows: table.slice(1), frags: inside };
}
