// Loads pdf.js (ESM-only) from CommonJS and opens a document, turning its failures into
// ParseErrors a user can act on.
import path from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ParseError } from './parsed-document';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsPromise: Promise<PdfJs> | undefined;

/**
 * Under `tsc` (module: commonjs) this becomes `require()` of an ES module, which Node ≥ 20.19
 * supports because pdf.js has no top-level await; under vitest it stays a real `import()`.
 */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs').catch((err: unknown) => {
    pdfjsPromise = undefined;
    throw err;
  });
  return pdfjsPromise;
}

// pdf.js fetches CMaps and standard-font metrics through a Node file reader, which takes plain
// paths (a file:// URL fails) and needs the trailing slash. Without CMaps, text in fonts that
// are not embedded (common in Chinese PDFs) silently disappears.
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));
const CMAP_DIR = path.join(pdfjsRoot, 'cmaps') + path.sep;
const STANDARD_FONT_DIR = path.join(pdfjsRoot, 'standard_fonts') + path.sep;

/**
 * `images: false` drops images before pdf.js decodes them. Text and ruling lines do not need
 * them, and an operator list spends most of its time there: 2.8 s of the 3.0 s for page 88 of
 * the corpus's pumpkin book, in colour conversion of one figure.
 */
export async function openPdf(
  bytes: Buffer,
  password: string | undefined,
  { images = true }: { images?: boolean } = {},
): Promise<{ pdfjs: PdfJs; doc: PDFDocumentProxy }> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // A copy: pdf.js transfers (detaches) the buffer it is given.
    data: new Uint8Array(bytes),
    password,
    cMapUrl: CMAP_DIR,
    cMapPacked: true,
    standardFontDataUrl: STANDARD_FONT_DIR,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    maxImageSize: images ? -1 : 0,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    return { pdfjs, doc: await task.promise };
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw toParseError(err, password !== undefined);
  }
}

export function toParseError(err: unknown, passwordGiven: boolean): Error {
  if (err instanceof ParseError) return err;
  const e = err as { name?: string; code?: number; message?: string } | undefined;
  if (e?.name === 'PasswordException') {
    // pdf.js PasswordResponses: 1 = NEED_PASSWORD, 2 = INCORRECT_PASSWORD.
    if (e.code === 2 && passwordGiven) {
      return new ParseError('encrypted', 'The password given for this PDF is incorrect.');
    }
    return new ParseError('encrypted', 'The PDF is password protected; upload it with its password.');
  }
  if (e?.name === 'InvalidPDFException') {
    return new ParseError(
      'corrupt',
      'The file is not a readable PDF (its structure is invalid or it is not a PDF at all).',
    );
  }
  const detail = (e?.message ?? String(err)).replace(/\s+/g, ' ').trim().slice(0, 200);
  return new ParseError('corrupt', `The PDF is damaged and could not be read${detail ? `: ${detail}` : ''}.`);
}
