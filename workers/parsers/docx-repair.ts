// What mammoth cannot take as it is, mended in the document part before it reads the file.
// Most documents need neither repair and are passed through untouched.
//
// - Mammoth ignores <w:gridBefore> (a table row that starts a few grid columns late), so such a
//   row's cells slide left and its vertical merges attach to the wrong column. Padding those rows
//   with empty cells first keeps every cell in its column.
// - A reference to a relationship the part does not define (a picture whose image relationship
//   a converter dropped) makes mammoth throw a TypeError ("Cannot read properties of undefined
//   (reading 'charAt')") and the whole file fail. Dropping the dangling reference turns it into
//   a picture without an image, which mammoth skips with a message, and the text survives.
import JSZip from 'jszip';

const DOCUMENT_PART = 'word/document.xml';
const DOCUMENT_RELS = 'word/_rels/document.xml.rels';
// <w:trPr> never nests, so this stays inside one row's properties.
const ROW_STARTING_LATE = /<w:trPr>(?:(?!<\/w:trPr>)[\s\S])*?<w:gridBefore w:val="(\d+)"\s*\/>[\s\S]*?<\/w:trPr>/g;
const EMPTY_CELL = '<w:tc><w:tcPr/><w:p/></w:tc>';
/** r:embed / r:link (DrawingML pictures), r:id (VML pictures, hyperlinks) and their values. */
const RELATIONSHIP_REF = /\sr:(embed|link|id)="([^"]*)"/g;

export interface RepairedDocx {
  bytes: Buffer;
  /** Admin warnings for what was mended; empty when nothing was. */
  warnings: string[];
}

export async function repairForMammoth(bytes: Buffer): Promise<RepairedDocx> {
  const zip = await JSZip.loadAsync(bytes);
  const part = zip.file(DOCUMENT_PART);
  if (!part) return { bytes, warnings: [] };
  let xml = await part.async('string');
  const warnings: string[] = [];
  let changed = false;

  if (xml.includes('<w:gridBefore')) {
    xml = xml.replace(ROW_STARTING_LATE, (trPr, n: string) => trPr + EMPTY_CELL.repeat(Math.min(Number(n), 64)));
    changed = true;
  }

  const rels = (await zip.file(DOCUMENT_RELS)?.async('string')) ?? '';
  const defined = new Set([...rels.matchAll(/\sId="([^"]*)"/g)].map((m) => m[1]!));
  const dangling = new Set<string>();
  xml = xml.replace(RELATIONSHIP_REF, (attr, _kind: string, id: string) => {
    if (defined.has(id)) return attr;
    dangling.add(id);
    return '';
  });
  if (dangling.size) {
    changed = true;
    const ids = [...dangling].slice(0, 5).join(', ');
    warnings.push(
      `The document refers to ${dangling.size === 1 ? 'a relationship' : `${dangling.size} relationships`} it does not define (${ids}${dangling.size > 5 ? ', …' : ''}), usually a picture whose image was dropped; Fennel ignored ${dangling.size === 1 ? 'that reference' : 'those references'} and read the text.`,
    );
  }

  if (!changed) return { bytes, warnings };
  zip.file(DOCUMENT_PART, xml);
  // Stored, not deflated: the buffer only lives until mammoth has read it.
  return { bytes: await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' }), warnings };
}
