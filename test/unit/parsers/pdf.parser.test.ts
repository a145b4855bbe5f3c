import { beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import { ParseError, type Block, type ParsedDocument } from '../../../workers/parsers/parsed-document';
import { OcrError, PdfParser, type OcrPageImage } from '../../../workers/parsers/pdf.parser';
import { corpusBytes, corpusFiles, expectedOutput, wordRecall } from './fixtures-corpus';
import {
  buildBlankPdf,
  buildChinesePdf,
  buildEncryptedPdf,
  buildHandbookPdf,
  buildImageOnlyPdf,
  CHINESE_PAGE_TWO,
  CHINESE_PARAGRAPH,
  CHINESE_TITLE,
  ESCALATION,
  findCjkFont,
  LEFT_COLUMN,
  RIGHT_COLUMN,
  RUNNING_HEADER,
  TABLE_HEADER,
  TABLE_ROWS,
} from './fixtures-pdf';

const parser = new PdfParser();
const parse = (bytes: Buffer, filename = 'doc.pdf', password?: string) => parser.parse({ bytes, filename, password });

async function parseError(promise: Promise<unknown>): Promise<ParseError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParseError);
  return err as ParseError;
}

const texts = (blocks: Block[]) => blocks.map((b) => renderMarkdown([b]).trim());
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('PdfParser on generated PDFs', () => {
  let doc: ParsedDocument;
  beforeAll(async () => {
    doc = await parse(await buildHandbookPdf(), 'handbook.pdf');
  });

  it('takes the title from the metadata and headings from bigger bold text', () => {
    expect(doc.title).toBe('Operations Handbook');
    const headings = doc.blocks.filter((b) => b.kind === 'heading');
    expect(headings.map((h) => h.kind === 'heading' && [h.text, h.level])).toEqual([
      ['Operations Handbook', 1],
      ['Escalation Policy', 2],
      ['Team Responsibilities', 2],
      ['Regional Revenue', 2],
    ]);
  });

  it('drops the running header and the "Page n of 4" footer from every page', () => {
    const all = renderMarkdown(doc.blocks);
    expect(all).not.toContain(RUNNING_HEADER);
    expect(all).not.toMatch(/Page \d of 4/);
    expect(doc.metadata.pages).toBe(4);
  });

  it('joins hyphenated line ends and keeps each paragraph whole', () => {
    const paragraphs = doc.blocks
      .filter((b) => b.kind === 'paragraph')
      .map((b) => (b.kind === 'paragraph' ? b.text : ''));
    expect(paragraphs).toContain(
      'The operations team maintains the knowledge base that answers staff questions in the group chat. Every document is parsed, chunked and indexed within minutes of upload, and every answer cites the passages it was built from.',
    );
    expect(paragraphs).toContain(ESCALATION);
  });

  it('reads a two-column page down the left column, then down the right one', () => {
    const page2 = doc.blocks.filter((b) => b.prov?.page === 2);
    expect(texts(page2)).toEqual(['## Team Responsibilities', LEFT_COLUMN, RIGHT_COLUMN]);
  });

  it('turns text aligned in columns into a table with every cell in its row and column', () => {
    const tables = doc.blocks.filter((b) => b.kind === 'table');
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    expect(table.kind === 'table' && [table.header, table.rows]).toEqual([TABLE_HEADER, TABLE_ROWS]);
    expect(table.prov).toEqual({ page: 3 });
    // The sentence under the table is prose again, not a table row.
    expect(doc.blocks.some((b) => b.kind === 'paragraph' && b.text.startsWith('Figures are unaudited'))).toBe(true);
  });

  it('recognises a bulleted list', () => {
    const list = doc.blocks.find((b) => b.kind === 'list');
    expect(list?.kind === 'list' && list.items).toEqual([
      { text: 'Check the ingestion dashboard first.', depth: 0, ordered: false },
      { text: 'Then read the failed version’s error message.', depth: 0, ordered: false },
    ]);
  });

  it('tags every block with the page it came from', () => {
    expect(doc.blocks.every((b) => typeof b.prov?.page === 'number')).toBe(true);
    expect([...new Set(doc.blocks.map((b) => b.prov?.page))]).toEqual([1, 2, 3, 4]);
  });

  const cjkFont = findCjkFont();
  it.skipIf(!cjkFont)(
    `keeps Chinese text intact, without spaces between characters${cjkFont ? '' : ' (SKIPPED: no CJK TTF font; apt-get install fonts-wqy-zenhei)'}`,
    async () => {
      const zh = await parse(await buildChinesePdf(cjkFont!), 'zh.pdf');
      expect(zh.title).toBe(CHINESE_TITLE);
      expect(zh.blocks).toEqual([
        { kind: 'heading', level: 1, text: CHINESE_TITLE, prov: { page: 1 } },
        { kind: 'paragraph', text: CHINESE_PARAGRAPH, prov: { page: 1 } },
        { kind: 'paragraph', text: CHINESE_PAGE_TWO, prov: { page: 2 } },
      ]);
    },
  );

  it('opens an encrypted PDF only with its password', async () => {
    const bytes = await buildEncryptedPdf('s3cret');
    const missing = await parseError(parse(bytes));
    expect([missing.code, missing.message]).toEqual([
      'encrypted',
      'The PDF is password protected; upload it with its password.',
    ]);
    const wrong = await parseError(parse(bytes, 'x.pdf', 'guess'));
    expect([wrong.code, wrong.message]).toEqual(['encrypted', 'The password given for this PDF is incorrect.']);
    const opened = await parse(bytes, 'x.pdf', 's3cret');
    expect(opened.blocks).toEqual([{ kind: 'paragraph', text: 'The vault code is 4711.', prov: { page: 1 } }]);
  });

  it('fails a blank PDF as empty and an image-only PDF as no_text', async () => {
    const blank = await parseError(parse(await buildBlankPdf()));
    expect(blank.code).toBe('empty');
    const scan = await parseError(parse(await buildImageOnlyPdf()));
    expect([scan.code, scan.message]).toEqual([
      'no_text',
      'The PDF has no extractable text — is it a scanned document? OCR is not enabled.',
    ]);
  });

  it('hands pages without text to an OCR engine when one is configured', async () => {
    const seen: OcrPageImage[] = [];
    const ocr = async (image: OcrPageImage) => {
      seen.push(image);
      return 'Recognised first paragraph\nwrapped here.\n\nSecond paragraph.';
    };
    const scanned = await new PdfParser({ ocr }).parse({ bytes: await buildImageOnlyPdf(), filename: 'scan.pdf' });
    expect(seen.map((s) => [s.page, s.png.subarray(1, 4).toString('latin1')])).toEqual([[1, 'PNG']]);
    expect(scanned.blocks).toEqual([
      { kind: 'paragraph', text: 'Recognised first paragraph wrapped here.', prov: { page: 1 } },
      { kind: 'paragraph', text: 'Second paragraph.', prov: { page: 1 } },
    ]);
    expect(scanned.metadata.ocr).toBe(true);
    // An engine outage is not a property of the document: it surfaces as OcrError, not ParseError.
    const failing = new PdfParser({ ocr: () => Promise.reject(new Error('quota exceeded')) });
    const err = await failing
      .parse({ bytes: await buildImageOnlyPdf(), filename: 'scan.pdf' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcrError);
    expect((err as OcrError).message).toBe('OCR failed on page 1: quota exceeded');
  });

  it('fails bytes that are not a PDF as corrupt, and no bytes as empty', async () => {
    const notPdf = await parseError(parse(Buffer.from('<html><body>hello</body></html>')));
    expect(notPdf.code).toBe('corrupt');
    expect(notPdf.message).toMatch(/not a readable PDF/);
    const garbage = await parseError(parse(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 0x41)])));
    expect(garbage.code).toBe('corrupt');
    expect((await parseError(parse(Buffer.alloc(0)))).code).toBe('empty');
  });
});

