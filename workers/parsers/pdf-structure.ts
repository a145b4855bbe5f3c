// Structural damage in a PDF that pdf.js forgives without a word: a cross-reference table
// whose offsets do not match the file (pdf.js then rebuilds it by scanning every object), a
// missing end-of-file marker (a truncated upload) or a trailer without the document catalog.
// The checks read the raw bytes, so they see what the reader repaired; each finding becomes
// one admin warning on an otherwise successful parse.
import { constants, inflateRawSync } from 'node:zlib';

/** Readers look for %%EOF (and startxref before it) within the last 1 KB of the file. */
const TAIL = 1024;
/** Enough for a cross-reference chain of incremental updates; more means a loop or garbage. */
const MAX_SECTIONS = 64;

interface XrefEntry {
  num: number;
  gen: number;
  offset: number;
}

interface XrefSection {
  kind: 'table' | 'stream';
  entries: XrefEntry[];
  prev?: number;
  /** A hybrid file's trailer points at an extra xref stream for compressed objects. */
  xrefStm?: number;
  hasRoot: boolean;
}

const text = (bytes: Buffer, start: number, end: number) =>
  bytes.toString('latin1', Math.max(0, start), Math.min(bytes.length, end));

const isSpace = (b: number | undefined) =>
  b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;

function skipSpace(bytes: Buffer, at: number): number {
  while (at < bytes.length && isSpace(bytes[at])) at++;
  return at;
}

/**
 * The dictionary starting at `at` ("<<" … ">>"), as text, with strings skipped so a ">>" inside
 * one does not end it. Null when there is no dictionary there.
 */
function dictAt(bytes: Buffer, at: number): { body: string; end: number } | null {
  at = skipSpace(bytes, at);
  if (bytes[at] !== 0x3c || bytes[at + 1] !== 0x3c) return null;
  let depth = 0;
  for (let i = at; i < bytes.length && i < at + 1_000_000; i++) {
    const b = bytes[i];
    if (b === 0x28) {
      // (literal string): balanced parentheses, backslash escapes
      let nest = 0;
      for (; i < bytes.length; i++) {
        if (bytes[i] === 0x5c) i++;
        else if (bytes[i] === 0x28) nest++;
        else if (bytes[i] === 0x29 && --nest === 0) break;
      }
    } else if (b === 0x3c && bytes[i + 1] === 0x3c) {
      depth++;
      i++;
    } else if (b === 0x3e && bytes[i + 1] === 0x3e) {
      depth--;
      i++;
      if (depth === 0) return { body: text(bytes, at + 2, i - 1), end: i + 1 };
    } else if (b === 0x3c) {
      // <hex string>
      while (i < bytes.length && bytes[i] !== 0x3e) i++;
    }
  }
  return null;
}

/** The dictionary's own entries: nested dictionaries blanked, so their keys do not match. */
function topLevel(body: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.startsWith('<<', i)) {
      depth++;
      i++;
      out += '  ';
    } else if (body.startsWith('>>', i) && depth > 0) {
      depth--;
      i++;
      out += '  ';
    } else out += depth ? ' ' : body[i];
  }
  return out;
}

/** A direct integer value of /key; undefined when absent or an indirect reference. */
function intOf(body: string, key: string): number | undefined {
  const m = new RegExp(`/${key}(?![\\w.#-])\\s*(\\d+)(\\s+\\d+\\s+R)?`).exec(body);
  return m && !m[2] ? Number(m[1]) : undefined;
}

function intsOf(body: string, key: string): number[] | undefined {
  const m = new RegExp(`/${key}(?![\\w.#-])\\s*\\[([^\\]]*)\\]`).exec(body);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean).map(Number) : undefined;
}

/** "N G obj" at `at` (after white space), or null. */
function objectHeaderAt(bytes: Buffer, at: number): { num: number; gen: number; end: number } | null {
  const start = skipSpace(bytes, at);
  const m = /^(\d+)\s+(\d+)\s+obj(?![A-Za-z])/.exec(text(bytes, start, start + 40));
  return m ? { num: Number(m[1]), gen: Number(m[2]), end: start + m[0].length } : null;
}

