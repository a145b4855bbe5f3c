// Page columns told from table columns when the columns' text is ragged-right: a ruled table in
// a column, ruled up to the gutter, proves the column; a tall blank across both columns parts
// the page into zones. On the corpus's Korean card page and on PDFs drawn with pdfkit in the test.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import type { Block, ParsedDocument } from '../../../workers/parsers/parsed-document';
import { PdfParser } from '../../../workers/parsers/pdf.parser';
import { corpusBytes } from './fixtures-corpus';
import { pen, render } from './fixtures-pdf';

const parse = (bytes: Buffer, filename = 'doc.pdf') => new PdfParser().parse({ bytes, filename });
const tables = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.kind === 'table' ? [{ header: b.header, rows: b.rows }] : []));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Where each of `phrases` first occurs in the rendered document, in order. */
function positions(doc: ParsedDocument, phrases: string[]): number[] {
  const text = squash(renderMarkdown(doc.blocks));
  return phrases.map((p) => text.indexOf(p));
}

const ascending = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > xs[i - 1]!));

describe('PDF layout: the Korean card page (two headed columns, a table in each)', () => {
  let doc: ParsedDocument;
  beforeAll(async () => {
    doc = await parse(corpusBytes('pdf/unstructured_korean-text-with-tables.pdf'), 'korean.pdf');
  });

  it('finds the two ruled tables and no table made of the columns side by side', () => {
    expect(tables(doc.blocks)).toEqual([
      {
        header: ['업종', '적립 대상'],
        rows: [
          ['할인점', '이마트, 이마트 트레이더스, 롯데마트, 홈플러스'],
          ['주유', '모든 주유소'],
          ['온라인쇼핑몰', '삼성카드 쇼핑, G마켓, 옥션, 11번가, 인터파크, 쿠팡, 티몬, 위메프'],
        ],
      },
      {
        header: ['업종', '적립 대상'],
        rows: [
          [
            '커피전문점',
            '스타벅스, 투썸플레이스, 카페베네, 탐앤탐스, 커피빈, 엔제리너스, 할리스커피, 파스쿠찌, 아티제, 폴 바셋',
          ],
          ['제과점', '파리바게뜨, 뚜레쥬르'],
          ['편의점', 'CU, GS25, 세븐일레븐, 미니스톱'],
        ],
      },
    ]);
  });

  it('reads each column’s title as a heading and its banner and notes as text', () => {
    const outside = doc.blocks.filter((b) => b.kind !== 'table');
    const headings = outside.flatMap((b) => (b.kind === 'heading' ? [b.text] : []));
    // The band's labels are set in YoonGothicPro780 over a body of YoonGothicPro740: bold by
    // their numbered weight. The band's title and the first label under it stay apart: the
    // title's line had room for the label's first word, so the label is no wrapped continuation.
    expect(headings).toEqual([
      '할인점·주유·온라인쇼핑몰 1.5% 빅포인트 적립',
      '커피전문점·제과점·편의점 2% 빅포인트 적립',
      '서비스 제공 기준',
      '전월 이용금액 기준',
      '전월 이용금액 제외 대상',
      '적립 제외 대상',
      '기타',
    ]);
    const text = squash(renderMarkdown(outside));
    expect(text).toContain('적립한도 없이 할인점·주유·온라인쇼핑몰 1.5% 빅포인트 적립');
    expect(text).toContain('적립한도 없이 커피전문점·제과점·편의점 2% 빅포인트 적립');
    // A note wrapped over three lines is one list item again, not three table rows.
    const items = outside.flatMap((b) => (b.kind === 'list' ? b.items.map((i) => i.text) : []));
    expect(items).toContain(
      '할인점은 온라인몰도 포함되며, 기업형 슈퍼마켓(이마트 에브리데이, 홈플러스 익스프레스, 롯데슈퍼 등), 쇼핑 외 결제건 (상품권, 주차장 등), 임대매장은 제외',
    );
    expect(items).toContain('제과점은 오프라인 결제건에 한하며, 백화점, 할인점, 쇼핑몰 등의 임대매장은 제외');
  });

  it('reads the left card, then the right card, then the band of terms under both', () => {
    const order = positions(doc, [
      '# 할인점·주유·온라인쇼핑몰',
      '| 할인점 |',
      '주유는 LPG충전소 포함',
      '# 커피전문점·제과점·편의점',
      '| 커피전문점 |',
      '제과점은 오프라인 결제건에 한하며',
      '서비스 제공 기준',
      '적립 제외 대상',
    ]);
    expect(ascending(order), String(order)).toBe(true);
  });
});

type Pen = ReturnType<typeof pen>;

/** Lines of ragged-right text, 10 pt on a 14 pt pitch, from `y`; returns the y under them. */
function lines(p: Pen, texts: string[], x: number, y: number): number {
  texts.forEach((t, i) => p.text(t, x, y + 14 * i));
  return y + 14 * texts.length;
}

