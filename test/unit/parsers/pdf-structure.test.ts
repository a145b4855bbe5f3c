// Headings told by weight at body size, and tables drawn with ruling lines, on PDFs generated
// with pdfkit in the test.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import type { Block } from '../../../workers/parsers/parsed-document';
import { heavierThanBody, isBoldFont } from '../../../workers/parsers/pdf-fonts';
import { PdfParser } from '../../../workers/parsers/pdf.parser';
import { findCjkFont, render } from './fixtures-pdf';

const parse = (bytes: Buffer) => new PdfParser().parse({ bytes, filename: 'doc.pdf' });
const headings = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'heading' ? [[b.text, b.level]] : []));
const kinds = (blocks: Block[]) => blocks.map((b) => b.kind);

const BOLD_WORD_PARAGRAPH =
  'Every uploaded document is parsed and indexed, and the parser is mandatory for each team that shares its handbooks in the group chat.';

/** A 20pt title, a 14pt part heading, bold 11pt section headings over 11pt body text. */
function buildHeadingsPdf(): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'LETTER', margin: 0 });
    const body = (text: string, y: number) => doc.font('Helvetica').fontSize(11).text(text, 72, y, { width: 420 });
    const bold = (text: string, y: number) =>
      doc.font('Helvetica-Bold').fontSize(11).text(text, 72, y, { lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(20).text('Quarterly Operations Review', 72, 72, { lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(14).text('Part One: Ingestion', 72, 110, { lineBreak: false });
    bold('Introduction', 140);
    // "mandatory" is bold in the middle of a sentence, on a line of its own words.
    doc
      .font('Helvetica')
      .fontSize(11)
      .text('Every uploaded document is parsed and indexed, and the parser is ', 72, 160, {
        width: 420,
        continued: true,
      })
      .font('Helvetica-Bold')
      .text('mandatory', { continued: true })
      .font('Helvetica')
      .text(' for each team that shares its handbooks in the group chat.');
    bold('Method', 215);
    body('Queues are sampled every minute and the backlog is plotted per team. Alerts fire when it grows.', 235);
    bold('Results', 290);
    body('The median wait fell from nine minutes to two over the quarter.', 310);
  });
}

const WRAPPED_BOLD_HEADING = 'Appendix A: how the service keeps every knowledge base current while it keeps answering';

/**
 * Bold lines at body size under a paragraph that sets the flow's width: two short labels stacked
 * (a band's title and its first label), then a bold heading wrapped at the flow's edge.
 */
function buildStackedLabelsPdf(): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'LETTER', margin: 0 });
    const body = (text: string, y: number) => doc.font('Helvetica').fontSize(11).text(text, 72, y, { width: 420 });
    const bold = (text: string, y: number) => doc.font('Helvetica-Bold').fontSize(11).text(text, 72, y, { width: 420 });
    body('Cards earn points on every purchase, and the terms below apply to every card issued this year.', 72);
    bold('Service terms', 120);
    bold('Billing period', 138);
    body('Purchases from the first to the last day of each month count toward the next month.', 156);
    bold(WRAPPED_BOLD_HEADING, 200);
    body('Documents are re-read whenever their files change.', 240);
  });
}

const TABLE_ABOVE = 'The teams below share the on-call rota for the knowledge base.';
const TABLE_BELOW = 'Rota changes are announced in the operations channel a week ahead.';

/**
 * A 3-column ruled table, header + 3 rows: outer border a stroked rectangle, inner rules
 * moveTo/lineTo strokes, the rule under the header a thin filled rectangle. Row 2's third cell
 * wraps onto two lines; row 3's second cell is empty.
 */
function buildRuledTablePdf(rows: string[][], font?: { path: string; family: string }): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'LETTER', margin: 0 });
    if (font) doc.registerFont('cjk', font.path, font.family);
    const face = (bold = false) => (font ? 'cjk' : bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.font(face()).fontSize(11).text(TABLE_ABOVE, 72, 100, { lineBreak: false });
    const xs = [72, 192, 332, 512];
    const heights = [22, 22, 36, 22];
    const ys = heights.reduce((acc, h) => [...acc, acc[acc.length - 1]! + h], [130]);
    doc.lineWidth(0.75);
    doc.rect(xs[0]!, ys[0]!, xs[3]! - xs[0]!, ys[4]! - ys[0]!).stroke();
    for (const x of xs.slice(1, 3)) doc.moveTo(x, ys[0]!).lineTo(x, ys[4]!).stroke();
    doc.rect(xs[0]!, ys[1]! - 0.4, xs[3]! - xs[0]!, 0.8).fill('#000000');
    for (const y of ys.slice(2, 4)) doc.moveTo(xs[0]!, y).lineTo(xs[3]!, y).stroke();
    rows.forEach((row, r) =>
      row.forEach((cell, c) => {
        if (!cell) return;
        doc
          .font(face(r === 0))
          .fontSize(10)
          .text(cell, xs[c]! + 5, ys[r]! + 6, { width: xs[c + 1]! - xs[c]! - 10, lineGap: 2 });
      }),
    );
    doc
      .font(face())
      .fontSize(11)
      .text(TABLE_BELOW, 72, ys[4]! + 30, { lineBreak: false });
  });
}