/** The classic table at `at` ("xref", subsections of 20-byte entries, then "trailer << … >>"). */
function readTable(bytes: Buffer, at: number): XrefSection | null {
  let pos = skipSpace(bytes, at);
  if (text(bytes, pos, pos + 4) !== 'xref') return null;
  pos += 4;
  const entries: XrefEntry[] = [];
  for (;;) {
    pos = skipSpace(bytes, pos);
    const head = /^(\d+)\s+(\d+)/.exec(text(bytes, pos, pos + 40));
    if (!head) break;
    const first = Number(head[1]);
    const count = Number(head[2]);
    pos += head[0].length;
    // 20 bytes an entry; a subsection that claims more than the file holds is garbage.
    if (count > (bytes.length - pos) / 18) return null;
    const body = text(bytes, pos, pos + count * 21 + 4);
    const re = /\s*(\d{1,10})\s+(\d{1,5})\s+([nf])/y;
    for (let k = 0; k < count; k++) {
      const m = re.exec(body);
      if (!m) return null;
      if (m[3] === 'n') entries.push({ num: first + k, gen: Number(m[2]), offset: Number(m[1]) });
    }
    pos += re.lastIndex;
  }
  pos = skipSpace(bytes, pos);
  if (text(bytes, pos, pos + 7) !== 'trailer') return null;
  const dict = dictAt(bytes, pos + 7);
  if (!dict) return null;
  const top = topLevel(dict.body);
  return {
    kind: 'table',
    entries,
    prev: intOf(top, 'Prev'),
    xrefStm: intOf(top, 'XRefStm'),
    hasRoot: /\/Root\s*\d+\s+\d+\s+R/.test(top),
  };
}

/** PNG row filters (Predictor ≥ 10) over rows of `columns` bytes, one byte per pixel. */
function unpredict(data: Buffer, columns: number): Buffer {
  const rows = Math.floor(data.length / (columns + 1));
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (columns + 1)]!;
    for (let c = 0; c < columns; c++) {
      const raw = data[r * (columns + 1) + 1 + c]!;
      const left = c > 0 ? out[r * columns + c - 1]! : 0;
      const up = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let v = raw;
      if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}

/**
 * A cross-reference stream object at `at` ("N G obj << /Type /XRef … >> stream"). Its entries
 * are decoded when the stream is Flate with a PNG predictor or none, as every writer in practice
 * makes them; otherwise `entries` is empty and only the chain is followed.
 */
function readStream(bytes: Buffer, at: number): XrefSection | null {
  const header = objectHeaderAt(bytes, at);
  if (!header) return null;
  const dict = dictAt(bytes, header.end);
  if (!dict) return null;
  const top = topLevel(dict.body);
  if (!/\/Type\s*\/XRef(?![\w])/.test(top)) return null;
  const section: XrefSection = {
    kind: 'stream',
    entries: [],
    prev: intOf(top, 'Prev'),
    hasRoot: /\/Root\s*\d+\s+\d+\s+R/.test(top),
  };
  const w = intsOf(top, 'W');
  const size = intOf(top, 'Size');
  const filters = /\/Filter\s*(\[[^\]]*\]|\/\w+)/.exec(top)?.[1]?.match(/\/\w+/g) ?? [];
  const predictor = intOf(dict.body, 'Predictor') ?? 1;
  const columns = intOf(dict.body, 'Columns') ?? 1;
  if (!w || w.length !== 3 || size === undefined) return section;
  if (filters.some((f) => f !== '/FlateDecode') || filters.length > 1 || (predictor > 1 && predictor < 10)) {
    return section;
  }
  let pos = skipSpace(bytes, dict.end);
  const kw = /^stream(\r\n|\n|\r)/.exec(text(bytes, pos, pos + 8));
  if (!kw) return section;
  pos += kw[0].length;
  const length = intOf(top, 'Length');
  const end = length !== undefined ? pos + length : bytes.indexOf('endstream', pos);
  if (end < pos || end > bytes.length) return section;
  let data: Buffer = bytes.subarray(pos, end);
  if (filters.length) {
    try {
      // Raw inflate past the 2-byte zlib header: like pdf.js, no Adler-32 check at the end.
      data = inflateRawSync(data.subarray(2), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return section;
    }
  }
  const width = w[0]! + w[1]! + w[2]!;
  if (predictor >= 10) data = unpredict(data, columns);
  const index = intsOf(top, 'Index') ?? [0, size];
  const field = (row: number, from: number, n: number, dflt: number) => {
    if (n === 0) return dflt;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + data[row * width + from + i]!;
    return v;
  };
  let row = 0;
  for (let i = 0; i + 1 < index.length; i += 2) {
    for (let k = 0; k < index[i + 1]!; k++, row++) {
      if ((row + 1) * width > data.length) return section;
      if (field(row, 0, w[0]!, 1) !== 1) continue; // 0 free, 2 inside an object stream
      section.entries.push({
        num: index[i]! + k,
        offset: field(row, w[0]!, w[1]!, 0),
        gen: field(row, w[0]! + w[1]!, w[2]!, 0),
      });
    }
  }
  return section;
}