/** A booktabs table from `left` to `right` (rule over it, under its header, under it); returns its bottom. */
function booktabs(p: Pen, left: number, right: number, top: number, rows: string[][]): number {
  const mid = left + 0.45 * (right - left);
  p.box(left, top, right - left, 0.8);
  rows.forEach((row, r) => {
    const y = top + 6 + (r === 0 ? 0 : 6) + 14 * r;
    p.text(row[0]!, left + 4, y, { bold: r === 0 });
    p.text(row[1]!, mid, y, { bold: r === 0 });
    if (r === 0) p.box(left, y + 14, right - left, 0.5);
  });
  const bottom = top + 14 * rows.length + 14;
  p.box(left, bottom, right - left, 0.8);
  return bottom;
}

const LEFT_TEXT = ['Uploads are parsed in minutes.', 'Each new version replaces the last.'];
const RIGHT_TEXT = ['Every answer cites its passages.', 'Ranking is tuned once a week.'];
const LEFT_TABLE = [
  ['Stage', 'Owner'],
  ['Parsing', 'Dana Lee'],
  ['Indexing', 'Omar Haddad'],
];
const RIGHT_TABLE = [
  ['Task', 'Owner'],
  ['Ranking', 'Wei Zhang'],
  ['Evaluation', 'Ana Souza'],
];
const LEFT_NOTES = ['* Failed uploads page the on-call engineer.', '* Old versions are not kept.'];
const RIGHT_NOTES = ['* Unanswered questions are reviewed.', '* Changes are measured first.'];
const LEFT_TERMS = ['Terms of service', 'Documents stay in the company.'];
const RIGHT_TERMS = ['Other conditions', 'Answers are not legal advice.'];

/**
 * Two columns of ragged-right text (nothing but the tables' rules comes within 3 em of the
 * gutter), each with a bold heading, a booktabs table ruled across the column and notes; and,
 * after a blank of about 8 lines, a band with two more columns.
 */
function twoColumnPage(): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'LETTER', margin: 0 });
    const p = pen(doc);
    const columns: Array<[number, number, string, string[], string[][], string[]]> = [
      [60, 290, 'Ingestion', LEFT_TEXT, LEFT_TABLE, LEFT_NOTES],
      [322, 552, 'Retrieval', RIGHT_TEXT, RIGHT_TABLE, RIGHT_NOTES],
    ];
    let bottom = 0;
    for (const [left, right, heading, text, table, notes] of columns) {
      p.text(heading, left, 60, { bold: true, size: 16 });
      const under = booktabs(p, left, right, lines(p, text, left, 90) + 8, table);
      bottom = Math.max(bottom, lines(p, notes, left, under + 10));
    }
    lines(p, LEFT_TERMS, 60, bottom + 8 * 14);
    lines(p, RIGHT_TERMS, 322, bottom + 8 * 14);
  });
}

const SCHEDULE = [
  ['Recurring job', 'When it runs and how long it takes'],
  ['Nightly index rebuild', 'At two in the morning, ten minutes'],
  ['Weekly ranking review', 'On Mondays after the team meeting'],
  ['Monthly evaluation set refresh', 'On the first working day of the month'],
  ['Quarterly load test', 'In the last week of the quarter'],
  ['Yearly audit of access rights', 'In January, with the security team'],
];

/**
 * A full-width ruled table (so that the page's drawing is read), then a two-column table without
 * rules whose cells are long and ragged, as a page's columns are.
 */
function scheduleTablePage(): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'LETTER', margin: 0 });
    const p = pen(doc);
    const [left, right, mid] = [72, 540, 306];
    for (const y of [80, 102, 124]) p.line(left, y, right, y);
    for (const x of [left, mid, right]) p.line(x, 80, x, 124);
    [
      ['Team', 'Channel'],
      ['Operations', '#ops-knowledge-base'],
    ].forEach((row, r) => row.forEach((t, c) => p.text(t, [left, mid][c]! + 5, 86 + 22 * r, { bold: r === 0 })));
    SCHEDULE.forEach((row, r) => row.forEach((t, c) => p.text(t, [72, 260][c]!, 160 + 16 * r)));
  });
}

describe('PDF layout: columns of ragged-right text', () => {
  it('reads two columns that each hold a table ruled to the gutter column by column', async () => {
    const doc = await parse(await twoColumnPage());
    expect(tables(doc.blocks)).toEqual([
      { header: LEFT_TABLE[0], rows: LEFT_TABLE.slice(1) },
      { header: RIGHT_TABLE[0], rows: RIGHT_TABLE.slice(1) },
    ]);
    expect(doc.blocks.flatMap((b) => (b.kind === 'heading' ? [b.text] : []))).toEqual(['Ingestion', 'Retrieval']);
    const order = positions(doc, [
      'Ingestion',
      LEFT_TEXT.join(' '),
      '| Parsing |',
      'Old versions are not kept.',
      'Retrieval',
      RIGHT_TEXT.join(' '),
      '| Ranking |',
      'Changes are measured first.',
      LEFT_TERMS[0]!,
      RIGHT_TERMS[0]!,
    ]);
    expect(ascending(order), String(order)).toBe(true);
  });

  it('keeps a two-column table of long, ragged cells a table when no ruled table stands beside its gap', async () => {
    const doc = await parse(await scheduleTablePage());
    expect(tables(doc.blocks)).toEqual([
      { header: ['Team', 'Channel'], rows: [['Operations', '#ops-knowledge-base']] },
      { header: SCHEDULE[0], rows: SCHEDULE.slice(1) },
    ]);
  });
});
