// Bytes -> string for text formats: BOM first, then strict UTF-8, then UTF-16/32 shapes
// without a BOM, then a statistical guess (GB18030, Big5, Shift_JIS, cp1252, …).
import chardet from 'chardet';
import iconv from 'iconv-lite';

export interface DecodedText {
  text: string;
  encoding: string;
  /**
   * Set when no BOM, UTF-8 or UTF-16 shape decided and the encoding is chardet's statistical
   * guess. `confidence` is chardet's 0–100 score (0: nothing fit, windows-1252 was assumed);
   * `singleByte` tells a legacy 8-bit code page (ISO-8859-x, windows-125x, KOI8-R, …), which
   * decodes any bytes at all, from a multi-byte CJK encoding, whose byte patterns are telling.
   */
  guess?: { confidence: number; singleByte: boolean; label: string };
}

/** chardet's multi-byte encodings; every other name it returns is a single-byte code page. */
const MULTI_BYTE = /^(utf|gb|big5|euc|shift_jis|iso-2022)/i;

function utf32(bytes: Buffer, littleEndian: boolean, start: number): string {
  const cps: number[] = [];
  for (let i = start; i + 3 < bytes.length; i += 4) {
    cps.push(littleEndian ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i));
  }
  let out = '';
  for (let i = 0; i < cps.length; i += 4096) out += String.fromCodePoint(...cps.slice(i, i + 4096));
  return out;
}

/** Share of zero bytes at even/odd offsets tells UTF-16 LE/BE text without a BOM. */
function guessUtf16(bytes: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero / pairs > 0.3 && evenZero / pairs < 0.05) return 'utf-16le';
  if (evenZero / pairs > 0.3 && oddZero / pairs < 0.05) return 'utf-16be';
  return null;
}

export function decodeText(bytes: Buffer): DecodedText {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x0000feff) {
    return { text: utf32(bytes, false, 4), encoding: 'utf-32be' };
  }
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xfffe0000) {
    return { text: utf32(bytes, true, 4), encoding: 'utf-32le' };
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: iconv.decode(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: iconv.decode(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  }
  const u16 = guessUtf16(bytes);
  if (u16) return { text: iconv.decode(bytes, u16), encoding: u16 };
  try {
    return { text: repairMojibake(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), encoding: 'utf-8' };
  } catch {
    // not UTF-8: fall through to detection
  }
  const candidates = chardet.analyse(bytes).filter((c) => iconv.encodingExists(c.name));
  // chardet often calls GBK text "GB18030" or Big5 text "Big5"; both are right. Prefer a CJK
  // reading when it is among the confident guesses, since single-byte guesses decode anything.
  const cjk = candidates.find((c) => /gb|big5|euc|shift_jis/i.test(c.name) && c.confidence >= 50);
  const pick = cjk ?? candidates[0];
  const encoding = pick ? pick.name.toLowerCase() : 'windows-1252';
  return {
    text: iconv.decode(bytes, encoding),
    encoding,
    guess: { confidence: pick?.confidence ?? 0, singleByte: !MULTI_BYTE.test(encoding), label: pick?.name ?? encoding },
  };
}

/**
 * Below this chardet score a guess is a coin toss. Measured: GB18030, Big5 and Shift_JIS text
 * scores 100; a German Latin-1 sentence 66; the corpus's Latin-1 Markdown 57 (ISO-8859-2 ties
 * it); a French cp1252 sentence 29, with windows-1254 at 23.
 */
export const LOW_CONFIDENCE = 50;

/**
 * The admin warning for a decode that rested on a guess, if it deserves one. Markdown is UTF-8
 * by convention, so any single-byte guess is worth a look; a plain-text file in GBK, Big5 or
 * UTF-16 is normal, so text files are only flagged when the guess itself is weak.
 */
export function encodingWarning(decoded: DecodedText, format: 'markdown' | 'txt'): string | undefined {
  const g = decoded.guess;
  if (!g) return undefined;
  const weak = g.confidence < LOW_CONFIDENCE;
  if (!weak && !(format === 'markdown' && g.singleByte)) return undefined;
  const what = format === 'markdown' ? 'The Markdown file is not UTF-8' : 'The text file is not UTF-8';
  const how =
    g.confidence === 0
      ? `no encoding fitted its bytes, so Fennel assumed ${g.label}`
      : `Fennel decoded it as ${g.label}, a guess from its bytes (${g.confidence}% confidence)`;
  return `${what}; ${how} — check that accented and special characters read correctly, or save it as UTF-8.`;
}

// A run of Latin-1 characters that spells valid UTF-8 lead + continuation bytes.
const MOJIBAKE = /[\u00c2-\u00f4][\u0080-\u00bf]{1,3}/g;

/**
 * Repairs text that was UTF-8, misread as Latin-1/cp1252 and saved as UTF-8 again ("â\u0080\u0093"
 * for "–", "Ã©" for "é") — common in scraped pages. Only runs that decode to valid UTF-8 and
 * carry a telltale (a C1 control character, or Ã/Â before a Latin-1 sign) are replaced, so real
 * Latin-1 letters stay as they are.
 */
export function repairMojibake(text: string): string {
  return text.replace(MOJIBAKE, (run) => {
    if (!/[\u0080-\u009f]/.test(run) && !/^[\u00c2\u00c3][\u00a0-\u00bf]$/.test(run)) return run;
    const bytes = Buffer.from(run, 'latin1');
    try {
      const fixed = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return fixed.length === 1 ? fixed : run;
    } catch {
      return run;
    }
  });
}

/** True when the bytes look like text rather than a binary format. */
export function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.length === 0) return true;
  if (guessUtf16(sample) || (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    return true;
  }
  let control = 0;
  for (const b of sample) {
    if (b === 0) return false;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control / sample.length < 0.02;
}