const readSection = (bytes: Buffer, at: number) =>
  at >= 0 && at < bytes.length ? (readTable(bytes, at) ?? readStream(bytes, at)) : null;

/** Where "N G obj" really starts, for the message; -1 when the object is nowhere. */
function findObject(bytes: Buffer, num: number, gen: number): number {
  const m = new RegExp(`(?<![0-9])${num}\\s+${gen}\\s+obj(?![A-Za-z])`).exec(bytes.toString('latin1'));
  return m ? m.index : -1;
}

/** The last classic "xref" keyword (not the one in "startxref"), to describe a table nobody points at. */
function lastXrefKeyword(bytes: Buffer): number {
  for (let at = bytes.lastIndexOf('xref'); at > 0; at = bytes.lastIndexOf('xref', at - 1)) {
    if (isSpace(bytes[at - 1])) return at;
  }
  return bytes.indexOf('xref') === 0 ? 0 : -1;
}

/** What the cross-reference structure of a PDF looks like, measured on its bytes. */
export interface PdfStructure {
  /** %%EOF within the last 1 KB. */
  hasEof: boolean;
  /** The value of the last startxref, or null when there is none. */
  startxref: number | null;
  /**
   * The first pointer (startxref, a /Prev or a hybrid file's /XRefStm) that does not land on a
   * readable cross-reference section; `table` when an "xref" keyword is there but its entries or
   * trailer do not parse.
   */
  brokenPointer?: { from: 'startxref' | '/Prev' | '/XRefStm'; at: number; table: boolean };
  /** Sections reached from startxref, or the last table in the file when none is reachable. */
  sections: { at: number; kind: 'table' | 'stream'; entries: number; reachable: boolean }[];
  /** In-use entries whose offsets were checked against the object they name. */
  checkedOffsets: number;
  /** Entries that do not land on "N G obj" for their object; `actual` is where it is (-1: nowhere). */
  wrongOffsets: (XrefEntry & { actual: number })[];
  /** Some trailer (or xref stream dictionary) names the catalog. */
  hasRoot: boolean;
}

