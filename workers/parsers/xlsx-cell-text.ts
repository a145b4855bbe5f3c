// One exceljs cell value as the plain text a reader would want: formulas by their cached result,
// dates as ISO, rich text and hyperlinks as their visible text.
import type { CellValue } from 'exceljs';

export interface CellText {
  text: string;
  /** Numbers, dates and booleans: data, never a column label. */
  numeric: boolean;
}

const MS_PER_DAY = 86_400_000;
// Days from Excel's epoch (1899-12-30 in the 1900 system) to 1970-01-01.
const EPOCH_1900 = 25_569;
const EPOCH_1904 = EPOCH_1900 - 1_462;

export function cellText(value: CellValue, numFmt: string | undefined, date1904: boolean): CellText {
  const cell = rawCellText(value, numFmt, date1904);
  // Line breaks inside a cell are layout (a narrow column); a table cell is read as one line.
  return { text: cell.text.replace(/\s+/g, ' ').trim(), numeric: cell.numeric };
}

function rawCellText(value: CellValue, numFmt: string | undefined, date1904: boolean): CellText {
  if (value === null || value === undefined) return { text: '', numeric: false };
  // WPS stores a picture placed in a cell as this formula text; it is not content.
  if (typeof value === 'string') return { text: value.startsWith('=DISPIMG(') ? '' : value, numeric: false };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: true };
  if (typeof value === 'number') {
    // exceljs turns date-formatted plain cells into Dates, but not formula results.
    if (isDateFormat(numFmt)) return { text: dateText(serialToDate(value, date1904)), numeric: true };
    return { text: numberText(value, numFmt), numeric: true };
  }
  if (value instanceof Date) return { text: dateText(value), numeric: true };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join(''), numeric: false };
  if ('hyperlink' in value) {
    // exceljs puts a rich-text object in `text` when the link's label is formatted.
    const label: unknown = value.text;
    return {
      text: typeof label === 'string' ? label : rawCellText(label as CellValue, undefined, date1904).text,
      numeric: false,
    };
  }
  if ('formula' in value || 'sharedFormula' in value) {
    return value.result === undefined
      ? { text: '', numeric: false }
      : rawCellText(value.result as CellValue, numFmt, date1904);
  }
  if ('error' in value) return { text: value.error, numeric: true };
  return { text: '', numeric: false };
}

function numberText(n: number, numFmt: string | undefined): string {
  const fmt = stripLiterals(numFmt ?? '');
  if (fmt.includes('%')) {
    const decimals = /\.(0+)%/.exec(fmt)?.[1]?.length ?? 0;
    return `${(n * 100).toFixed(decimals)}%`;
  }
  // Binary floating point noise (0.1 + 0.2) is not what the sheet shows.
  return String(Number(n.toPrecision(15)));
}

function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt || numFmt === 'General') return false;
  return /[dmyhs]/i.test(stripLiterals(numFmt).replace(/\[[^\]]*\]/g, ''));
}

/** Drops quoted text, escaped characters and fill/padding directives from a number format. */
function stripLiterals(fmt: string): string {
  return fmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '');
}

function serialToDate(serial: number, date1904: boolean): Date {
  const ms = (serial - (date1904 ? EPOCH_1904 : EPOCH_1900)) * MS_PER_DAY;
  return new Date(Math.round(ms / 1000) * 1000);
}

/** YYYY-MM-DD, plus the time when it is not midnight; a time-only value keeps just the time. */
export function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19).replace(/:00$/, '');
  if (time === '00:00') return day;
  if (day === '1899-12-30' || day === '1899-12-31') return time;
  return `${day} ${time}`;
}
