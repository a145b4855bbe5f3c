// "Parsed with warnings" for DOCX: of mammoth's messages, only those that say the file is
// damaged reach the admin; style and element notes about the conversion stay in metadata.
import { Document, ImageRun, Packer, Paragraph, TextRun } from 'docx';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { DocxParser } from '../../../workers/parsers/docx.parser';
import { corpusBytes, corpusFiles } from './fixtures-corpus';

const parse = (bytes: Buffer, filename = 'doc.docx') => new DocxParser().parse({ bytes, filename });
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

async function docWithPicture(): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ children: [new TextRun('A report with a logo.')] }),
          new Paragraph({
            children: [new ImageRun({ type: 'png', data: PNG_1PX, transformation: { width: 20, height: 20 } })],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

describe('DOCX warnings', () => {
  it.each(corpusFiles('docx'))('finds nothing wrong with docx/%s, whatever mammoth noted', async (file) => {
    const doc = await parse(corpusBytes(`docx/${file}`), file);
    expect(doc.warnings).toBeUndefined();
    expect(Array.isArray(doc.metadata.warnings)).toBe(true);
  });

  it('keeps mammoth conversion notes in metadata', async () => {
    const doc = await parse(corpusBytes('docx/docling_word_sample.docx'));
    expect(doc.metadata.warnings).toContain("Unrecognised paragraph style: 'Author' (Style ID: Author)");
  });

  it('finds nothing wrong with a generated document with a picture', async () => {
    expect((await parse(await docWithPicture())).warnings).toBeUndefined();
  });

  it('names a picture whose blip does not say which image it shows', async () => {
    const zip = await JSZip.loadAsync(await docWithPicture());
    const body = await zip.file('word/document.xml')!.async('string');
    zip.file('word/document.xml', body.replace(/(<a:blip\b[^>]*?)\s+r:embed="[^"]*"/, '$1'));
    const doc = await parse(await zip.generateAsync({ type: 'nodebuffer' }));
    expect(doc.warnings).toEqual([
      '1 picture has no image reference (an a:blip without r:embed or r:link); Fennel skipped the pictures and read the text.',
    ]);
    expect(doc.blocks[0]).toMatchObject({ kind: 'paragraph', text: 'A report with a logo.' });
  });

  it('reads a document whose picture points at an image relationship that is gone', async () => {
    const zip = await JSZip.loadAsync(await docWithPicture());
    const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
    const image = /<Relationship [^>]*Id="([^"]+)"[^>]*\/image"[^>]*\/>/.exec(rels)!;
    zip.file('word/_rels/document.xml.rels', rels.replace(image[0], ''));
    // Before the repair, mammoth threw "Cannot read properties of undefined (reading 'charAt')".
    const doc = await parse(await zip.generateAsync({ type: 'nodebuffer' }));
    expect(doc.warnings).toContain(
      `The document refers to a relationship it does not define (${image[1]}), usually a picture whose image was dropped; Fennel ignored that reference and read the text.`,
    );
    expect(doc.blocks[0]).toMatchObject({ kind: 'paragraph', text: 'A report with a logo.' });
  });
});
