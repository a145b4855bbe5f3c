// A worksheet as blocks. Non-empty cells are grouped into regions (tables); in each region the first row that looks like
// labels is the header, rows above it (titles, units) become paragraphs, and long tables are cut
// into groups that each repeat the header.
import type { Block } from './parsed-document';
import type { CellText } from './xlsx-cell-text';

export const ROWS_PER_TABLE = 50;
/** Rows from the top of a region searched for the header row. */
const HEADER_SEARCH_ROWS = 5;
// Above Excel's 16,384 columns, so `row * COLS + col` is a unique key.
const COLS = 16_385;

/** Sheet cells keyed by `row * COLS + col` (1-based); merged-away cells are present with empty text. */
export type SheetCells = Map<number, CellText>;

export const cellKey = (row: number, col: number) => row * COLS + col;

export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const a1 = (row: number, col: number) => `${columnLetters(col)}${row}`;

interface Row {
  number: number;
  cells: CellText[];
}

export function sheetBlocks(sheet: string, cells: SheetCells): Block[] {
  return findRegions(cells).flatMap((keys) => regionBlocks(sheet, cells, keys));
}

interface Region {
  keys: number[];
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Tables as groups of occupied cells. A blank spacer row inside a table is common (between the
 * header and the data), so cells connect across one empty row. A blank spacer column connects
 * only parts that share most of their rows; otherwise it separates two side-by-side tables.
 */
function findRegions(cells: SheetCells): number[][] {
  const seen = new Set<number>();
  let regions: Region[] = [];
  const steps = [-2 * COLS, -COLS, COLS, 2 * COLS, -1, 1];
  for (const start of cells.keys()) {
    if (seen.has(start)) continue;
    const region: Region = { keys: [], top: Infinity, bottom: 0, left: Infinity, right: 0 };
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const key = stack.pop()!;
      region.keys.push(key);
      const row = Math.floor(key / COLS);
      const col = key % COLS;
      region.top = Math.min(region.top, row);
      region.bottom = Math.max(region.bottom, row);
      region.left = Math.min(region.left, col);
      region.right = Math.max(region.right, col);
      for (const step of steps) {
        const next = key + step;
        if (Math.abs((next % COLS) - col) > 1 || seen.has(next) || !cells.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    regions.push(region);
  }
  // Quadratic, so only for sheets with a sane number of separate blocks.
  if (regions.length <= 500) regions = bridgeSpacerColumns(regions);
  return regions.sort((a, b) => a.top - b.top || a.left - b.left).map((r) => r.keys);
}

/** Merges parts that share most of their rows and whose columns overlap or meet across one blank column. */
function bridgeSpacerColumns(regions: Region[]): Region[] {
  const shareRows = (a: Region, b: Region) => {
    const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) + 1;
    return overlap >= 0.5 * Math.min(a.bottom - a.top + 1, b.bottom - b.top + 1);
  };
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < regions.length; i++) {
      for (let j = 0; j < regions.length; j++) {
        const a = regions[i]!;
        const b = regions[j]!;
        const columnsTouch = b.left <= a.right + 2 && a.left <= b.right + 2;
        if (i === j || !columnsTouch || !shareRows(a, b)) continue;
        for (const k of b.keys) a.keys.push(k);
        a.top = Math.min(a.top, b.top);
        a.bottom = Math.max(a.bottom, b.bottom);
        a.left = Math.min(a.left, b.left);
        a.right = Math.max(a.right, b.right);
        regions.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return regions;
}

function regionBlocks(sheet: string, cells: SheetCells, keys: number[]): Block[] {
  const rowNums = [...new Set(keys.map((k) => Math.floor(k / COLS)))].sort((a, b) => a - b);
  const colNums = [...new Set(keys.map((k) => k % COLS))].sort((a, b) => a - b);
  const inRegion = new Set(keys);
  const textAt = (r: number, c: number) => (inRegion.has(cellKey(r, c)) ? cells.get(cellKey(r, c)) : undefined);
  const cols = colNums.filter((c) => rowNums.some((r) => textAt(r, c)?.text.trim()));
  const rows: Row[] = rowNums
    .map((r) => ({ number: r, cells: cols.map((c) => textAt(r, c) ?? { text: '', numeric: false }) }))
    .filter((row) => row.cells.some((c) => c.text.trim()));
  if (!rows.length) return [];
  const left = cols[0]!;
  const right = cols[cols.length - 1]!;
  const range = (top: number, bottom: number) =>
    top === bottom && left === right ? a1(top, left) : `${a1(top, left)}:${a1(bottom, right)}`;
  const paragraph = (row: Row): Block => ({
    kind: 'paragraph',
    text: row.cells
      .map((c) => c.text.trim())
      .filter(Boolean)
      .join(' | '),
    prov: { sheet, cellRange: range(row.number, row.number) },
  });

  // One column of text is a run of lines (titles, notes), not a table.
  if (cols.length === 1) return rows.map(paragraph);
  const headerAt = rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => looksLikeLabels(r, cols.length));
  const blocks: Block[] = rows.slice(0, Math.max(headerAt, 0)).map(paragraph);
  let header: Row | null = headerAt >= 0 ? rows[headerAt]! : null;
  let body: Row[] = [];
  const flush = () => {
    // Footnotes under a wide table ("(a) Inter-segment sales ...") are one text cell per row.
    const notes: Row[] = [];
    while (cols.length >= 3 && body.length > 1 && isNoteRow(body[body.length - 1]!)) notes.unshift(body.pop()!);
    if (header && !body.length) blocks.push(paragraph(header));
    else blocks.push(...tableGroups(sheet, header, body, cols, range));
    blocks.push(...notes.map(paragraph));
    body = [];
  };
  for (let i = Math.max(headerAt + 1, 0); i < rows.length; i++) {
    const row = rows[i]!;
    const afterGap = i > 0 && row.number > rows[i - 1]!.number + 1;
    // A label row after a spacer row, with data under it, starts the next stacked table.
    if (afterGap && body.length && i + 1 < rows.length && looksLikeLabels(row, cols.length)) {
      flush();
      header = row;
      continue;
    }
    body.push(row);
  }
  if (header || body.length) flush();
  return blocks;
}

function tableGroups(
  sheet: string,
  header: Row | null,
  body: Row[],
  cols: number[],
  range: (t: number, b: number) => string,
): Block[] {
  if (!header && body.length === 1 && body[0]!.cells.filter((c) => c.text.trim()).length === 1) {
    const only = body[0]!;
    return [
      {
        kind: 'paragraph',
        text: only.cells.map((c) => c.text.trim()).join(''),
        prov: { sheet, cellRange: range(only.number, only.number) },
      },
    ];
  }
  // No label row: the column letters are the only honest header.
  const headerText = header ? header.cells.map((c) => c.text.trim()) : cols.map(columnLetters);
  const blocks: Block[] = [];
  for (let i = 0; i < body.length; i += ROWS_PER_TABLE) {
    const group = body.slice(i, i + ROWS_PER_TABLE);
    const top = i === 0 && header ? header.number : group[0]!.number;
    blocks.push({
      kind: 'table',
      header: headerText,
      rows: group.map((r) => r.cells.map((c) => c.text.trim())),
      prov: { sheet, cellRange: range(top, group[group.length - 1]!.number) },
    });
  }
  return blocks;
}

/** Text in at least half the columns (two at least, when there are two) and no numbers or dates. */
function looksLikeLabels(row: Row, width: number): boolean {
  const filled = row.cells.filter((c) => c.text.trim());
  if (filled.some((c) => c.numeric)) return false;
  return filled.length >= Math.max(Math.min(2, width), Math.ceil(width / 2));
}

function isNoteRow(row: Row): boolean {
  const filled = row.cells.filter((c) => c.text.trim());
  return filled.length === 1 && !filled[0]!.numeric && row.cells[0] === filled[0];
}
