// Pages without a text layer: telling a scan (images) from a blank PDF, and rendering a page to
// PNG for an OCR engine plugged in through PdfParserOptions.ocr.
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PdfJs } from './pdf-loader';

export interface OcrPageImage {
  /** 1-based page number. */
  page: number;
  png: Buffer;
  width: number;
  height: number;
}

/** Recognises the text in one rendered page; returns plain text (blank lines between paragraphs). */
export type OcrEngine = (image: OcrPageImage) => Promise<string>;

/** The configured OCR engine failed on a page; unlike a ParseError, retrying may help. */
export class OcrError extends Error {
  override name = 'OcrError';
  constructor(
    readonly page: number,
    cause: unknown,
  ) {
    super(`OCR failed on page ${page}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Pages inspected when a PDF has no text: a scan shows on its first pages. */
const PAGES_PROBED = 3;

/** What the first pages of a text-less PDF draw: pictures (a scan), only vector graphics, or nothing. */
export async function drawnContent(pdfjs: PdfJs, doc: PDFDocumentProxy): Promise<'images' | 'graphics' | 'nothing'> {
  const { OPS } = pdfjs;
  const images = new Set<number>([
    OPS.paintImageXObject,
    OPS.paintInlineImageXObject,
    OPS.paintImageMaskXObject,
    OPS.paintImageXObjectRepeat,
  ]);
  const paths = new Set<number>([
    OPS.constructPath,
    OPS.stroke,
    OPS.fill,
    OPS.eoFill,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.shadingFill,
  ]);
  let graphics = false;
  for (let p = 1; p <= Math.min(doc.numPages, PAGES_PROBED); p++) {
    const page = await doc.getPage(p);
    try {
      const ops = await page.getOperatorList();
      if (ops.fnArray.some((fn) => images.has(fn))) return 'images';
      graphics ||= ops.fnArray.some((fn) => paths.has(fn));
    } finally {
      page.cleanup();
    }
  }
  return graphics ? 'graphics' : 'nothing';
}

interface NodeCanvas {
  encode?: (format: 'png') => Promise<Buffer>;
  toBuffer?: (mime: 'image/png') => Buffer;
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: NodeCanvas; context: unknown };
  destroy(target: { canvas: NodeCanvas; context: unknown }): void;
}

/** Renders at 2x (144 dpi), a resolution OCR engines read reliably without huge images. */
export async function renderPage(doc: PDFDocumentProxy, page: PDFPageProxy, scale = 2): Promise<OcrPageImage> {
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as CanvasFactory;
  const target = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  try {
    await page.render({
      canvas: target.canvas as unknown as HTMLCanvasElement,
      canvasContext: target.context as CanvasRenderingContext2D,
      viewport,
    }).promise;
    const png = target.canvas.encode ? await target.canvas.encode('png') : target.canvas.toBuffer!('image/png');
    return { page: page.pageNumber, png, width: Math.ceil(viewport.width), height: Math.ceil(viewport.height) };
  } finally {
    factory.destroy(target);
  }
}
