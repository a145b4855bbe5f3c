import * as ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import type { Block, ParsedDocument } from '../../../workers/parsers/parsed-document';
import { XlsxParser } from '../../../workers/parsers/xlsx.parser';
import { buildXlsx, XLSX_LONG_ROWS } from './fixtures-office';
import { corpusBytes, corpusFiles, recallAgainst, expectParseError } from './fixtures-corpus';

const parser = new XlsxParser();
const parse = (bytes: Buffer, filename = 'book.xlsx') => parser.parse({ bytes, filename });
type Table = Extract<Block, { kind: 'table' }>;
const tables = (doc: ParsedDocument, sheet?: string) =>
  doc.blocks.filter((b): b is Table => b.kind === 'table' && (!sheet || b.prov?.sheet === sheet));

const failure = (bytes: Buffer, filename: string) => expectParseError(parse(bytes, filename));

describe('XlsxParser on a generated workbook', () => {
  let doc: ParsedDocument;
  let markdown: string;
  beforeAll(async () => {
    doc = await parse(await buildXlsx(), 'sales-2024.xlsx');
    markdown = renderMarkdown(doc.blocks);
  });

  it('gives every visible sheet a heading with its name as provenance, in tab order', () => {
    const headings = doc.blocks.filter((b) => b.kind === 'heading');
    expect(headings).toEqual([
      { kind: 'heading', level: 1, text: 'Sales', prov: { sheet: 'Sales' } },
      { kind: 'heading', level: 1, text: 'Inventory', prov: { sheet: 'Inventory' } },
    ]);
    expect(doc.title).toBe('sales-2024');
  });

  it('leaves hidden sheets out and names them in metadata', () => {
    expect(markdown).not.toContain('secret lookup value');
    expect(doc.metadata.hiddenSheets).toEqual(['Lookup']);
  });

  it('finds the header row under a merged title, whose text appears once', () => {
    expect(doc.blocks[1]).toEqual({
      kind: 'paragraph',
      text: 'Regional sales 2024',
      prov: { sheet: 'Sales', cellRange: 'A1:E1' },
    });
    expect(markdown.split('Regional sales 2024')).toHaveLength(2);
    expect(tables(doc, 'Sales')[0]?.header).toEqual(['Region', 'Units', 'Price', 'Total', 'Shipped']);
  });

  it('writes formula results, ISO dates (with the time when not midnight), rich text and hyperlink labels', () => {
    const [sales] = tables(doc, 'Sales');
    expect(sales?.rows).toEqual([
      ['North', '10', '2.5', '25', '2024-03-15'],
      ['华东区 🚀', '4', '0.1', '0.4', '2024-03-16 13:45'],
      ['South coast', '7', '3', '21', 'Tracking portal'],
    ]);
    expect(sales?.prov).toEqual({ sheet: 'Sales', cellRange: 'A2:E5' });
    expect(markdown).not.toContain('https://example.com/track');
  });

  it('splits a long sheet into groups of at most 50 rows that each repeat the header', () => {
    const groups = tables(doc, 'Inventory');
    expect(groups.map((t) => t.rows.length)).toEqual([50, 50, 20]);
    expect(groups.reduce((n, t) => n + t.rows.length, 0)).toBe(XLSX_LONG_ROWS);
    for (const t of groups) expect(t.header).toEqual(['SKU', 'Item', '数量', '']);
    expect(groups.map((t) => t.prov?.cellRange)).toEqual(['A1:D51', 'A52:D101', 'A102:D121']);
    expect(groups[1]?.rows[0]).toEqual(['SKU-051', 'Item 51', '102', '']);
    expect(groups[2]?.rows[19]).toEqual(['SKU-120', 'Item 120', '240', '']);
  });

  it("keeps a merged cell's value in its first cell only", () => {
    const [first] = tables(doc, 'Inventory');
    expect(first?.rows[0]?.[3]).toBe('Batch A');
    expect(first?.rows[1]?.[3]).toBe('');
    expect(markdown.split('Batch A')).toHaveLength(2);
  });
});

