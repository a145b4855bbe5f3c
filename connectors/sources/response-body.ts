import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** A failure with a reason worth showing to an administrator as is. */
export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/**
 * Reads a response body, giving up as soon as it passes `maxBytes` — before and after decoding,
 * so neither a huge download nor a small compression bomb gets buffered in full.
 */
export async function readBodyLimited(
  body: Readable,
  maxBytes: number,
  declaredLength: string | undefined,
  contentEncoding: string | undefined,
): Promise<Buffer> {
  // Destroying an unfinished undici body emits an abort error; giving up early is not a failure.
  body.on('error', () => undefined);
  const declared = declaredLength === undefined ? NaN : Number(declaredLength);
  if (declared > maxBytes) {
    body.destroy();
    throw new FetchError(`response is ${declared} bytes, over the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      body.destroy();
      throw new FetchError(`response exceeds the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  return decodeContent(Buffer.concat(chunks), (contentEncoding ?? '').trim().toLowerCase(), maxBytes);
}

async function decodeContent(raw: Buffer, encoding: string, maxBytes: number): Promise<Buffer> {
  // We never ask for compression, but some servers send it anyway.
  if (encoding === '' || encoding === 'identity') return raw;
  if (encoding === 'gzip' || encoding === 'x-gzip') return decompressLimited(raw, maxBytes, 'gzip');
  if (encoding === 'deflate') return decompressLimited(raw, maxBytes, 'deflate');
  if (encoding === 'br') return decompressLimited(raw, maxBytes, 'br');
  throw new FetchError(`unsupported Content-Encoding "${encoding}"`);
}

export async function decompressLimited(
  raw: Buffer,
  maxBytes: number,
  kind: 'gzip' | 'deflate' | 'br',
): Promise<Buffer> {
  try {
    const options = { maxOutputLength: maxBytes };
    if (kind === 'gzip') return await gunzip(raw, options);
    if (kind === 'deflate') return await inflate(raw, options);
    return await brotli(raw, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new FetchError(`decompressed response exceeds the ${maxBytes}-byte limit`);
    }
    throw new FetchError(`cannot decompress ${kind} content: ${(error as Error).message}`);
  }
}

export function isGzip(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
