// Type by content, not by extension. The extension only breaks ties between text formats.
import { looksLikeText } from './text-decoding';
import type { DocumentFormat } from './parsed-document';

export const EXTENSIONS: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  pptx: 'pptx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  txt: 'txt',
  text: 'txt',
  log: 'txt',
  csv: 'txt',
};

export const MIME_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  html: 'text/html',
  markdown: 'text/markdown',
  txt: 'text/plain',
};

export function extensionOf(filename: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(filename);
  return m ? m[1]!.toLowerCase() : '';
}

/** Names the OOXML flavour from the zip's central directory file names. */
function officeFlavour(bytes: Buffer): DocumentFormat | null {
  // Entry names are stored uncompressed in local headers and the central directory.
  const head = bytes.toString('latin1');
  if (head.includes('word/document.xml')) return 'docx';
  if (head.includes('xl/workbook.xml')) return 'xlsx';
  if (head.includes('ppt/presentation.xml')) return 'pptx';
  return null;
}

export type Detection =
  { ok: true; format: DocumentFormat; mime: string } | { ok: false; reason: string; generic?: boolean };

export function detectFormat(bytes: Buffer, filename: string): Detection {
  const ext = extensionOf(filename);
  const found = (format: DocumentFormat): Detection => ({ ok: true, format, mime: MIME_TYPES[format] });
  if (bytes.subarray(0, 1024).includes('%PDF-')) return found('pdf');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const flavour = officeFlavour(bytes);
    if (flavour) return found(flavour);
    return { ok: false, reason: 'a ZIP archive that is not a DOCX, XLSX or PPTX document' };
  }
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    // A password-protected DOCX/XLSX/PPTX is an OLE2 container: let its parser say "encrypted".
    const office = EXTENSIONS[ext];
    if (office === 'docx' || office === 'xlsx' || office === 'pptx') return found(office);
    return {
      ok: false,
      reason:
        'a legacy or encrypted Office file (OLE2: .doc/.xls/.ppt or password-protected); save it as DOCX/XLSX/PPTX without a password',
    };
  }
  if (!looksLikeText(bytes)) {
    return {
      ok: false,
      reason: 'binary content that is none of PDF, DOCX, XLSX, PPTX, HTML, Markdown or text',
      generic: true,
    };
  }
  const start = bytes.subarray(0, 2048).toString('latin1').replace(/\0/g, '').trimStart().toLowerCase();
  if (
    ext !== 'md' &&
    ext !== 'markdown' &&
    ext !== 'txt' &&
    /^(<\?xml[^>]*>\s*)?(<!doctype html|<html|<head|<body)/.test(start)
  ) {
    return found('html');
  }
  const byExt = EXTENSIONS[ext];
  if (byExt === 'html' || byExt === 'markdown' || byExt === 'txt') return found(byExt);
  return found('txt');
}