/** Phrases checked by hand in each source file (pdftotext / a PDF viewer). */
const CORPUS_PHRASES: Record<string, string[]> = {
  'docling_2305.03393v1-pg9.pdf': ['Hyper Parameter Optimization', 'PubTables-1M (about 1M samples)'],
  'docling_multi_page.pdf': ['Patented in 1868 by Christopher Latham Sholes', 'The Rise of Personal Computers (1980s)'],
  'docling_normal_4pages.pdf': ['코로나-19 관련 보험약관상', '세계보건기구(WHO)'],
  'llm-universe_pumpkin_book_zh.pdf': ['周志华老师的《机器学习》（西瓜书）', '南瓜书的最佳使用方法是以西瓜书为主线'],
  'markitdown_REPAIR-2022-INV-001_multipage.pdf': ['ZAVA AUTO REPAIR', 'vehicle diagnostic charge'],
  'markitdown_test.pdf': [
    'multi-agent conversations',
    'Large language models (LLMs) are becoming a crucial building block',
  ],
  'mineru_chemical_introduction_zh.pdf': ['化学学科常用符号公式', '又称化学反应式、化学反应方程式'],
  'pypdf_issue-914-xmp-data_zh.pdf': ['散称华联粉条', '蒙牛桶装原味酸牛奶1100g'],
  'unstructured_korean-text-with-tables.pdf': ['빅포인트 적립', '전월 이용금액 40만원 이상 시 제공'],
  'unstructured_layout-parser-paper-with-table.pdf': [
    'Current layout detection models in the LayoutParser model zoo',
    'Layout Detection Models',
  ],
  'unstructured_multi-column-2p.pdf': [
    'Dense Passage Retrieval for Open-Domain Question Answering',
    'maximum inner product search (MIPS)',
  ],
};
/** No text layer at all: a scan, and a table pasted in as a picture. */
const IMAGE_ONLY = ['mineru_small_ocr_scanned.pdf', 'unstructured_single_table.pdf'];

