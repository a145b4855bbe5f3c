// Headings and the document-wide statistics they are judged against: font size over the body
// size, a section number in another font, or a whole short line in a bold font at body size.
import type { Line } from './pdf-lines';
import { ruledTable } from './pdf-tables';

export interface DocStats {
  bodySize: number;
  bodyFont: string;
  /** Typewriter-style documents set everything in a fixed-pitch font; then it is not code. */
  bodyMono: boolean;
  /** Heading font sizes, biggest first; index + 1 is the heading level. */
  headingSizes: number[];
  /** Hyphenated words written inside lines, lowercased: these hyphens are real. */
  compounds: Set<string>;
  /** Fonts whose names say bold, filled in once their names are known (pdf-fonts.ts). */
  boldFonts: Set<string>;
}

/** Headings are at least this much bigger than body text (13.5pt over 12pt qualifies). */
const HEADING_RATIO = 1.12;
export const MAX_HEADING_CHARS = 150;
/** A bold line at body size longer than this is an emphasised sentence, not a heading. */
const MAX_BOLD_HEADING_CHARS = 80;
const SECTION_NUMBER =
  /^(?:(\d{1,2}(?:\.\d{1,2}){0,3})\.?|[IVX]{1,4}\.|第[一二三四五六七八九十百零〇\d]+[章节篇部])\s*\p{L}/u;
export const BULLET = /^([•●○◦▪▫■□◆◇►▸▶➢➤✓✔·∙‣⁃]|[*–—-](?=\s))\s*/;
export const ENUMERATOR = /^(\(?\d{1,3}[.)）](?=\s|\p{L})|[（(]\d{1,3}[)）]|\(?[a-zA-Z][.)](?=\s)|[①-⑳])\s*/u;

/** Relations and operators: a display formula, whose fonts are never a heading's. */
const MATH = /[=<>≤≥≠≈∼±×÷∑∏∫∂∇√∞∈∉⊂⊆∪∩−⩽⩾∥ˆ·Σ]| \+ /;

/** An operator, or mostly one-letter words ("T N", "m m i"): variables of a formula. */
function looksLikeMaths(text: string): boolean {
  const words = text.split(/\s+/);
  return MATH.test(text) || (words.length >= 2 && words.filter((w) => /^\p{L}$/u.test(w)).length >= 0.5 * words.length);
}

export function isNumbered(line: Line): boolean {
  return SECTION_NUMBER.test(line.text);
}

export function hasWords(text: string): boolean {
  return /\p{L}.*\p{L}/su.test(text);
}

function isHeadingSized(line: Line, stats: DocStats): boolean {
  return (
    !isCode(line, stats) &&
    line.size >= HEADING_RATIO * stats.bodySize &&
    line.text.length <= MAX_HEADING_CHARS &&
    hasWords(line.text) &&
    // A full sentence in a bigger font is a lead paragraph, not a heading.
    !(line.text.length > 40 && /[.!?。！？]$/.test(line.text))
  );
}

