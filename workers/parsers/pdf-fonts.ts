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
  // "ABCDEF+" marks a subset.
  const name = (font.name ?? '').replace(/^[A-Z]{6}\+/, '');
  return Boolean(font.bold || font.black || BOLD_WORD.test(name) || BOLD_CODE.test(name));
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
  const isBold = (id: string) => {
    const font = known(id) ? (objs!.get(id) as PdfFontInfo | null) : null;
    return font !== null && typeof font === 'object' && isBoldFont(font);
  };
  for (const { font, chars, pages } of uses) {
    if (chars >= MIN_SHARE * total) await resolve(font, pages[0]);
    if (isBold(font)) bold.add(font);
  }
  if (!bold.size) return bold;
  // The body font is on nearly every page, so it is named by now.
  await resolve(bodyFont, uses.find((u) => bold.has(u.font))?.pages[0]);
  return isBold(bodyFont) ? new Set() : bold;
}