const TABLE = [
  ['Team', 'Owner', 'Notes'],
  ['Ingestion', 'Dana Lee', 'Watches queue depth'],
  ['Retrieval', 'Omar Haddad', 'Reviews unanswered questions every week and tunes ranking'],
  ['Support', '', 'Answers staff questions'],
];

describe('PDF headings from font weight', () => {
  it('names bold fonts the way pdf.js reports them', () => {
    const bold = ['Helvetica-Bold', 'ABCDEF+Arial,Bold', 'Arial-BoldMT', 'CMBX10', 'NimbusRomNo9L-Medi', 'Lato-Black'];
    const regular = ['Helvetica', 'CMR10', 'NimbusRomNo9L-Regu', 'KoPubDotumMedium', 'Calibri-Italic', 'BDFAAA+Times'];
    expect(bold.filter((name) => isBoldFont({ name }))).toEqual(bold);
    expect(regular.filter((name) => isBoldFont({ name }))).toEqual([]);
    expect(isBoldFont({ name: 'Unknown', bold: true })).toBe(true);
  });

  it('reads a numbered weight as bold only against the body font of the same family', () => {
    const heavier = (names: string[], body: string) => names.filter((name) => heavierThanBody(name, body));
    expect(
      heavier(['IJMAAR+YoonGothicPro780', 'YoonGothicPro770', 'YoonGothicPro740'], 'IJMAAR+YoonGothicPro740'),
    ).toEqual(['IJMAAR+YoonGothicPro780', 'YoonGothicPro770']);
    // Linotype's numbers: 65 and 75 are bold, 56 oblique and 57 condensed are not, 45 is light.
    expect(heavier(['Univers-65', 'Univers-75', 'Univers-56', 'Univers-57', 'Univers-45'], 'Univers-55')).toEqual([
      'Univers-65',
      'Univers-75',
    ]);
    // Another family, or names whose digits are no weight: resource names and TeX's sizes.
    expect(heavier(['Frutiger65', 'F25', 'TT30', 'CMR17', 'SFRM1440'], 'Univers-55')).toEqual([]);
    expect(heavier(['F25', 'TT30'], 'F1')).toEqual([]);
    expect(heavier(['CMR17'], 'CMR10')).toEqual([]);
    expect(heavierThanBody('YoonGothicPro780', undefined)).toBe(false);
  });

  it('makes bold lines at body size headings below the size-based levels, not a bold word in a sentence', async () => {
    const doc = await parse(await buildHeadingsPdf());
    expect(headings(doc.blocks)).toEqual([
      ['Quarterly Operations Review', 1],
      ['Part One: Ingestion', 2],
      ['Introduction', 3],
      ['Method', 3],
      ['Results', 3],
    ]);
    const paragraphs = doc.blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));
    expect(paragraphs).toContain(BOLD_WORD_PARAGRAPH);
    expect(paragraphs).toContain('The median wait fell from nine minutes to two over the quarter.');
  });
});

describe('PDF bold labels stacked at body size', () => {
  it('keeps a short bold line and the bold line under it apart, and joins a bold heading wrapped at the edge', async () => {
    const doc = await parse(await buildStackedLabelsPdf());
    expect(headings(doc.blocks).map(([text]) => text)).toEqual([
      'Service terms',
      'Billing period',
      WRAPPED_BOLD_HEADING,
    ]);
  });
});

describe('PDF tables drawn with ruling lines', () => {
  it('reads a ruled table cell by cell: wrapped text joined, empty cells kept, prose outside', async () => {
    const doc = await parse(await buildRuledTablePdf(TABLE));
    expect(kinds(doc.blocks)).toEqual(['paragraph', 'table', 'paragraph']);
    const [above, table, below] = doc.blocks;
    expect(above).toMatchObject({ kind: 'paragraph', text: TABLE_ABOVE });
    expect(table).toEqual({ kind: 'table', header: TABLE[0], rows: TABLE.slice(1), prov: { page: 1 } });
    expect(below).toMatchObject({ kind: 'paragraph', text: TABLE_BELOW });
    expect(renderMarkdown([table!])).toContain('| Support |  | Answers staff questions |');
  });

  const cjkFont = findCjkFont();
  it.skipIf(!cjkFont)(
    `keeps Chinese cells whole, wrapped lines joined without spaces${cjkFont ? '' : ' (SKIPPED: no CJK TTF font; apt-get install fonts-wqy-zenhei)'}`,
    async () => {
      const zh = [
        ['部门', '负责人', '说明'],
        ['接入组', '李娜', '负责文档解析'],
        ['检索组', '王强', '每周复核未能回答的问题并调整检索排序'],
        ['支持组', '', '解答员工提问'],
      ];
      const doc = await parse(await buildRuledTablePdf(zh, cjkFont!));
      const tables = doc.blocks.filter((b) => b.kind === 'table');
      expect(tables).toEqual([{ kind: 'table', header: zh[0], rows: zh.slice(1), prov: { page: 1 } }]);
    },
  );
});
