// Whether a page's text looks like it could sit in a table, judged from the text alone, so the
// costly operator list (the only source of ruling lines) is read only on such pages.
import type { Fragment } from './pdf-fragments';

/** A gap this wide (in font sizes) between fragments on one baseline separates two cells. */
const CELL_GAP_EM = 0.5;
/** Cells whose left edges, right edges or middles are this close (pt) share a column. */
const ALIGN = 1;
/**
 * Prose columns are 18 em wide or more (a 220 pt column of 10 pt Korean on the corpus's
 * docling_normal_4pages: 22 em); table cells are narrower. Width, not characters: a line of
 * Chinese or Korean holds half as many characters as one of English.
 */
const MAX_CELL_EM = 15;
const LEADERS = /(?:[.·…][ \t]*){5,}/;
/** Rows further apart than this many font sizes are not one table. */
const MAX_ROW_PITCH_EM = 3;

interface Cell {
  x0: number;
  x1: number;
  chars: number;
}

interface Row {
  baseline: number;
  size: number;
  cells: Cell[];
  /**
   * Not table evidence: typeset maths (mostly single-character fragments: symbols, variables,
   * indices) or a contents entry (dot leaders run to its page number).
   */
  aside: boolean;
}

function rowsOf(frags: Fragment[]): Row[] {
  const sorted = [...frags].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  const rows: Row[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && Math.abs(sorted[j]!.baseline - first.baseline) < 0.3 * first.size) j++;
    const line = sorted.slice(i, j).sort((a, b) => a.x0 - b.x0);
    const cells: Cell[] = [];
    for (const f of line) {
      const last = cells[cells.length - 1];
      if (last && f.x0 - last.x1 < CELL_GAP_EM * f.size) {
        last.x1 = Math.max(last.x1, f.x1);
        last.chars += f.str.trim().length;
      } else {
        cells.push({ x0: f.x0, x1: f.x1, chars: f.str.trim().length });
      }
    }
    const singles = line.filter((f) => f.str.trim().length <= 1).length;
    const math = line.length >= 3 && singles >= 0.5 * line.length;
    rows.push({
      baseline: first.baseline,
      size: first.size,
      cells,
      aside: math || line.some((f) => LEADERS.test(f.str)),
    });
    i = j;
  }
  return rows;
}

function aligned(a: Cell, b: Cell): boolean {
  return (
    Math.abs(a.x0 - b.x0) <= ALIGN || Math.abs(a.x1 - b.x1) <= ALIGN || Math.abs(a.x0 + a.x1 - b.x0 - b.x1) <= 2 * ALIGN
  );
}

const width = (c: Cell) => c.x1 - c.x0;

/**
 * Two successive rows with two or more cells narrow enough for a table share a column. Wide
 * cells are prose and are left out; lines wholly beside the cells above (the other column of a
 * two-column page) are passed over. A line under them may be a wrapped cell's next line, no
 * wider than the widest cell above; a wider one is prose and ends the table.
 */
function tabular(run: Row[]): boolean {
  let above: Cell[] | undefined;
  for (const row of run) {
    const cells = row.cells.filter((c) => width(c) <= MAX_CELL_EM * row.size);
    if (cells.length < 2 || !cells.some((c) => c.chars >= 2)) {
      if (!above) continue;
      const [x0, x1] = [Math.min(...above.map((c) => c.x0)), Math.max(...above.map((c) => c.x1))];
      const widest = Math.max(...above.map(width));
      const under = row.cells.filter((c) => c.x0 < x1 && c.x1 > x0);
      if (under.some((c) => width(c) > widest + ALIGN)) above = undefined;
      continue;
    }
    const starts = above?.slice(1) ?? [];
    if (cells.slice(1).some((c) => starts.some((d) => aligned(c, d)))) return true;
    above = cells;
  }
  return false;
}

/**
 * True when nearby rows split into cells that line up. Maths and contents entries do not count,
 * nor does a row within 0.9 line heights of a row in another size (sub- and superscripts).
 * Without these checks 163 of the 196 pages of the corpus's pumpkin book passed, tripling their
 * parse time; with them 7 of the corpus's 216 pages pass, the ones holding tables or forms.
 */
export function mayHoldRuledTable(frags: Fragment[]): boolean {
  const all = rowsOf(frags);
  // Sub- and superscripts sit over or under their formula, not in the next column.
  const tight = (a: Row | undefined, b: Row | undefined) =>
    a !== undefined &&
    b !== undefined &&
    Math.abs(b.baseline - a.baseline) < 0.9 * Math.max(a.size, b.size) &&
    Math.abs(a.size - b.size) > 0.1 * Math.max(a.size, b.size) &&
    a.cells[0]!.x0 < b.cells[b.cells.length - 1]!.x1 &&
    b.cells[0]!.x0 < a.cells[a.cells.length - 1]!.x1;
  let run: Row[] = [];
  for (let i = 0; i < all.length; i++) {
    const row = all[i]!;
    const prev = run[run.length - 1];
    const broken = row.aside || tight(all[i - 1], row) || tight(row, all[i + 1]);
    if (broken || (prev && row.baseline - prev.baseline > MAX_ROW_PITCH_EM * row.size)) {
      if (tabular(run)) return true;
      run = [];
    }
    if (!broken) run.push(row);
  }
  return tabular(run);
}
