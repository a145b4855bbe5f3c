// The checks every OOXML parser runs before a library sees the bytes: encrypted and legacy
// OLE2 files named .docx/.xlsx/.pptx, non-zips, zip bombs, and archives without the main part.
import { ParseError } from './parsed-document';
import { inspectZip, type ZipLimits, type ZipSummary } from './zip-guard';

export type OoxmlKind = 'docx' | 'xlsx' | 'pptx';

const MAIN_PART: Record<OoxmlKind, string> = {
  docx: 'word/document.xml',
  xlsx: 'xl/workbook.xml',
  pptx: 'ppt/presentation.xml',
};

const LEGACY_NAME: Record<OoxmlKind, string> = { docx: '.doc', xlsx: '.xls', pptx: '.ppt' };

const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
// Office stores a password-protected OOXML file as an OLE2 compound file with these streams.
const ENCRYPTED_STREAM = Buffer.from('EncryptedPackage', 'utf16le');

export interface OoxmlOpenOptions {
  password?: string;
  zipLimits?: Partial<ZipLimits>;
}

export async function openOoxml(bytes: Buffer, kind: OoxmlKind, opts: OoxmlOpenOptions = {}): Promise<ZipSummary> {
  const label = kind.toUpperCase();
  if (bytes.length === 0) throw new ParseError('empty', 'The file is empty (0 bytes).');
  if (bytes.subarray(0, 8).equals(OLE2_MAGIC)) {
    if (bytes.includes(ENCRYPTED_STREAM)) {
      const tried = opts.password ? ' A password was given, but' : '';
      throw new ParseError(
        'encrypted',
        `The ${label} file is password-protected.${tried} Fennel cannot decrypt Office files; save a copy without a password and upload that.`,
      );
    }
    throw new ParseError(
      'unsupported_type',
      `This is a legacy binary Office file (${LEGACY_NAME[kind]}), not a ${label}; save it as ${label} and upload it again.`,
    );
  }
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new ParseError('corrupt', `The file is not a valid ${label} document (it is not a ZIP package).`);
  }
  const summary = await inspectZip(bytes, opts.zipLimits);
  if (summary.entries.length === 0) {
    throw new ParseError('corrupt', `The file is an empty ZIP archive, not a ${label} document.`);
  }
  if (!summary.entries.includes(MAIN_PART[kind])) {
    throw new ParseError('corrupt', `The ZIP archive has no ${MAIN_PART[kind]}, so it is not a ${label} document.`);
  }
  return summary;
}

/** Library failures on a package that passed the guard mean the content itself is broken. */
export function asCorrupt(err: unknown, kind: OoxmlKind): ParseError {
  if (err instanceof ParseError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ParseError('corrupt', `The ${kind.toUpperCase()} file could not be read: ${detail.slice(0, 200)}`);
}
