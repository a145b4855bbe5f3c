// Mammoth ignores <w:gridBefore> (a table row that starts a few grid columns late), so such a
// row's cells slide left and its vertical merges attach to the wrong column. Padding those rows
// with empty cells first keeps every cell in its column. Most documents never use it and are
// passed through untouched.
import JSZip from 'jszip';

const DOCUMENT_PART = 'word/document.xml';
// <w:trPr> never nests, so this stays inside one row's properties.
const ROW_STARTING_LATE = /<w:trPr>(?:(?!<\/w:trPr>)[\s\S])*?<w:gridBefore w:val="(\d+)"\s*\/>[\s\S]*?<\/w:trPr>/g;
const EMPTY_CELL = '<w:tc><w:tcPr/><w:p/></w:tc>';

export async function padRowsStartingLate(bytes: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const part = zip.file(DOCUMENT_PART);
  if (!part) return bytes;
  const xml = await part.async('string');
  if (!xml.includes('<w:gridBefore')) return bytes;
  const patched = xml.replace(
    ROW_STARTING_LATE,
    (trPr, n: string) => trPr + EMPTY_CELL.repeat(Math.min(Number(n), 64)),
  );
  zip.file(DOCUMENT_PART, patched);
  // Stored, not deflated: the buffer only lives until mammoth has read it.
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}
