// The baseline for parse benchmarks: plain text out of each format with the same library the
// parser uses and no structure (no headings, tables, reading order or provenance). Parser time
// over this is what structure costs.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import { decodeText } from '../workers/parsers/text-decoding';
import type { DocumentFormat } from '../workers/parsers/parsed-document';

export interface RawResult {
  text: string;
  /** Pages (PDF), slides (PPTX) or sheets (XLSX); 1 for flowing formats. */
  units: number;
}

async function pdf(bytes: Buffer): Promise<RawResult> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
  }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((it) => ('str' in it ? it.str : '')).join(' ') + '\n';
  }
  const units = doc.numPages;
  await doc.destroy();
  return { text, units };
}

async function html(bytes: Buffer): Promise<RawResult> {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  // Pages' broken stylesheets are not news; keep the benchmark's output readable.
  const dom = new JSDOM(decodeText(bytes).text, { virtualConsole: new VirtualConsole() });
  const text = dom.window.document.body?.textContent ?? '';
  dom.window.close();
  return { text, units: 1 };
}

async function pptx(bytes: Buffer): Promise<RawResult> {
  const zip = await JSZip.loadAsync(bytes);
  const slides = Object.keys(zip.files).filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n));
  let text = '';
  for (const s of slides)
    text += ((await zip.file(s)!.async('string')).match(/<a:t>[^<]*<\/a:t>/g) ?? []).join(' ') + '\n';
  return { text, units: slides.length };
}

async function xlsx(bytes: Buffer): Promise<RawResult> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  let text = '';
  wb.eachSheet((ws) => ws.eachRow((row) => (text += `${row.values}\n`)));
  return { text, units: wb.worksheets.length };
}

export const RAW: Record<DocumentFormat, (bytes: Buffer) => Promise<RawResult>> = {
  pdf,
  html,
  pptx,
  xlsx,
  docx: async (bytes) => ({ text: (await mammoth.extractRawText({ buffer: bytes })).value, units: 1 }),
  markdown: async (bytes) => {
    unified().use(remarkParse).parse(decodeText(bytes).text);
    return { text: decodeText(bytes).text, units: 1 };
  },
  txt: async (bytes) => ({ text: decodeText(bytes).text, units: 1 }),
};
