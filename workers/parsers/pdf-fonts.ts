// Font weight from the font's PostScript name. pdf.js's text content only says "serif" or
// "sans-serif"; the name arrives in page.commonObjs once an operator list of a page using the
// font has been built, so names are fetched for the few fonts that decide a heading.
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { GetOperatorListParameters } from 'pdfjs-dist/types/src/display/api';

/** Weight words, in any case: Arial-BoldMT, Arial,Bold, Futura-Demi, Lato-Heavy, Inter-Black. */
const BOLD_WORD = /bold|black|heavy|demi/i;
/**
 * Weight codes, case matters: TeX's bold extended (CMBX10, SFBX1000), "Bd" (SDGothicNeoc-fBd),
 * URW's "Medi" (NimbusRomNo9L-Medi, the bold Times of LaTeX papers).
 */
const BOLD_CODE = /BX(?:\d|TI|SL)|Bd(?:It)?$|-Medi(?:Ital)?$/;

/**
 * A weight written as a number after the family name: Korean foundries number their weights
 * (YoonGothicPro740 the regular of the Korean card PDF, 770 its emphasis, 780 its labels), as
 * Linotype numbers Univers and Frutiger (55 roman, 65 bold; 56 oblique, 57 condensed). A family
 * of at least four letters, some lower case: "F1", "TT2" and TeX's "CMR10" are no such names.
 */
const NUMBERED_WEIGHT = /^([A-Za-z][A-Za-z-]{3,}?)-?(\d{2,3})$/;
/** How far above the body's number a weight is bold: 56 and 57 are not, 65 and 770 are. */
const HEAVIER_BY = 10;

export interface PdfFontInfo {
  name?: string;
  bold?: boolean;
  black?: boolean;
}

/**
 * pdf.js sets its `bold`/`black` flags only on fonts it replaces with a system font: on every
 * embedded font of the corpus, and on standard Helvetica-Bold, both were unset. The name decides.
 */
export function isBoldFont(font: PdfFontInfo): boolean {
  const name = baseName(font.name);
  return Boolean(font.bold || font.black || BOLD_WORD.test(name) || BOLD_CODE.test(name));
}

/** "ABCDEF+" marks a subset. */
const baseName = (name: string | undefined) => (name ?? '').replace(/^[A-Z]{6}\+/, '');

/** The family and numbered weight of a font name, if it has one (NUMBERED_WEIGHT). */
function numberedWeight(name: string | undefined): { family: string; weight: number } | undefined {
  const m = NUMBERED_WEIGHT.exec(baseName(name));
  return m && /[a-z]/.test(m[1]!) ? { family: m[1]!, weight: Number(m[2]) } : undefined;
}

/** Whether `name` is the body font's family at a numbered weight well above the body's. */
export function heavierThanBody(name: string | undefined, body: string | undefined): boolean {
  const font = numberedWeight(name);
  const base = numberedWeight(body);
  return Boolean(font && base && font.family === base.family && font.weight - base.weight >= HEAVIER_BY);
}

/**
 * Pages whose operator lists are built just to learn font names, per document. One costs 30–140
 * ms on the corpus (most on a document's first, whose fonts' glyphs get compiled), about what
 * reading the text of a page costs; one page named every candidate font of the pumpkin book.
 */
const MAX_PAGES = 2;
/** A font with less of the candidate lines' text than this is not worth an operator list. */
const MIN_SHARE = 0.1;

export interface FontUse {
  font: string;
  /** Characters set in it in lines that could be headings. */
  chars: number;
  /** Pages it is used on, cheapest first. */
  pages: number[];
}

type FontObjects = { has(id: string): boolean; get(id: string): unknown };

/**
 * Which of the fonts in `uses` (most used first) are bold, unless the body font is bold too (a
 * document set all in bold has no bold headings). A font whose name is still unknown gets one
 * operator list built for its cheapest page, which names every font on that page; fonts seen by
 * a table scan cost nothing more.
 */
export async function boldFonts(
  doc: PDFDocumentProxy,
  uses: FontUse[],
  bodyFont: string,
  params: GetOperatorListParameters,
): Promise<Set<string>> {
  const bold = new Set<string>();
  const total = uses.reduce((n, u) => n + u.chars, 0);
  let built = 0;
  let objs: FontObjects | undefined;
  const known = (id: string) => objs?.has(id) ?? false;
  const resolve = async (id: string, page: number | undefined) => {
    if (known(id) || built >= MAX_PAGES || page === undefined) return;
    const proxy = await doc.getPage(page);
    try {
      objs = proxy.commonObjs;
      if (known(id)) return;
      await proxy.getOperatorList(params);
      built++;
    } finally {
      proxy.cleanup();
    }
  };
  const info = (id: string) => {
    const font = known(id) ? (objs!.get(id) as PdfFontInfo | null) : null;
    return font !== null && typeof font === 'object' ? font : undefined;
  };
  const isBold = (id: string) => {
    const font = info(id);
    return font !== undefined && isBoldFont(font);
  };
  for (const { font, chars, pages } of uses) {
    if (chars >= MIN_SHARE * total) await resolve(font, pages[0]);
    if (isBold(font)) bold.add(font);
  }
  // A numbered weight is only heavy next to the body's number, so those need the body's name too.
  const numbered = uses.filter((u) => !bold.has(u.font) && numberedWeight(info(u.font)?.name));
  if (!bold.size && !numbered.length) return bold;
  // The body font is on nearly every page, so it is named by now.
  await resolve(bodyFont, uses.find((u) => bold.has(u.font))?.pages[0] ?? numbered[0]?.pages[0]);
  if (isBold(bodyFont)) return new Set();
  for (const { font } of numbered) if (heavierThanBody(info(font)?.name, info(bodyFont)?.name)) bold.add(font);
  return bold;
}
