// Hand-built ZIP archives for the zip-bomb tests: JSZip and friends refuse to write headers
// that lie about sizes, and would take seconds to deflate a gigabyte.
import zlib from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  method: 0 | 8;
  /** Bytes as stored in the archive (raw deflate for method 8). */
  data: Buffer;
  /** What the headers claim the entry inflates to. */
  declaredSize: number;
  crc32: number;
}

export const MB = 1024 * 1024;

export function deflated(name: string, content: Buffer | string): ZipEntrySpec {
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { name, method: 8, data: zlib.deflateRawSync(raw), declaredSize: raw.length, crc32: zlib.crc32(raw) };
}

export function stored(name: string, content: Buffer): ZipEntrySpec {
  return { name, method: 0, data: content, declaredSize: content.length, crc32: zlib.crc32(content) };
}

let zeroBlock: Buffer | undefined;

/**
 * A deflate stream of `megabytes` MB of zeros in ~1 KB per MB, built in milliseconds by repeating
 * one byte-aligned, non-final block and closing with an empty final block. `declaredSize`
 * defaults to the truth; pass a smaller number to make the headers lie.
 */
export function zeros(name: string, megabytes: number, declaredSize = megabytes * MB): ZipEntrySpec {
  zeroBlock ??= zlib.deflateRawSync(Buffer.alloc(MB), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const data = Buffer.concat([...Array<Buffer>(megabytes).fill(zeroBlock), zlib.deflateRawSync(Buffer.alloc(0))]);
  // The guard never checks CRCs (it stops long before the end), so none is computed for a gigabyte.
  return { name, method: 8, data, declaredSize, crc32: 0 };
}

export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(e.crc32 >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, e.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(e.crc32 >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The smallest parts a package needs to be taken for a DOCX/XLSX/PPTX by name. */
export function officeSkeleton(mainPart: string, mainContent: ZipEntrySpec['data'] | ZipEntrySpec): ZipEntrySpec[] {
  return [
    deflated(
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    Buffer.isBuffer(mainContent) ? deflated(mainPart, mainContent) : { ...mainContent, name: mainPart },
  ];
}
