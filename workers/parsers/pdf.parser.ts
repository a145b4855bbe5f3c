// PDF via pdf.js: positioned text per page -> ruled tables -> running headers/footers dropped ->
// columns put in reading order -> aligned tables -> headings, paragraphs and lists, each tagged
// with its page.
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import {
  deriveTitle,
  ParseError,
  type Block,
  type ParsedDocument,
  type Parser,
  type ParserInput,
} from './parsed-document';
import { flowToBlocks } from './pdf-blocks';
import { orderFlows } from './pdf-columns';
import { boldFonts, type FontUse } from './pdf-fonts';
import { normalizePdfText, toFragments, type Fragment } from './pdf-fragments';
import { computeStats, headingShapedAtBodySize, isNumbered, type DocStats } from './pdf-headings';
import { drawnContent, OcrError, renderPage, type OcrEngine } from './pdf-images';
import { buildLines, type Line } from './pdf-lines';
import { openPdf, toParseError, type PdfJs } from './pdf-loader';
import { extractRules } from './pdf-rules';
import { findRuledTables, tableSegment, type RuledTable } from './pdf-ruled-tables';
import { removeRunningLines } from './pdf-running-lines';
import { buildSegments, type Segment } from './pdf-segments';
import { mayHoldRuledTable } from './pdf-table-probe';
import { findTables } from './pdf-tables';

export { OcrError, type OcrEngine, type OcrPageImage } from './pdf-images';

export interface PdfParserOptions {
  /** OCR for pages without a text layer; without it such PDFs fail with `no_text`. */
  ocr?: OcrEngine;
  /** Wall-clock budget for one document, checked between pages. */
  timeoutMs?: number;
}

interface PageText {
  segments: Segment[];
  /** Rotated or vertical text, kept as plain text. */
  other: string[];
  height: number;
  /** Characters on the page: a proxy for what building its operator list costs. */
  chars: number;
  ocrText?: string;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Metadata titles that are really file names or tool defaults, not titles. */
function meaningfulTitle(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const t = raw.replace(/\s+/g, ' ').trim();
  if (t.length < 3 || t.length > 300 || !/\p{L}.*\p{L}/su.test(t)) return null;
  if (/^(untitled|title|document\s*\d*|slide\s*\d+|presentation\s*\d*|microsoft (word|powerpoint|excel)\b.*)$/i.test(t))
    return null;
  if (/\.(docx?|pdf|pptx?|xlsx?|tex|dvi|txt|rtf|indd|qxd|html?|odt)$/i.test(t)) return null;
  return t;
}

/** The top-level heading of the first page with text, else the first heading or the file name. */
function titleFrom(blocks: Block[], filename: string): string {
  const firstPage = blocks[0]?.prov?.page;
  let best: { level: number; text: string } | undefined;
  for (const b of blocks) {
    if (b.kind === 'heading' && b.prov?.page === firstPage && (!best || b.level < best.level)) best = b;
  }
  return best ? best.text.slice(0, 300) : deriveTitle(blocks, filename);
}

export class PdfParser implements Parser {
  readonly format = 'pdf' as const;

  constructor(private readonly options: PdfParserOptions = {}) {}

  async parse(input: ParserInput): Promise<ParsedDocument> {
    if (input.bytes.length === 0) throw new ParseError('empty', 'The file is empty (0 bytes).');
    const { pdfjs, doc } = await openPdf(input.bytes, input.password, { images: false });
    try {
      return await this.extract(pdfjs, doc, input);
    } catch (err) {
      // An OCR engine failing (service down, quota) is not the document's fault: retry later.
      if (err instanceof OcrError) throw err;
      throw toParseError(err, input.password !== undefined);
    } finally {
      await doc.destroy();
    }
  }