export function computeStats(allLines: Line[]): DocStats {
  // A ruled table's placeholder is not text in the document's body or heading sizes.
  const lines = allLines.filter((l) => !ruledTable(l));
  const sizeWeight = new Map<number, number>();
  const fontWeight = new Map<string, number>();
  let monoChars = 0;
  let allChars = 0;
  for (const l of lines) {
    for (const s of l.segs) {
      sizeWeight.set(s.size, (sizeWeight.get(s.size) ?? 0) + s.chars);
      fontWeight.set(s.font, (fontWeight.get(s.font) ?? 0) + s.chars);
      if (s.mono) monoChars += s.chars;
      allChars += s.chars;
    }
  }
  const top = <K>(m: Map<K, number>, fallback: K) => [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? fallback;
  const stats: DocStats = {
    bodySize: top(sizeWeight, 10),
    bodyFont: top(fontWeight, ''),
    bodyMono: monoChars > 0.5 * allChars,
    headingSizes: [],
    boldFonts: new Set(),
    compounds: new Set(
      lines.flatMap(
        (l) =>
          l.text
            .slice(0, -1)
            .toLowerCase()
            .match(/\p{L}+-\p{L}+/gu) ?? [],
      ),
    ),
  };
  const sizes = [...new Set(lines.filter((l) => isHeadingSized(l, stats)).map((l) => l.size))].sort((a, b) => b - a);
  // Sizes within 5% of each other are one level (rounding, slightly different fonts).
  for (const s of sizes) {
    const last = stats.headingSizes[stats.headingSizes.length - 1];
    if (last === undefined || s < last * 0.95) stats.headingSizes.push(s);
  }
  return stats;
}

export function isCode(line: Line, stats: DocStats): boolean {
  return line.mono && !stats.bodyMono;
}

export function headingLevel(line: Line, next: Line | undefined, stats: DocStats): number | null {
  if (isHeadingSized(line, stats)) {
    const idx = stats.headingSizes.findIndex((s) => line.size >= s * 0.95);
    return Math.min(6, (idx < 0 ? stats.headingSizes.length : idx) + 1);
  }
  // Same-size headings: numbered, standalone and set in a font other than the body's (bold).
  const num = SECTION_NUMBER.exec(line.text);
  if (
    num &&
    line.font !== stats.bodyFont &&
    Math.abs(line.size - stats.bodySize) <= 0.1 * stats.bodySize &&
    line.text.length <= 100 &&
    !/[.。,，;；:：]$/.test(line.text) &&
    (!next || next.font !== line.font)
  ) {
    const depth = num[1] ? num[1].split('.').length : 1;
    return Math.min(6, stats.headingSizes.length + depth);
  }
  return null;
}

export function isLoneTitle(line: Line, next: Line | undefined, stats: DocStats): boolean {
  return (
    line.font !== stats.bodyFont &&
    next?.font === stats.bodyFont &&
    line.text.length <= 100 &&
    hasWords(line.text) &&
    !/[.。,，;；:：]$/.test(line.text)
  );
}

/** Share of a line's characters set in a bold font. */
function boldShare(line: Line, stats: DocStats): number {
  let bold = 0;
  let all = 0;
  for (const s of line.segs) {
    for (const [font, n] of s.fontChars) {
      all += n;
      if (stats.boldFonts.has(font)) bold += n;
    }
  }
  return all ? bold / all : 0;
}

/**
 * Shaped like a heading set at body size: short, with words, not ending a sentence or clause,
 * not a list item, code or a table. Only the fonts of such lines need their weight looked up.
 */
export function headingShapedAtBodySize(line: Line, stats: DocStats): boolean {
  return (
    !isCode(line, stats) &&
    !ruledTable(line) &&
    line.size >= 0.9 * stats.bodySize &&
    line.size < HEADING_RATIO * stats.bodySize &&
    line.text.length <= MAX_BOLD_HEADING_CHARS &&
    hasWords(line.text) &&
    !/[.。,，;；:：!！、]$/.test(line.text) &&
    !BULLET.test(line.text) &&
    !ENUMERATOR.test(line.text) &&
    // A contents entry: leader dots (normalised to "…") then a page number.
    !/…\s*\d+$/.test(line.text) &&
    !looksLikeMaths(line.text)
  );
}

/**
 * A whole line in bold at body size ("Introduction" in Helvetica-Bold among Helvetica), ranked
 * below every size-based level. Not when the line carries on the paragraph above (`runsOn`) or
 * the sentence goes on below it in lower case: that is a bold phrase that fills a line.
 */
export function boldHeadingLevel(line: Line, next: Line | undefined, stats: DocStats, runsOn: boolean): number | null {
  if (runsOn || !headingShapedAtBodySize(line, stats)) return null;
  if (next && /^\p{Ll}/u.test(next.text) && boldShare(next, stats) < 0.5) return null;
  return boldShare(line, stats) >= 0.9 ? Math.min(6, stats.headingSizes.length + 1) : null;
}
