import { Document, Packer, Paragraph } from 'docx';
import { beforeAll, describe, expect, it } from 'vitest';
import { DocxParser } from '../../../workers/parsers/docx.parser';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import type { Block, ParsedDocument } from '../../../workers/parsers/parsed-document';
import { buildDocx, DOCX_FOOTER_TEXT, DOCX_HEADER_TEXT } from './fixtures-office';
import { corpusBytes, corpusFiles, recallAgainst, expectParseError } from './fixtures-corpus';

const parser = new DocxParser();
const parse = (bytes: Buffer, filename = 'doc.docx') => parser.parse({ bytes, filename });
const ofKind = <K extends Block['kind']>(doc: ParsedDocument, kind: K) =>
  doc.blocks.filter((b): b is Extract<Block, { kind: K }> => b.kind === kind);

const failure = (bytes: Buffer, filename: string) => expectParseError(parse(bytes, filename));

describe('DocxParser on a generated document', () => {
  let doc: ParsedDocument;
  let markdown: string;
  beforeAll(async () => {
    doc = await parse(await buildDocx(), 'handbook.docx');
    markdown = renderMarkdown(doc.blocks);
  });

  it('keeps heading levels 1-3 in order and takes the title from the first', () => {
    expect(ofKind(doc, 'heading').map((h) => [h.level, h.text])).toEqual([
      [1, 'Employee Handbook'],
      [2, 'Leave policy'],
      [3, 'Office locations'],
      [1, 'Footnotes'],
    ]);
    expect(doc.title).toBe('Employee Handbook');
  });

  it('keeps nested bullet and numbered lists with depth and kind', () => {
    const items = ofKind(doc, 'list').flatMap((l) => l.items);
    expect(items).toEqual([
      { text: 'Annual leave', depth: 0, ordered: false },
      { text: 'Carry-over rules', depth: 1, ordered: false },
      { text: 'Sick leave', depth: 0, ordered: false },
      { text: 'Submit the form', depth: 0, ordered: true },
      { text: 'Attach a certificate', depth: 1, ordered: true },
      { text: 'Wait for approval', depth: 0, ordered: true },
    ]);
  });

  it('puts table cells in their rows and columns, a merged cell in each column it spans', () => {
    const [table] = ofKind(doc, 'table');
    expect(table?.header).toEqual(['City', 'Floor', 'Seats']);
    expect(table?.rows).toEqual([
      ['Berlin', '3', '120'],
      ['上海', '12', '80'],
      ['Remote', 'Flexible', 'Flexible'],
    ]);
  });

  it('keeps the footnote, with a marker in the text and the note in a trailing section', () => {
    expect(ofKind(doc, 'paragraph').map((p) => p.text)).toContain('Refunds are issued within 30 days.[1]');
    expect(doc.blocks[doc.blocks.length - 1]).toEqual({
      kind: 'paragraph',
      text: '[1] Refunds follow the 2019 policy.',
    });
  });

  it('leaves out page headers and footers', () => {
    expect(markdown).not.toContain(DOCX_HEADER_TEXT);
    expect(markdown).not.toContain(DOCX_FOOTER_TEXT);
  });

  it('keeps Chinese text intact', () => {
    expect(ofKind(doc, 'paragraph').map((p) => p.text)).toContain('中文段落：知识库机器人支持中文文档。');
  });
});

