// exceljs creates a cell object for every position inside a merged range while loading, so one
// tiny <mergeCell ref="A1:XFD1048576"/> asks for 17 billion cells: a bomb the zip guard cannot
// see because the XML itself is small. Count merged area before exceljs does.
import type { OoxmlParts } from './ooxml-parts';
import { ParseError } from './parsed-document';

export const MAX_MERGED_CELLS = 1_000_000;

const MERGE_REF = /<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"/g;

export async function checkMergedArea(parts: OoxmlParts, limit = MAX_MERGED_CELLS): Promise<void> {
  let area = 0;
  for (const part of parts.paths(/^xl\/worksheets\/[^/]+\.xml$/)) {
    const xml = (await parts.text(part)) ?? '';
    if (!xml.includes('mergeCell')) continue;
    for (const m of xml.matchAll(MERGE_REF)) {
      const rows = Math.abs(Number(m[4]) - Number(m[2])) + 1;
      const cols = Math.abs(columnNumber(m[3]!) - columnNumber(m[1]!)) + 1;
      area += rows * cols;
      if (area > limit) {
        throw new ParseError(
          'too_large',
          `The workbook's merged cells cover more than ${limit.toLocaleString('en')} cells (e.g. ${m[1]}${m[2]}:${m[3]}${m[4]} in ${part}); it cannot be read safely.`,
        );
      }
    }
  }
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}
