// HTML tables -> grids. Spans are expanded: a cell spanning rows repeats its text in each row
// (so every row reads on its own), a cell spanning columns fills only its first column.
// Tables used for page layout are not data: their cells are read as ordinary content.

/** Guards against colspan="1000" and rowspan="65534" in hostile or broken markup. */
const MAX_SPAN = 100;
const MAX_COLUMNS = 200;

export interface HtmlTable {
  header: string[];
  rows: string[][];
  caption?: string;
}

/** Layout tables: presentation role, a single row or column, or cells holding whole sections. */
export function isLayoutTable(table: HTMLTableElement): boolean {
  const role = table.getAttribute('role');
  if (role === 'presentation' || role === 'none') return true;
  const rows = Array.from(table.rows);
  if (rows.length < 2) return true;
  if (Math.max(...rows.map((r) => r.cells.length)) < 2) return true;
  return rows.some((r) =>
    Array.from(r.cells).some((cell) => cell.querySelector('h1, h2, h3, h4, h5, h6, article, section, form') !== null),
  );
}

export function tableGrid(table: HTMLTableElement, cellText: (cell: HTMLTableCellElement) => string): HtmlTable | null {
  const trs = Array.from(table.rows);
  const grid: Array<Array<string | undefined>> = trs.map(() => []);
  let headerRows = 0;
  trs.forEach((tr, r) => {
    let c = 0;
    const cells = Array.from(tr.cells);
    if (
      r === headerRows &&
      cells.length &&
      (tr.parentElement?.tagName === 'THEAD' || cells.every((td) => td.tagName === 'TH'))
    ) {
      headerRows++;
    }
    for (const cell of cells) {
      while (grid[r]![c] !== undefined) c++;
      if (c >= MAX_COLUMNS) break;
      const colspan = Math.min(Math.max(cell.colSpan || 1, 1), MAX_SPAN);
      const rowspan =
        cell.rowSpan === 0 ? trs.length - r : Math.min(Math.max(cell.rowSpan || 1, 1), MAX_SPAN, trs.length - r);
      const text = cellText(cell);
      for (let dr = 0; dr < rowspan; dr++) {
        for (let dc = 0; dc < colspan && c + dc < MAX_COLUMNS; dc++) grid[r + dr]![c + dc] = dc === 0 ? text : '';
      }
      c += colspan;
    }
  });
  const width = Math.max(0, ...grid.map((row) => row.length));
  let rows = grid.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
  rows = rows.filter((row) => row.some(Boolean));
  // Columns left empty by spans or spacer cells carry nothing.
  const used = Array.from({ length: width }, (_, i) => rows.some((row) => row[i]));
  rows = rows.map((row) => row.filter((_, i) => used[i]));
  if (!rows.length || !rows[0]!.length) return null;
  const caption = table.caption?.textContent?.replace(/\s+/g, ' ').trim();
  // Without a <th> row the first row is the header: Markdown tables need one.
  const headerCount = Math.max(1, Math.min(headerRows, rows.length));
  // Stacked header rows become one; a header cell spanning both rows is not repeated.
  const header = rows
    .slice(0, headerCount)
    .reduce((acc, row) => acc.map((h, i) => (h && row[i] && h !== row[i] ? `${h} ${row[i]}` : h || row[i]!)));
  return { header, rows: rows.slice(headerCount), ...(caption ? { caption } : {}) };
}