describe('DocxParser on the corpus', () => {
  // Phrases checked against each file's word/*.xml text.
  const phrases: Record<string, string[]> = {
    'chatchat_ocr_test_zh.docx': ['我是文字', '我是表格4'],
    'docling_lorem_ipsum.docx': ['Lorem ipsum dolor sit amet', 'Nulla facilisi'],
    'docling_unit_test_headers_numbered.docx': ['Section 1.2.3', 'Hardware Constraints'],
    'docling_word_sample.docx': ['Swimming in the lake', 'Blueberry, Strawberry, Cranberry'],
    'docling_word_tables.docx': ['Merged Cell 3.1 4.1', 'Cell 8.4'],
    'mammoth_footnotes.docx': ['Ouch', 'A tachyon walks into a bar.'],
    'mammoth_simple-list.docx': ['Apple', 'Banana'],
    'mammoth_tables.docx': ['Top left', 'Bottom right'],
    'markitdown_test.docx': [
      'AutoGen: Enabling Next-Gen LLM Applications via Multi-Agent Conversation',
      '314b0a30-5b04-470b-b9f7-eed2c2bec74a',
    ],
    'mineru_docx_01_zh.docx': ['MinerU支持docx解析了', '无序列表项1'],
    'unstructured_docx-hdrftr.docx': ['Main document'],
    'unstructured_handbook-1p.docx': ['ROLE OF THE UNITED STATES TRUSTEE', 'Bankruptcy Reform Act of 1978'],
  };

  it('covers every DOCX in the corpus', () => {
    expect(corpusFiles('docx')).toEqual(Object.keys(phrases).sort());
  });

  it.each(Object.entries(phrases))('parses %s', async (file, expected) => {
    const doc = await parse(corpusBytes(`docx/${file}`), file);
    const markdown = renderMarkdown(doc.blocks);
    for (const phrase of expected) expect(markdown).toContain(phrase);
  });

  it('reads docling_word_sample.docx structure: levels, list kinds, the table, the image alt text', async () => {
    const doc = await parse(corpusBytes('docx/docling_word_sample.docx'), 'docling_word_sample.docx');
    expect(ofKind(doc, 'heading').map((h) => `${h.level} ${h.text}`)).toEqual([
      '1 Swimming in the lake',
      '1 Let’s swim!',
      '2 Let’s eat',
    ]);
    expect(ofKind(doc, 'list').map((l) => l.items[0]!.ordered)).toEqual([false, true, true]);
    expect(ofKind(doc, 'table')[0]?.header).toEqual(['', 'Food', 'Calories per portion']);
    expect(ofKind(doc, 'image')[0]?.caption).toMatch(/^A cartoon duck holding a paper/);
    expect(recallAgainst('docling_word_sample.docx.md', doc.blocks)).toBeGreaterThanOrEqual(0.9);
  });

  it('places the cells of docling_word_tables.docx in the right columns, rows that start late included', async () => {
    const doc = await parse(corpusBytes('docx/docling_word_tables.docx'), 'docling_word_tables.docx');
    const tables = ofKind(doc, 'table');
    expect(tables).toHaveLength(7);
    expect(tables[3]?.rows.map((r) => r[1])).toEqual([
      'Merged Cell 1.1 2.1',
      'Merged Cell 1.1 2.1',
      'Merged Cell 3.1 4.1',
      'Merged Cell 3.1 4.1',
    ]);
    expect(tables[5]?.rows).toEqual([['', 'Cell 1.1']]);
    expect(tables[6]?.rows).toEqual([['', '', 'Merged Cell 0.2 1.2']]);
    expect(recallAgainst('docling_word_tables.docx.md', doc.blocks)).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps mammoth_footnotes.docx notes and takes no title from the notes heading', async () => {
    const doc = await parse(corpusBytes('docx/mammoth_footnotes.docx'), 'mammoth_footnotes.docx');
    expect(renderMarkdown(doc.blocks)).toBe(
      'Ouch[1].[2]\n\n# Footnotes\n\n[1] A tachyon walks into a bar.\n\n[2] Fin.\n',
    );
    expect(doc.title).toBe('mammoth_footnotes');
  });

  it('leaves out the running headers and footers of unstructured_docx-hdrftr.docx', async () => {
    const markdown = renderMarkdown((await parse(corpusBytes('docx/unstructured_docx-hdrftr.docx'))).blocks);
    for (const running of ['First header', 'Table cell1', 'I should not be included'])
      expect(markdown).not.toContain(running);
  });
});

describe('DocxParser failures', () => {
  it('calls the truncated sample corrupt', async () => {
    const err = await failure(
      corpusBytes('malformed/DERIVED_truncated_word_sample.docx'),
      'DERIVED_truncated_word_sample.docx',
    );
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/truncated or damaged/);
  });

  it('calls zips without a document corrupt, saying what is missing', async () => {
    const empty = await failure(corpusBytes('malformed/mammoth_empty.zip'), 'mammoth_empty.zip');
    expect([empty.code, empty.message]).toEqual(['corrupt', 'The file is an empty ZIP archive, not a DOCX document.']);
    const hello = await failure(corpusBytes('malformed/mammoth_hello.zip'), 'mammoth_hello.zip');
    expect([hello.code, hello.message]).toEqual([
      'corrupt',
      'The ZIP archive has no word/document.xml, so it is not a DOCX document.',
    ]);
  });

  it('recognises a password-protected Office file (OLE2 with an EncryptedPackage)', async () => {
    const err = await failure(corpusBytes('malformed/unstructured_password_protected.xlsx'), 'secret.docx');
    expect(err.code).toBe('encrypted');
    expect(err.message).toMatch(/password-protected/);
  });

  it('tells a legacy .doc apart from an encrypted file', async () => {
    const ole2 = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(4096)]);
    const err = await failure(ole2, 'old.docx');
    expect(err.code).toBe('unsupported_type');
    expect(err.message).toMatch(/legacy binary Office file \(\.doc\)/);
  });

  it('calls a document without text empty', async () => {
    const blank = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('')] }] }));
    const err = await failure(blank, 'blank.docx');
    expect(err.code).toBe('empty');
  });
});
