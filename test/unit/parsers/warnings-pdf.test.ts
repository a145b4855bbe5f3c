// "Parsed with warnings" for PDFs: structural damage pdf.js repairs silently is measured on the
// bytes (pdf-structure.ts) and reported by the registry after a successful parse.
import { describe, expect, it } from 'vitest';
import { ParserRegistry } from '../../../workers/parsers/parser-registry';
import { inspectPdfStructure, pdfStructureWarnings } from '../../../workers/parsers/pdf-structure';
import { corpusBytes, corpusFiles } from './fixtures-corpus';
import { render } from './fixtures-pdf';

const helloPdf = () =>
  render({ compress: false }, (doc) => {
    doc.addPage({ size: 'A6', margin: 0 });
    doc.font('Helvetica').fontSize(12).text('Hello from a sound PDF.', 20, 20, { lineBreak: false });
  });

/** The bytes with `find` (latin1) replaced once by `by`. */
function patch(bytes: Buffer, find: string | RegExp, by: string): Buffer {
  const s = bytes.toString('latin1');
  const out = s.replace(find, by);
  expect(out).not.toBe(s);
  return Buffer.from(out, 'latin1');
}

describe('PDF structure warnings on the corpus', () => {
  it.each(corpusFiles('pdf'))('finds nothing wrong with pdf/%s, having checked its cross-references', (file) => {
    const bytes = corpusBytes(`pdf/${file}`);
    expect(pdfStructureWarnings(bytes)).toEqual([]);
    // Not vacuous: every sound file's tables or xref streams were decoded and their offsets checked.
    const s = inspectPdfStructure(bytes);
    expect(s.sections.every((x) => x.reachable)).toBe(true);
    expect(s.checkedOffsets).toBeGreaterThan(10);
    expect(s.wrongOffsets).toEqual([]);
  });

  it('names the broken xref of pdfjs_helloworld-bad.pdf: where startxref points and which offsets are off', () => {
    const bytes = corpusBytes('malformed/pdfjs_helloworld-bad.pdf');
    expect(pdfStructureWarnings(bytes)).toEqual([
      "The PDF's cross-reference table is damaged: startxref points at byte 492, which is not a cross-reference " +
        'section; the table itself is at byte 544; 4 of its 5 object offsets are wrong (object 2 is listed at ' +
        'byte 79 but starts at byte 88). Fennel read the text by rebuilding the table from the objects in the ' +
        'file; check that no page is missing.',
    ]);
  });

  it('reports it through the registry on a successful parse, with the text recovered', async () => {
    const doc = await new ParserRegistry().parse({
      bytes: corpusBytes('malformed/pdfjs_helloworld-bad.pdf'),
      filename: 'pdfjs_helloworld-bad.pdf',
    });
    expect(doc.blocks.map((b) => ('text' in b ? b.text : ''))).toContain('Hello, world!');
    expect(doc.warnings).toEqual([expect.stringMatching(/^The PDF's cross-reference table is damaged: startxref/)]);
  });

  it('finds no damage in unstructured_invalid-pdf-structure-pdfminer-one-page.pdf, which is sound', () => {
    // Its name records an old pdfminer failure, not a defect: both xref streams (linearized,
    // /Prev chain 116 -> 1256338) land every one of their 351 offsets on the right object, its
    // stream lengths and linearization hints are consistent, and pdf.js and current pdfminer
    // read it without a warning. unstructured's own tests now say it "is *not* an invalid PDF".
    const bytes = corpusBytes('malformed/unstructured_invalid-pdf-structure-pdfminer-one-page.pdf');
    const s = inspectPdfStructure(bytes);
    expect(s.sections.map((x) => [x.at, x.kind])).toEqual([
      [116, 'stream'],
      [1256338, 'stream'],
    ]);
    expect([s.checkedOffsets, s.wrongOffsets.length]).toEqual([351, 0]);
    expect(pdfStructureWarnings(bytes)).toEqual([]);
  });
});

describe('PDF structure warnings on damaged copies of a sound PDF', () => {
  it('sees nothing wrong with the original', async () => {
    const bytes = await helloPdf();
    expect(pdfStructureWarnings(bytes)).toEqual([]);
    expect(inspectPdfStructure(bytes).checkedOffsets).toBeGreaterThan(3);
  });

  it('names every offset shifted by bytes inserted after the header', async () => {
    const bytes = patch(await helloPdf(), /^(%PDF-1\.\d)\n/, '$1\n%junk\n');
    const [warning] = pdfStructureWarnings(bytes);
    expect(warning).toMatch(/startxref points at byte \d+, which is not a cross-reference section/);
    expect(warning).toMatch(/the table itself is at byte \d+; (\d+) of its \1 object offsets are wrong/);
  });

  it('names wrong offsets when startxref is right', async () => {
    const original = await helloPdf();
    // Lengthen the first object by two spaces: every later object moves, the table does not.
    const bytes = patch(original, /(\n1 0 obj\n)/, '$1  ');
    const fixedPointer = patch(bytes, /startxref\n(\d+)/, `startxref\n${bytes.indexOf('\nxref\n') + 1}`);
    const [warning] = pdfStructureWarnings(fixedPointer);
    expect(warning).toMatch(/^The PDF's cross-reference table is damaged: \d+ of its \d+ object offsets are wrong/);
    expect(warning).toMatch(/object \d+ is listed at byte (\d+) but starts at byte \d+/);
  });

  it('names a table startxref reaches but whose trailer is gone', async () => {
    const bytes = patch(await helloPdf(), /\ntrailer\n/, '\n');
    expect(pdfStructureWarnings(bytes)).toEqual([
      expect.stringMatching(
        /damaged: startxref points at a cross-reference table at byte \d+ whose entries or trailer do not parse/,
      ),
    ]);
  });

  it('calls a file without %%EOF truncated', async () => {
    const bytes = patch(await helloPdf(), /%%EOF\s*$/, '');
    expect(pdfStructureWarnings(bytes)).toEqual([expect.stringMatching(/no %%EOF marker .* probably truncated/)]);
  });

  it('notices a trailer that names no catalog', async () => {
    const bytes = patch(await helloPdf(), /(trailer\n<<[^]*?)\/Root/, '$1/Xoot');
    expect(pdfStructureWarnings(bytes)).toEqual([
      expect.stringMatching(/does not name its document catalog \(\/Root\)/),
    ]);
  });
});