describe('PdfParser on the real-world corpus', () => {
  const parsed = new Map<string, ParsedDocument>();
  const timings: Array<[string, number]> = [];
  beforeAll(async () => {
    for (const file of Object.keys(CORPUS_PHRASES)) {
      const started = Date.now();
      parsed.set(file, await parse(corpusBytes(`pdf/${file}`), file));
      timings.push([file, Date.now() - started]);
    }
    console.log('PDF parse times (ms):', Object.fromEntries(timings.sort((a, b) => b[1] - a[1])));
  }, 120_000);

  it('covers every PDF in the corpus', () => {
    expect(corpusFiles('pdf')).toEqual([...Object.keys(CORPUS_PHRASES), ...IMAGE_ONLY].sort());
  });

  it.each(Object.entries(CORPUS_PHRASES))(
    '%s parses with its known phrases, every block on a page',
    (file, phrases) => {
      const doc = parsed.get(file)!;
      const text = squash(renderMarkdown(doc.blocks));
      for (const phrase of phrases) expect(text).toContain(phrase);
      const pages = doc.metadata.pages as number;
      expect(doc.blocks.every((b) => b.prov?.page !== undefined && b.prov.page >= 1 && b.prov.page <= pages)).toBe(
        true,
      );
      expect(doc.title.length).toBeGreaterThan(0);
    },
  );

  it.each(IMAGE_ONLY)('%s has no text layer and fails with no_text', async (file) => {
    expect((await parseError(parse(corpusBytes(`pdf/${file}`), file))).code).toBe('no_text');
  });

  it.each([
    ['docling_multi_page.pdf', 'docling_multi_page.md'],
    ['docling_normal_4pages.pdf', 'docling_normal_4pages.md'],
    ['markitdown_test.pdf', 'markitdown_test.md'],
    ['markitdown_REPAIR-2022-INV-001_multipage.pdf', 'markitdown_REPAIR-2022-INV-001_multipage.md'],
  ])('%s recalls ≥ 0.9 of the words in %s', (file, expected) => {
    const recall = wordRecall(expectedOutput(expected), renderMarkdown(parsed.get(file)!.blocks));
    console.log(`recall ${file}: ${recall.toFixed(3)}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('reads the two-column paper column by column', () => {
    const text = squash(renderMarkdown(parsed.get('unstructured_multi-column-2p.pdf')!.blocks));
    const leftColumnEnd = text.indexOf('indicating the needs of improving retrieval');
    const rightColumnStart = text.indexOf('Retrieval in open-domain QA is usually implemented');
    expect(leftColumnEnd).toBeGreaterThan(0);
    expect(rightColumnStart).toBeGreaterThan(leftColumnEnd);
    expect(text).toContain('a simple dual-encoder framework. When evaluated on a wide range');
  });

  it('finds the invoice tables with values in the right rows', () => {
    const tables = parsed.get('markitdown_REPAIR-2022-INV-001_multipage.pdf')!.blocks.filter((b) => b.kind === 'table');
    expect(tables.length).toBeGreaterThanOrEqual(2);
    const rows = tables.flatMap((t) => (t.kind === 'table' ? t.rows.map((r) => r.filter(Boolean)) : []));
    expect(rows).toContainEqual(['Insured name', 'Gabriel Diaz', 'Year', '2022']);
    expect(rows).toContainEqual(['Body Labor', '2', '150', '300']);
  });
});

describe('PdfParser on encrypted and malformed PDFs', () => {
  it.each([
    ['unstructured_password.pdf', 'password', 'File with password'],
    ['docling_password_2206.01062_pg3.pdf', '1234', 'DocLayNet'],
    ['pypdf_libreoffice-writer-password.pdf', 'openpassword', 'Lorem ipsum dolor sit amet'],
    ['pypdf_r4-aes-user-password.pdf', 'asdfzxcv', 'encryption test'],
  ])('%s needs its password (%s)', async (file, password, phrase) => {
    const bytes = corpusBytes(`malformed/${file}`);
    const locked = await parseError(parse(bytes, file));
    expect([locked.code, locked.message]).toEqual([
      'encrypted',
      'The PDF is password protected; upload it with its password.',
    ]);
    expect((await parseError(parse(bytes, file, 'not-it'))).message).toBe(
      'The password given for this PDF is incorrect.',
    );
    const doc = await parse(bytes, file, password);
    expect(squash(renderMarkdown(doc.blocks))).toContain(phrase);
  });

  it('reports an encrypted PDF without any content as empty', async () => {
    const err = await parseError(parse(corpusBytes('malformed/pdfjs_empty_protected.pdf')));
    expect([err.code, err.message]).toEqual(['empty', 'The PDF is empty: its pages have no text and no images.']);
  });

  // pdf.js rebuilds a broken cross-reference table from the objects themselves, so these two
  // "malformed" files are readable: recovering their text beats refusing them.
  it('recovers the text of a PDF with a broken xref table', async () => {
    const doc = await parse(corpusBytes('malformed/pdfjs_helloworld-bad.pdf'));
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: 'Hello, world!', prov: { page: 1 } }]);
  });

  it('recovers the text of a PDF whose structure pdfminer rejects', async () => {
    const doc = await parse(corpusBytes('malformed/unstructured_invalid-pdf-structure-pdfminer-one-page.pdf'));
    expect(squash(renderMarkdown(doc.blocks))).toContain('Leadership in Cybersecurity');
  });

  it('fails a truncated PDF with a readable reason instead of crashing', async () => {
    const whole = corpusBytes('pdf/docling_multi_page.pdf');
    const err = await parseError(parse(whole.subarray(0, 600)));
    expect(['corrupt', 'empty', 'no_text']).toContain(err.code);
    expect(err.message.length).toBeGreaterThan(20);
  });
});
