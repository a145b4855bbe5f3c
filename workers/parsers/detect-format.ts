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

/**
 * The entry names of a ZIP's central directory (the outer archive only: a PPTX can carry a whole
 * XLSX stored uncompressed inside it, whose names also appear in the raw bytes). Null when the
 * end-of-central-directory record is missing or malformed.
 */
export function zipEntryNames(bytes: Buffer): string[] | null {
  const EOCD = 0x06054b50;
  const CDH = 0x02014b50;
  // The EOCD record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  const floor = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= floor; i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CDH) return null;
    const nameLen = bytes.readUInt16LE(at + 28);
    const extraLen = bytes.readUInt16LE(at + 30);
    const commentLen = bytes.readUInt16LE(at + 32);
    names.push(bytes.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Names the OOXML flavour from the outer archive's entry names. */
function officeFlavour(bytes: Buffer): DocumentFormat | null {
  const names = zipEntryNames(bytes);
  if (!names) {
    // A truncated archive has no central directory; let the Office parser say it is damaged
    // when the local headers still name an Office part.
    const head = bytes.subarray(0, 64 * 1024).toString('latin1');
    if (head.includes('word/')) return 'docx';
    if (head.includes('ppt/')) return 'pptx';
    if (head.includes('xl/')) return 'xlsx';
    return null;
  }
  const has = new Set(names);
  if (has.has('word/document.xml')) return 'docx';
  if (has.has('ppt/presentation.xml')) return 'pptx';
  if (has.has('xl/workbook.xml')) return 'xlsx';
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