  private async extract(pdfjs: PdfJs, doc: PDFDocumentProxy, input: ParserInput): Promise<ParsedDocument> {
    const deadline = Date.now() + (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const pages: PageText[] = [];
    const failedPages: number[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      if (Date.now() > deadline) {
        throw new ParseError('timeout', `Reading the PDF took too long (stopped at page ${p} of ${doc.numPages}).`);
      }
      const page = await doc.getPage(p);
      try {
        const viewport = page.getViewport({ scale: 1 });
        const content = await page.getTextContent();
        const { horizontal, other } = toFragments(content.items, content.styles, viewport.transform);
        const { tables, rest } = await ruledTablesOn(pdfjs, page, horizontal, viewport.transform);
        const segments = buildSegments(rest);
        let row = segments.reduce((max, s) => Math.max(max, s.row), -1);
        for (const table of tables) segments.push(tableSegment(table, ++row));
        pages.push({
          segments,
          other,
          height: viewport.height,
          chars: horizontal.reduce((n, f) => n + f.str.length, 0),
        });
      } catch {
        // One broken page (bad content stream, missing font) should not cost the others.
        failedPages.push(p);
        pages.push({ segments: [], other: [], height: 0, chars: 0 });
      } finally {
        page.cleanup();
      }
    }
    if (failedPages.length === doc.numPages) {
      throw new ParseError('corrupt', 'The PDF is damaged: none of its pages could be read.');
    }

    const textless = pages.every((p) => !p.segments.length && !p.other.some((s) => s.trim()));
    if (textless) await this.handleNoText(input, pages);

    const kept = removeRunningLines(pages);
    const pageLines: Line[][][] = kept.map((segs) => orderFlows(segs).map(buildLines));
    const stats = computeStats(pageLines.flat(2));
    stats.boldFonts = await boldFonts(
      doc,
      weightCandidates(pageLines, pages, stats),
      stats.bodyFont,
      drawingOnly(pdfjs),
    );
    const blocks: Block[] = [];
    pageLines.forEach((flows, i) => {
      const page = i + 1;
      for (const lines of flows) blocks.push(...flowToBlocks(findTables(lines), page, stats, blocks.length === 0));
      const other = normalizePdfText(pages[i]!.other.join(' '));
      if (other) blocks.push({ kind: 'paragraph', text: other, prov: { page } });
      for (const para of (pages[i]!.ocrText ?? '').split(/\n\s*\n/)) {
        const text = normalizePdfText(para.replace(/\s*\n\s*/g, ' '));
        if (text) blocks.push({ kind: 'paragraph', text, prov: { page } });
      }
    });
    if (!blocks.length) throw new ParseError('no_text', 'The PDF has no extractable text.');

    const { info } = await doc.getMetadata().catch(() => ({ info: {} as Record<string, unknown> }));
    const meta = info as Record<string, unknown>;
    const metadata: Record<string, unknown> = { pages: doc.numPages };
    if (failedPages.length) metadata.failedPages = failedPages;
    if (textless) metadata.ocr = true;
    for (const key of ['Author', 'Subject', 'Creator', 'Producer', 'CreationDate'] as const) {
      if (typeof meta[key] === 'string' && (meta[key] as string).trim())
        metadata[key.toLowerCase()] = (meta[key] as string).trim();
    }
    return { title: meaningfulTitle(meta.Title) ?? titleFrom(blocks, input.filename), blocks, metadata };
  }

  /** Scans go to OCR when it is configured; otherwise they fail with a reason the user can act on. */
  private async handleNoText(input: ParserInput, pages: PageText[]): Promise<void> {
    // The text pass opened the document without images; a scan is nothing but images.
    const { pdfjs, doc } = await openPdf(input.bytes, input.password);
    try {
      await this.ocrPages(pdfjs, doc, pages);
    } finally {
      await doc.destroy();
    }
  }

  private async ocrPages(pdfjs: PdfJs, doc: PDFDocumentProxy, pages: PageText[]): Promise<void> {
    const drawn = await drawnContent(pdfjs, doc);
    if (drawn === 'nothing') throw new ParseError('empty', 'The PDF is empty: its pages have no text and no images.');
    const ocr = this.options.ocr;
    if (!ocr) {
      throw new ParseError(
        'no_text',
        'The PDF has no extractable text — is it a scanned document? OCR is not enabled.',
      );
    }
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      try {
        const image = await renderPage(doc, page);
        pages[p - 1]!.ocrText = await ocr(image).catch((err: unknown) => {
          throw new OcrError(p, err);
        });
      } finally {
        page.cleanup();
      }
    }
  }
}

/** Annotations are not page text, and hyperlinks' boxes are no ruling lines. */
const drawingOnly = (pdfjs: PdfJs) => ({ annotationMode: pdfjs.AnnotationMode.DISABLE });

/**
 * Ruled tables need the page's drawing, and an operator list costs as much as the text or more
 * (3.8 times on the pumpkin book's pages of maths), so it is built only where the text could be
 * a table.
 */
async function ruledTablesOn(
  pdfjs: PdfJs,
  page: PDFPageProxy,
  frags: Fragment[],
  viewport: number[],
): Promise<{ tables: RuledTable[]; rest: Fragment[] }> {
  const none = { tables: [], rest: frags };
  if (!mayHoldRuledTable(frags)) return none;
  // A page whose drawing cannot be read still has its text.
  const list = await page.getOperatorList(drawingOnly(pdfjs)).catch(() => null);
  const rules = list && extractRules(list, pdfjs.OPS, viewport);
  return rules ? findRuledTables(frags, rules) : none;
}

/**
 * The fonts whose weight can make a heading: the main fonts of heading-shaped, unnumbered lines
 * at body size set in a font other than the body's, most used first. A font with less than a
 * tenth of its text in such lines is a text face (italic, the Latin face of a Chinese book: 2%
 * on the pumpkin book), not worth an operator list.
 */
function weightCandidates(pageLines: Line[][][], pages: PageText[], stats: DocStats): FontUse[] {
  const fonts = new Map<string, { chars: number; used: number; pages: Set<number> }>();
  const lines = pageLines.flatMap((flows, i) => flows.flat().map((line) => ({ line, page: i + 1 })));
  for (const { line, page } of lines) {
    // Numbered lines in another font are headings by their number already.
    if (line.font === stats.bodyFont || isNumbered(line) || !headingShapedAtBodySize(line, stats)) continue;
    const f = fonts.get(line.font) ?? fonts.set(line.font, { chars: 0, used: 0, pages: new Set() }).get(line.font)!;
    for (const s of line.segs) f.chars += s.fontChars.get(line.font) ?? 0;
    f.pages.add(page);
  }
  if (!fonts.size) return [];
  for (const { line } of lines) {
    if (isNumbered(line)) continue;
    for (const s of line.segs) for (const [font, n] of s.fontChars) if (fonts.has(font)) fonts.get(font)!.used += n;
  }
  const cost = (p: number) => pages[p - 1]!.chars;
  return [...fonts]
    .filter(([, f]) => f.chars > 0 && f.chars >= 0.1 * f.used)
    .map(([font, f]) => ({ font, chars: f.chars, pages: [...f.pages].sort((a, b) => cost(a) - cost(b) || a - b) }))
    .sort((a, b) => b.chars - a.chars);
}
