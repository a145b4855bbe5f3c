// pdf.js text items -> positioned fragments in page space (origin top-left, y down), with the
// text cleaned of PDF-specific oddities (Kangxi radicals, spaced-out CJK).
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { isCjk } from './text.parser';

export interface Fragment {
  str: string;
  x0: number;
  x1: number;
  baseline: number;
  top: number;
  bottom: number;
  size: number;
  font: string;
  /** Set in a fixed-pitch font: code listings, terminal output. */
  mono: boolean;
  /** The PDF wrote a space right after this text (some PDFs space words by less than 0.15 em). */
  spaceAfter?: boolean;
}

/** A PDF transformation matrix [a b c d e f]. */
export type Matrix = number[];

/** m × n: n's transform applied inside m's. */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0]! * n[0]! + m[2]! * n[1]!,
    m[1]! * n[0]! + m[3]! * n[1]!,
    m[0]! * n[2]! + m[2]! * n[3]!,
    m[1]! * n[2]! + m[3]! * n[3]!,
    m[0]! * n[4]! + m[2]! * n[5]! + m[4]!,
    m[1]! * n[4]! + m[3]! * n[5]! + m[5]!,
  ];
}

/**
 * Splits items into left-to-right horizontal fragments (the page's flowing text) and the rest
 * (rotated stamps, vertical writing), which are kept as plain text so nothing is lost.
 */
export function toFragments(
  items: Array<TextItem | TextMarkedContent>,
  styles: Record<string, { fontFamily: string }>,
  viewportTransform: Matrix,
): { horizontal: Fragment[]; other: string[] } {
  const horizontal: Fragment[] = [];
  const other: string[] = [];
  for (const item of items) {
    if (!('str' in item)) continue;
    if (!item.str.trim()) {
      const last = horizontal[horizontal.length - 1];
      if (last && item.str.length > 0) last.spaceAfter = true;
      continue;
    }
    const m = multiply(viewportTransform, item.transform);
    const size = Math.hypot(m[2]!, m[3]!);
    if (!(size > 0.5) || !Number.isFinite(m[4]!) || !Number.isFinite(m[5]!)) continue;
    const upright = m[0]! > 0 && Math.abs(m[1]!) < 0.1 * Math.abs(m[0]!) && !item.dir.startsWith('ttb');
    if (!upright) {
      other.push(item.str);
      continue;
    }
    const str = item.str.replace(/\s+/g, ' ');
    const width = item.width > 0 ? item.width : str.length * size * 0.5;
    horizontal.push({
      str,
      x0: m[4]!,
      x1: m[4]! + width,
      baseline: m[5]!,
      // Fixed ascent/descent ratios: font metrics from PDFs are too often wrong to trust.
      top: m[5]! - size * 0.8,
      bottom: m[5]! + size * 0.2,
      size,
      font: item.fontName,
      // pdf.js only says "monospace" for fonts flagged fixed-pitch or named like Courier/Mono.
      mono: styles[item.fontName]?.fontFamily === 'monospace',
    });
  }
  return { horizontal, other };
}

const SPACED_CJK =
  /([\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])[ \t]+(?=[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])/g;

/**
 * Chinese PDFs often map glyphs to Kangxi radicals (U+2F00…) or compatibility ideographs that
 * look identical to ordinary characters but never match a search; NFKC maps them back. Spaces
 * between Chinese/Japanese characters are layout artefacts (letter-spaced titles, justified
 * lines), never words separators. Hangul keeps its spaces: Korean separates words with them.
 */
export function normalizePdfText(text: string): string {
  return (
    text
      .replace(/[\u2e80-\u2fdf\uf900-\ufaff]/g, (c) => c.normalize('NFKC'))
      .replace(/\u00ad/g, '')
      // Dot leaders of tables of contents.
      .replace(/(?:[ \t]*[.·…]){5,}[ \t]*/g, ' … ')
      .replace(SPACED_CJK, '$1')
      .replace(/[ \t]{2,}/g, ' ')
      .trim()
  );
}

/** Whether two pieces of text written next to each other need a space between them. */
export function needsSpace(left: string, right: string): boolean {
  const a = left[left.length - 1];
  const b = right[0];
  if (!a || !b || /\s/.test(a) || /\s/.test(b)) return false;
  return !(isCjk(a) && isCjk(b));
}
