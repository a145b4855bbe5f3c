// Tables from text alignment alone: consecutive lines split into cells by wide gaps, whose cells
// line up on column separators (x ranges that almost no cell crosses). Bullet lists, prose
// with wide spaces and two-column text fail the checks and stay lines. Ruled tables
// (pdf-ruled-tables.ts) arrive here already built, as a line of one placeholder segment.
import type { Line } from './pdf-lines';

export type FlowItem = { kind: 'line'; line: Line } | { kind: 'table'; header: string[]; rows: string[][] };

/** A vertical gap larger than this many font sizes ends a table. */
const MAX_ROW_GAP_EM = 2.5;
const MIN_MULTI_CELL_ROWS = 3;
/** Cells this long on average are prose that happens to have a wide space. */
const MAX_MEAN_CELL_CHARS = 60;

const MARKER = /^([•●○◦▪▫■□◆◇►▸▶➢➤✓✔·∙‣⁃*–—-]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|[①-⑳])$/;

function gap(a: Line, b: Line): number {
  return b.top - a.bottom;
}

/** Column boundaries: the middles of x ranges covered by (almost) no cell. */
function separators(lines: Line[]): number[] {
  const minX = Math.floor(Math.min(...lines.map((l) => l.x0)));
  const maxX = Math.ceil(Math.max(...lines.map((l) => l.x1)));
  const coverage = new Uint16Array(maxX - minX + 1);
  for (const l of lines) {
    for (const s of l.segs) {
      for (let x = Math.ceil(s.x0) - minX; x <= Math.floor(s.x1) - minX; x++) coverage[x]!++;
    }
  }
  // A cell spanning several columns (a group header) may cross a separator in bigger tables.
  const allowed = lines.length >= 5 ? Math.floor(0.15 * lines.length) : 0;
  const bounds: number[] = [];
  let start = -1;
  for (let x = 0; x < coverage.length; x++) {
    const free = coverage[x]! <= allowed;
    if (free && start < 0) start = x;
    if (!free && start >= 0) {
      if (start > 0) bounds.push(minX + (start + x - 1) / 2);
      start = -1;
    }
  }
  return bounds;
}

function toGrid(lines: Line[], bounds: number[]): string[][] {
  return lines.map((l) => {
    const cells: string[][] = Array.from({ length: bounds.length + 1 }, () => []);
    for (const s of l.segs) {
      const col = bounds.filter((b) => b <= s.x0 + 1).length;
      cells[col]!.push(s.text);
    }
    return cells.map((c) => c.join(' ').trim());
  });
}

function asTable(run: Line[]): { header: string[]; rows: string[][] } | null {
  const multi = run.filter((l) => l.segs.length >= 2);
  const maxCells = Math.max(...multi.map((l) => l.segs.length));
  if (multi.length < MIN_MULTI_CELL_ROWS && !(multi.length >= 2 && maxCells >= 3)) return null;
  const bounds = separators(multi);
  if (!bounds.length) return null;
  const grid = toGrid(run, bounds);
  const multiRows = grid.filter((_, i) => run[i]!.segs.length >= 2);
  if (multiRows.filter((r) => r.filter(Boolean).length >= 2).length < 0.8 * multiRows.length) return null;
  const firstColumn = grid.map((r) => r[0]!).filter(Boolean);
  if (firstColumn.length && firstColumn.every((c) => MARKER.test(c))) return null;
  const cells = grid.flat().filter(Boolean);
  if (cells.reduce((n, c) => n + c.length, 0) / cells.length > MAX_MEAN_CELL_CHARS) return null;
  if (cells.length < 0.35 * grid.length * (bounds.length + 1)) return null;
  return { header: grid[0]!, rows: grid.slice(1) };
}

/** A ruled table found from the page's drawing, already a table. */
export function ruledTable(line: Line): { header: string[]; rows: string[][] } | undefined {
  return line.segs.length === 1 ? line.segs[0]!.table : undefined;
}

export function findTables(lines: Line[]): FlowItem[] {
  const out: FlowItem[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    const ruled = ruledTable(first);
    if (ruled) {
      out.push({ kind: 'table', ...ruled });
      i++;
      continue;
    }
    if (first.segs.length >= 2) {
      let end = i + 1;
      let singles = 0;
      while (
        end < lines.length &&
        !ruledTable(lines[end]!) &&
        gap(lines[end - 1]!, lines[end]!) <= MAX_ROW_GAP_EM * lines[end - 1]!.size
      ) {
        singles = lines[end]!.segs.length >= 2 ? 0 : singles + 1;
        if (singles > 2) break;
        end++;
      }
      while (end > i && lines[end - 1]!.segs.length < 2) end--;
      const table = end - i >= 2 ? asTable(lines.slice(i, end)) : null;
      if (table) {
        out.push({ kind: 'table', ...table });
        i = end;
        continue;
      }
    }
    out.push({ kind: 'line', line: first });
    i++;
  }
  return out;
}
