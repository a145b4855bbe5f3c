// Zip-bomb guard for OOXML packages. Office libraries (mammoth, exceljs, JSZip) inflate whole
// parts into memory, so a 400 KB archive can cost gigabytes before they notice anything. This
// streams every entry once, counting the bytes that really come out of the inflater, and stops
// at the first limit crossed; the headers' declared sizes are checked too but never trusted.
import * as yauzl from 'yauzl';
import { ParseError } from './parsed-document';

export interface ZipLimits {
  /** Entries in the central directory, directories included. */
  maxEntries: number;
  /** Real inflated bytes across all entries. */
  maxTotalBytes: number;
  /** Real inflated bytes of any one entry. */
  maxEntryBytes: number;
  /** Inflated : compressed ratio allowed for an entry once it is past `ratioFloorBytes`. */
  maxRatio: number;
  /** Small parts (styles, rels) legitimately compress very well; ratio only counts above this. */
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 10_000,
  maxTotalBytes: 200 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
});

export interface ZipSummary {
  /** File entries (no directories) in central-directory order. */
  entries: string[];
  /** Real inflated bytes of all entries. */
  totalBytes: number;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

const bomb = (message: string) => new ParseError('zip_bomb', `The file looks like a zip bomb: ${message}.`);

/** Throws ParseError('zip_bomb' | 'too_large' | 'corrupt' | 'encrypted') unless the archive is safe to inflate. */
export async function checkZip(bytes: Buffer, limits?: Partial<ZipLimits>): Promise<void> {
  await inspectZip(bytes, limits);
}

/** Like checkZip, and returns what it saw so callers need not open the archive again to list it. */
export async function inspectZip(bytes: Buffer, limits: Partial<ZipLimits> = {}): Promise<ZipSummary> {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: false, decodeStrings: true });
  } catch (err) {
    throw new ParseError(
      'corrupt',
      `The file is not a readable ZIP archive (${reason(err)}); it may be truncated or damaged.`,
    );
  }
  try {
    if (zip.entryCount > lim.maxEntries) {
      throw bomb(
        `it holds ${zip.entryCount.toLocaleString('en')} entries, more than the limit of ${lim.maxEntries.toLocaleString('en')}`,
      );
    }
    const summary: ZipSummary = { entries: [], totalBytes: 0 };
    let declaredTotal = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (entry.isEncrypted()) {
        throw new ParseError(
          'encrypted',
          `The archive entry "${entry.fileName}" is encrypted; Fennel cannot read encrypted archives.`,
        );
      }
      declaredTotal += entry.uncompressedSize;
      checkDeclared(entry, declaredTotal, lim);
      summary.totalBytes += await inflateCounting(zip, entry, summary.totalBytes, lim);
      summary.entries.push(entry.fileName);
    }
    return summary;
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError('corrupt', `The ZIP archive is damaged (${reason(err)}).`);
  } finally {
    zip.close();
  }
}

/** Cheap early exit on what the central directory admits to; an honest but huge file is 'too_large'. */
function checkDeclared(entry: yauzl.Entry, declaredTotal: number, lim: ZipLimits): void {
  const size = entry.uncompressedSize;
  const ratio = size / Math.max(entry.compressedSize, 1);
  if (size > lim.ratioFloorBytes && ratio > lim.maxRatio) {
    throw bomb(
      `"${entry.fileName}" declares ${formatBytes(size)} from ${formatBytes(entry.compressedSize)} compressed (${Math.round(ratio)}:1, limit ${lim.maxRatio}:1)`,
    );
  }
  if (size > lim.maxEntryBytes) {
    throw new ParseError(
      'too_large',
      `The document part "${entry.fileName}" is ${formatBytes(size)} uncompressed; the limit is ${formatBytes(lim.maxEntryBytes)}.`,
    );
  }
  if (declaredTotal > lim.maxTotalBytes) {
    throw new ParseError(
      'too_large',
      `The document is more than ${formatBytes(lim.maxTotalBytes)} uncompressed (the limit).`,
    );
  }
}

/** Inflates one entry into the void, returning its real size; aborts the inflater at the first limit. */
async function inflateCounting(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  totalBefore: number,
  lim: ZipLimits,
): Promise<number> {
  const stream = await zip.openReadStreamPromise(entry);
  const ratioCap = Math.max(lim.ratioFloorBytes, entry.compressedSize * lim.maxRatio);
  let count = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      count += chunk.length;
      if (count > entry.uncompressedSize) {
        throw bomb(`"${entry.fileName}" inflates past the ${formatBytes(entry.uncompressedSize)} its header declares`);
      }
      if (count > lim.maxEntryBytes) {
        throw bomb(`"${entry.fileName}" inflates past ${formatBytes(lim.maxEntryBytes)}`);
      }
      if (totalBefore + count > lim.maxTotalBytes) {
        throw bomb(`the archive inflates past ${formatBytes(lim.maxTotalBytes)}`);
      }
      if (count > ratioCap) {
        throw bomb(
          `"${entry.fileName}" inflates past ${formatBytes(count)} from ${formatBytes(entry.compressedSize)} compressed (limit ${lim.maxRatio}:1)`,
        );
      }
    }
  } finally {
    stream.destroy();
  }
  if (count !== entry.uncompressedSize) {
    throw new ParseError(
      'corrupt',
      `The ZIP entry "${entry.fileName}" is shorter than its header says; the file is damaged.`,
    );
  }
  return count;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