describe('XlsxParser on the corpus', () => {
  // Phrases checked against each file's sharedStrings/sheet XML.
  const phrases: Record<string, string[]> = {
    'chatchat_langchain-ChatGLM_closed_zh.xlsx': ['加油~以及一些建议', '请问：纯cpu可以吗？'],
    'docling_xlsx_01.xlsx': ['col-4', 'first'],
    'docling_xlsx_05_table_with_title.xlsx': ['Number of freshwater ducks per year', 'Freshwater Ducks'],
    'docling_xlsx_06_edge_cases.xlsx': ['What types of data will the AI process?', 'Attached left'],
    'markitdown_test.xlsx': ['affc7dad-52dc-4b98-9b5d-51e65d8a8ad0', '6ff4173b-42a5-4784-9b19-f49caff4d93d'],
    'mineru_xlsx_01.xlsx': ['col-1', 'hyperlink'],
    'unstructured_2023-half-year-analyses-by-segment.xlsx': ['Nestlé Health Science', 'Zone LATAM'],
    'unstructured_emoji.xlsx': ['🤠😅'],
    'unstructured_more-than-1k-cells.xlsx': ['| x | x |'],
    'unstructured_stanley-cups.xlsx': ['Maple Leafs', 'Stanley Cups Since 67'],
    'unstructured_vodafone.xlsx': ['Mobile churn', 'Guidance rates'],
  };

  it('covers every XLSX in the corpus', () => {
    expect(corpusFiles('xlsx')).toEqual(Object.keys(phrases).sort());
  });

  it.each(Object.entries(phrases))('parses %s with sheet and cell-range provenance', async (file, expected) => {
    const doc = await parse(corpusBytes(`xlsx/${file}`), file);
    const markdown = renderMarkdown(doc.blocks);
    for (const phrase of expected) expect(markdown).toContain(phrase);
    const sheets = doc.metadata.sheets as string[];
    for (const b of doc.blocks) {
      expect(sheets).toContain(b.prov?.sheet);
      if (b.kind !== 'heading') expect(b.prov?.cellRange ?? 'no drawing anchor').toMatch(/^[A-Z]+\d+(:[A-Z]+\d+)?$/);
    }
  });

  it('reads docling_xlsx_01.xlsx: side-by-side tables apart, charts with their data, recall against docling', async () => {
    const doc = await parse(corpusBytes('xlsx/docling_xlsx_01.xlsx'), 'docling_xlsx_01.xlsx');
    expect(doc.metadata).toMatchObject({ sheets: ['Sheet1', 'Sheet2', 'Sheet3'], hiddenSheets: ['Sheet4'] });
    expect(tables(doc, 'Sheet2').map((t) => t.prov?.cellRange)).toEqual([
      'A1:D9',
      'G5:I9',
      'C14:E18',
      'J5:P19',
      'E22:J36',
    ]);
    const captions = doc.blocks.filter((b) => b.kind === 'image').map((b) => b.kind === 'image' && b.caption);
    expect(captions).toEqual(["Line chart: 'col-3'", "Scatter chart: 'col-2', 'col-3', 'col-4' by 'col-1'", '']);
    // The rest of docling's tokens are merged-cell values it repeats and this parser writes once.
    expect(recallAgainst('docling_xlsx_01.xlsx.md', doc.blocks)).toBeGreaterThanOrEqual(0.9);
  });

  it('puts title rows above the header and footnote rows below the table as paragraphs', async () => {
    const doc = await parse(corpusBytes('xlsx/unstructured_2023-half-year-analyses-by-segment.xlsx'));
    const sheet = 'OS-Rev.and results 30 06 2023';
    const blocks = doc.blocks.filter((b) => b.prov?.sheet === sheet);
    expect(blocks.slice(1, 4).map((b) => b.kind === 'paragraph' && b.text)).toEqual([
      '3. Analyses by segment',
      '3.1 Operating segments',
      'Revenue and results',
    ]);
    const [first] = tables(doc, sheet);
    expect(first?.header.slice(0, 3)).toEqual(['', 'Sales (a)', 'Underlying Trading operating profit (b)']);
    expect(first?.rows.find((r) => r[0] === 'Total')?.slice(0, 2)).toEqual(['Total', '46293']);
    expect(
      blocks.some((b) => b.kind === 'paragraph' && b.text === '(a) Inter-segment sales are not significant.'),
    ).toBe(true);
  });
});

describe('XlsxParser failures', () => {
  it('recognises the password-protected workbook', async () => {
    const err = await failure(
      corpusBytes('malformed/unstructured_password_protected.xlsx'),
      'unstructured_password_protected.xlsx',
    );
    expect(err.code).toBe('encrypted');
    expect(err.message).toBe(
      'The XLSX file is password-protected. Fennel cannot decrypt Office files; save a copy without a password and upload that.',
    );
  });

  it('calls zips that are no workbook corrupt', async () => {
    expect((await failure(corpusBytes('malformed/mammoth_empty.zip'), 'mammoth_empty.zip')).code).toBe('corrupt');
    const hello = await failure(corpusBytes('malformed/mammoth_hello.zip'), 'mammoth_hello.zip');
    expect([hello.code, hello.message]).toEqual([
      'corrupt',
      'The ZIP archive has no xl/workbook.xml, so it is not a XLSX document.',
    ]);
  });

  it('refuses a merged range that would make exceljs allocate billions of cells', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Tiny').addRow(['a', 'b']);
    const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
    const sheet = 'xl/worksheets/sheet1.xml';
    const xml = await zip.file(sheet)!.async('string');
    zip.file(
      sheet,
      xml.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
    );
    const t0 = performance.now();
    const err = await failure(
      await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }),
      'merge-bomb.xlsx',
    );
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/A1:XFD1048576/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('calls a workbook without values empty', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Blank');
    const err = await failure(Buffer.from(await wb.xlsx.writeBuffer()), 'blank.xlsx');
    expect(err.code).toBe('empty');
  });
});
