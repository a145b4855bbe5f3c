// HTML bytes -> string. A byte-order mark wins; then the charset the page declares
// (<meta charset>, http-equiv Content-Type, <?xml encoding?>); then sniffing (UTF-16 shape,
// strict UTF-8, statistical guess) as for plain text.
import iconv from 'iconv-lite';
import { decodeText } from './text-decoding';

export interface DecodedHtml {
  html: string;
  encoding: string;
  /** The charset the page claims, when it differs from the one used. */
  declared?: string;
}

/** Bytes searched for a declaration; real pages put it in <head>, sometimes after long scripts. */
const PRESCAN_BYTES = 8192;

const DECLARATIONS = [/<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i, /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']/i];

/** WHATWG treats these labels as their supersets; iconv-lite would decode them too strictly. */
function canonical(label: string): string {
  const l = label.toLowerCase();
  if (/^(gb2312|gbk|x-gbk|gb_2312-80|csgb2312|chinese|iso-ir-58)$/.test(l)) return 'gb18030';
  if (/^(iso-8859-1|iso8859-1|latin1|l1|us-ascii|ascii|ansi_x3\.4-1968|cp819)$/.test(l)) return 'windows-1252';
  if (/^(big5|big5-hkscs|x-x-big5)$/.test(l)) return 'big5-hkscs';
  if (/^(shift_jis|sjis|ms_kanji|x-sjis)$/.test(l)) return 'shift_jis';
  return l;
}

function declaredCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, PRESCAN_BYTES).toString('latin1');
  for (const re of DECLARATIONS) {
    const m = re.exec(head);
    if (m) return canonical(m[1]!);
  }
  return undefined;
}

function isUtf8WithMultibyte(bytes: Buffer): boolean {
  if (!bytes.some((b) => b >= 0x80)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function decodeHtml(bytes: Buffer): DecodedHtml {
  const bom =
    (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) ||
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff);
  const declared = bom ? undefined : declaredCharset(bytes);
  // A page saved or converted to UTF-8 often keeps its old declaration (gb2312, latin1); real
  // GBK or Latin-1 text with non-ASCII bytes is practically never valid UTF-8.
  if (declared && !declared.startsWith('utf-') && iconv.encodingExists(declared) && !isUtf8WithMultibyte(bytes)) {
    return { html: iconv.decode(bytes, declared), encoding: declared };
  }
  const sniffed = decodeText(bytes);
  // Undeclared Western text is cp1252 in practice (€, curly quotes in 0x80–0x9F).
  const encoding = /^(iso-8859-1|ascii|us-ascii)$/.test(sniffed.encoding) ? 'windows-1252' : sniffed.encoding;
  const html = encoding === sniffed.encoding ? sniffed.text : iconv.decode(bytes, encoding);
  return { html, encoding, ...(declared && declared !== encoding ? { declared } : {}) };
}
