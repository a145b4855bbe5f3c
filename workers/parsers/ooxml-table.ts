// Word and PowerPoint tables as a rectangular grid. A merged cell's text is repeated in every
// grid position it covers, so each row stays readable on its own when a chunk cuts the table.
import type { Block, Provenance } from './parsed-document';

export interface SpanCell {
  text: string;
  colSpan: number;
  rowSpan: number;
}

/**
 * Places cells with col/row spans (HTML semantics) on a grid. Grid columns that the same source
 * cell covers in every row exist only for layout (forms drawn on a fine grid) and are merged.
 */
export function gridFromSpans(rows: SpanCell[][]): string[][] {
  const ids: number[][] = [];
  const texts: string[] = [];
  rows.forEach((cells, r) => {
    const row = (ids[r] ??= []);
    let c = 0;
    for (const cell of cells) {
      while (row[c] !== undefined) c++; // skip positions filled by a row span from above
      const id = texts.push(cell.text) - 1;
      const colSpan = Math.max(1, Math.min(cell.colSpan, 1000));
      const rowSpan = Math.max(1, Math.min(cell.rowSpan, rows.length - r));
      for (let dr = 0; dr < rowSpan; dr++) {
        const target = (ids[r + dr] ??= []);
        for (let dc = 0; dc < colSpan; dc++) target[c + dc] = id;
      }
      c += colSpan;
    }
  });
  const width = Math.max(0, ...ids.map((r) => r.length));
  const layoutOnly = (col: number) => ids.every((r) => r[col] !== undefined && r[col] === r[col - 1]);
  const cols = Array.from({ length: width }, (_, i) => i).filter((i) => i === 0 || !layoutOnly(i));
  return ids.map((r) => cols.map((i) => (r[i] === undefined ? '' : texts[r[i]!]!)));
}

/** First row as header; rows and columns with no text at all are dropped. */
export function tableBlock(grid: string[][], prov?: Provenance): Block | null {
  const rows = grid.filter((r) => r.some((c) => c.trim() !== ''));
  if (rows.length === 0) return null;
  const width = Math.max(...rows.map((r) => r.length));
  const keep = Array.from({ length: width }, (_, i) => i).filter((i) => rows.some((r) => (r[i] ?? '').trim() !== ''));
  const cleaned = rows.map((r) => keep.map((i) => r[i] ?? ''));
  const block: Block = { kind: 'table', header: cleaned[0]!, rows: cleaned.slice(1) };
  if (prov) block.prov = prov;
  return block;
}

/** Collapses runs of spaces and tabs; keeps line breaks the author made. */
export function cleanText(s: string): string {
  return s
    .replace(/[ \t\u00a0\u200b]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