export function inspectPdfStructure(bytes: Buffer): PdfStructure {
  const startxrefAt = bytes.lastIndexOf('startxref');
  const pointer = startxrefAt < 0 ? null : /^startxref\s+(\d+)/.exec(text(bytes, startxrefAt, startxrefAt + 40));
  const report: PdfStructure = {
    hasEof: bytes.indexOf('%%EOF', Math.max(0, bytes.length - TAIL)) >= 0,
    startxref: pointer ? Number(pointer[1]) : null,
    sections: [],
    checkedOffsets: 0,
    wrongOffsets: [],
    hasRoot: false,
  };
  const found: XrefSection[] = [];
  if (report.startxref !== null) {
    const queue: { at: number; from: 'startxref' | '/Prev' | '/XRefStm' }[] = [
      { at: report.startxref, from: 'startxref' },
    ];
    const seen = new Set<number>();
    while (queue.length && found.length < MAX_SECTIONS) {
      const { at, from } = queue.shift()!;
      if (seen.has(at)) continue;
      seen.add(at);
      const section = readSection(bytes, at);
      if (!section) {
        const start = skipSpace(bytes, at);
        report.brokenPointer = { from, at, table: text(bytes, start, start + 4) === 'xref' };
        break;
      }
      found.push(section);
      report.sections.push({ at, kind: section.kind, entries: section.entries.length, reachable: true });
      if (section.xrefStm !== undefined) queue.unshift({ at: section.xrefStm, from: '/XRefStm' });
      if (section.prev !== undefined) queue.push({ at: section.prev, from: '/Prev' });
    }
  }
  // Nothing reachable: check the table that is there, if any, so the warning says how bad it is.
  if (!found.length) {
    const at = lastXrefKeyword(bytes);
    const table = at >= 0 ? readTable(bytes, at) : null;
    if (table) {
      found.push(table);
      report.sections.push({ at, kind: 'table', entries: table.entries.length, reachable: false });
    }
  }
  for (const section of found) {
    report.hasRoot ||= section.hasRoot;
    for (const e of section.entries) {
      // Byte 0 holds the %PDF header, so no writer means it as a location: macOS Quartz lists
      // object numbers it never wrote as "0000000000 00000 n" (2 corpus PDFs), and a reference
      // to such an object reads as null (ISO 32000-1, 7.3.10).
      if (e.offset === 0) continue;
      report.checkedOffsets++;
      const header = objectHeaderAt(bytes, e.offset);
      if (e.offset >= bytes.length || !header || header.num !== e.num || header.gen !== e.gen) {
        report.wrongOffsets.push({ ...e, actual: -2 });
      }
    }
  }
  // Searching the whole file is only worth it for the one entry the warning names.
  const first = report.wrongOffsets[0];
  if (first) first.actual = findObject(bytes, first.num, first.gen);
  return report;
}

/**
 * Admin warnings for structural damage pdf.js repaired silently; empty for a sound file. Only
 * facts of the bytes are reported: where startxref and /Prev point, and which cross-reference
 * entries do not land on the object they list.
 */
export function pdfStructureWarnings(bytes: Buffer): string[] {
  const s = inspectPdfStructure(bytes);
  const warnings: string[] = [];
  if (!s.hasEof) {
    warnings.push(
      'The PDF has no %%EOF marker at its end, so the file is probably truncated (an incomplete upload or copy); ' +
        'Fennel indexed the text it could read, but text at the end may be missing.',
    );
  }
  const problems: string[] = [];
  if (s.startxref === null) problems.push('the file has no startxref pointer to it');
  const p = s.brokenPointer;
  if (p) {
    const from = p.from === 'startxref' ? 'startxref' : `a ${p.from} link`;
    problems.push(
      p.table
        ? `${from} points at a cross-reference table at byte ${p.at} whose entries or trailer do not parse`
        : `${from} points at byte ${p.at}, which is not a cross-reference section`,
    );
  }
  const lost = s.sections.find((x) => !x.reachable);
  if (lost) problems.push(`the table itself is at byte ${lost.at}`);
  const e = s.wrongOffsets[0];
  if (e) {
    const where = e.actual >= 0 ? `starts at byte ${e.actual}` : 'is not in the file';
    problems.push(
      `${s.wrongOffsets.length} of its ${s.checkedOffsets} object offsets are wrong ` +
        `(object ${e.num} is listed at byte ${e.offset} but ${where})`,
    );
  }
  if (problems.length) {
    warnings.push(
      `The PDF's cross-reference table is damaged: ${problems.join('; ')}. ` +
        'Fennel read the text by rebuilding the table from the objects in the file; check that no page is missing.',
    );
  } else if (!s.hasRoot) {
    warnings.push(
      "The PDF's trailer does not name its document catalog (/Root); Fennel read the text by scanning the file for it.",
    );
  }
  return warnings;
}
