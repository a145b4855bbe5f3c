// PDFs with known content, generated with pdfkit, for the PDF parser tests: headings, running
// header/footer, a two-column page, an aligned table, Chinese text and an encrypted file; and a
// pen for drawing tables rule by rule.
import fs from 'node:fs';
import zlib from 'node:zlib';

/** The part of pdfkit's API the fixtures use (pdfkit ships no type declarations). */
export interface PdfKitDoc {
  addPage(options?: { size?: string; margin?: number }): PdfKitDoc;
  font(name: string): PdfKitDoc;
  fontSize(size: number): PdfKitDoc;
  registerFont(name: string, path: string, family?: string): PdfKitDoc;
  text(text: string, x: number, y: number, options?: Record<string, unknown>): PdfKitDoc;
  text(text: string, options?: Record<string, unknown>): PdfKitDoc;
  image(src: Buffer, x: number, y: number, options?: { width?: number }): PdfKitDoc;
  lineWidth(width: number): PdfKitDoc;
  rect(x: number, y: number, w: number, h: number): PdfKitDoc;
  moveTo(x: number, y: number): PdfKitDoc;
  lineTo(x: number, y: number): PdfKitDoc;
  stroke(color?: string): PdfKitDoc;
  fill(color?: string): PdfKitDoc;
  fillColor(color: string): PdfKitDoc;
  on(event: 'data', cb: (chunk: Buffer) => void): PdfKitDoc;
  on(event: 'end', cb: () => void): PdfKitDoc;
  end(): void;
}
type PdfKitCtor = new (options: Record<string, unknown>) => PdfKitDoc;

/** A PDF drawn by `draw` on a pdfkit document made with `options`. */
export async function render(options: Record<string, unknown>, draw: (doc: PdfKitDoc) => void): Promise<Buffer> {
  // A variable specifier: TypeScript would otherwise demand pdfkit's missing type declarations.
  const name: string = 'pdfkit';
  const PDFDocument = ((await import(name)) as { default: PdfKitCtor }).default;
  const doc = new PDFDocument({ autoFirstPage: false, compress: true, ...options });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.on('data', (c) => chunks.push(c));
  draw(doc);
  doc.end();
  return done;
}

/** Drawing in points from the page's top-left corner, the way table generators draw. */
export function pen(doc: PdfKitDoc) {
  return {
    /** A stroked rule, as LibreOffice and browsers draw cell borders. */
    line(x0: number, y0: number, x1: number, y1: number, color = '#000000', width = 0.75) {
      doc.lineWidth(width).moveTo(x0, y0).lineTo(x1, y1).stroke(color);
    },
    /** A filled rectangle: a rule when thin (LaTeX, Word), a shaded cell or panel otherwise. */
    box(x: number, y: number, w: number, h: number, color = '#000000') {
      doc.rect(x, y, w, h).fill(color);
    },
    /** Text with its top at `y`; fills leave their colour behind, so it is reset to black. */
    text(text: string, x: number, y: number, options: { bold?: boolean; size?: number; width?: number } = {}) {
      doc
        .fillColor('#000000')
        .font(options.bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(options.size ?? 10)
        .text(text, x, y, options.width ? { width: options.width, lineGap: 2 } : { lineBreak: false });
    },
  };
}

export const RUNNING_HEADER = 'Fennel Handbook · Internal use only';
export const INTRO_LINES = [
  'The operations team maintains the knowledge base that answers staff questions',
  'in the group chat. Every document is parsed, chunked and indexed within min-',
  'utes of upload, and every answer cites the passages it was built from.',
];
export const ESCALATION =
  'Incidents are escalated to the on-call engineer when the bot cannot answer the same question twice in a row.';
export const LEFT_COLUMN =
  'Alpha teams own the ingestion pipeline from upload to index. They watch queue depth, parser failures and the time each document spends waiting, and they page the on-call engineer when the backlog grows for more than ten minutes in a row.';
export const RIGHT_COLUMN =
  'Beta teams own retrieval quality. They review weekly samples of unanswered questions, tune the ranking of passages and keep the evaluation set current, so that every change to the search pipeline is measured before it reaches users.';
export const TABLE_HEADER = ['Region', 'Revenue', 'Growth', 'Owner'];
export const TABLE_ROWS = [
  ['North', '1,200', '4.5%', 'Dana Lee'],
  ['South', '980', '-1.2%', 'Omar Haddad'],
  ['East', '2,310', '12.0%', 'Wei Zhang'],
  ['West', '1,745', '7.3%', 'Ana Souza'],
];
const PAGES = 4;

/**
 * Four Letter pages: running header and "Page n of 4" footer on each; page 1 a title, body
 * (with a word hyphenated across lines) and a bulleted list; page 2 two columns; page 3 an
 * aligned table; page 4 a closing paragraph.
 */
export function buildHandbookPdf(): Promise<Buffer> {
  return render({ info: { Title: 'Operations Handbook' } }, (doc) => {
    const furniture = (n: number) => {
      doc.font('Helvetica').fontSize(9).text(RUNNING_HEADER, 72, 36, { lineBreak: false });
      doc.font('Helvetica').fontSize(9).text(`Page ${n} of ${PAGES}`, 280, 750, { lineBreak: false });
    };
    const lines = (ls: string[], x: number, y: number, size = 11) =>
      ls.forEach((l, i) =>
        doc
          .font('Helvetica')
          .fontSize(size)
          .text(l, x, y + i * size * 1.35, { lineBreak: false }),
      );

    doc.addPage({ size: 'LETTER', margin: 0 });
    furniture(1);
    doc.font('Helvetica-Bold').fontSize(22).text('Operations Handbook', 72, 80, { lineBreak: false });
    lines(INTRO_LINES, 72, 124);
    doc.font('Helvetica-Bold').fontSize(15).text('Escalation Policy', 72, 200, { lineBreak: false });
    doc.font('Helvetica').fontSize(11).text(ESCALATION, 72, 226, { width: 400 });
    lines(['•', '•'], 80, 290);
    lines(['Check the ingestion dashboard first.', 'Then read the failed version’s error message.'], 96, 290);

    doc.addPage({ size: 'LETTER', margin: 0 });
    furniture(2);
    doc.font('Helvetica-Bold').fontSize(15).text('Team Responsibilities', 72, 80, { lineBreak: false });
    doc.font('Helvetica').fontSize(10).text(LEFT_COLUMN, 72, 110, { width: 220, align: 'justify' });
    doc.font('Helvetica').fontSize(10).text(RIGHT_COLUMN, 320, 110, { width: 220, align: 'justify' });

    doc.addPage({ size: 'LETTER', margin: 0 });
    furniture(3);
    doc.font('Helvetica-Bold').fontSize(15).text('Regional Revenue', 72, 80, { lineBreak: false });
    const xs = [72, 200, 300, 400];
    TABLE_HEADER.forEach((h, c) => doc.font('Helvetica-Bold').fontSize(10).text(h, xs[c]!, 120, { lineBreak: false }));
    doc.moveTo(72, 134).lineTo(520, 134).stroke();
    TABLE_ROWS.forEach((row, r) =>
      row.forEach((cell, c) =>
        doc
          .font('Helvetica')
          .fontSize(10)
          .text(cell, xs[c]!, 142 + r * 18, { lineBreak: false }),
      ),
    );
    doc
      .font('Helvetica')
      .fontSize(11)
      .text('Figures are unaudited and rounded to the nearest thousand.', 72, 240, { lineBreak: false });

    doc.addPage({ size: 'LETTER', margin: 0 });
    furniture(4);
    doc
      .font('Helvetica')
      .fontSize(11)
      .text('Questions about this handbook go to the operations channel.', 72, 80, { lineBreak: false });
  });
}

export const CHINESE_TITLE = '知识库使用指南';
export const CHINESE_PARAGRAPH =
  '群聊中的知识库机器人可以回答员工提出的问题，并且每个回答都会附上引用来源，方便大家核对原文。上传新版本的文档后，旧版本会在几分钟内被替换。';
export const CHINESE_PAGE_TWO = '如果机器人无法回答，请联系运维团队。';

/** Where Debian's WenQuanYi Zen Hei (fonts-wqy-zenhei) or Noto CJK is installed, if at all. */
export function findCjkFont(): { path: string; family: string } | null {
  const candidates = [
    { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
    { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  ];
  return candidates.find((c) => fs.existsSync(c.path)) ?? null;
}

/** Two pages of Chinese in an embedded CJK font; the paragraph wraps over several lines. */
export function buildChinesePdf(font: { path: string; family: string }): Promise<Buffer> {
  return render({}, (doc) => {
    doc.registerFont('cjk', font.path, font.family);
    doc.addPage({ size: 'A4', margin: 0 });
    doc.font('cjk').fontSize(20).text(CHINESE_TITLE, 72, 80, { lineBreak: false });
    doc.font('cjk').fontSize(12).text(CHINESE_PARAGRAPH, 72, 130, { width: 240 });
    doc.addPage({ size: 'A4', margin: 0 });
    doc.font('cjk').fontSize(12).text(CHINESE_PAGE_TWO, 72, 80, { width: 300 });
  });
}

export function buildEncryptedPdf(userPassword: string): Promise<Buffer> {
  return render({ userPassword, ownerPassword: `${userPassword}-owner`, pdfVersion: '1.7ext3' }, (doc) => {
    doc.addPage({ size: 'A5', margin: 0 });
    doc.font('Helvetica').fontSize(12).text('The vault code is 4711.', 40, 60, { lineBreak: false });
  });
}

/** Pages with nothing on them at all. */
export function buildBlankPdf(): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'A5', margin: 0 });
    doc.addPage({ size: 'A5', margin: 0 });
  });
}

/** A grey 64×64 PNG, built by hand so the test needs no image library. */
function greyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(64, 0);
  header.writeUInt32BE(64, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc(64 * 65, 0x80);
  for (let r = 0; r < 64; r++) rows[r * 65] = 0; // filter byte per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** One page holding only a picture, like a scan. */
export function buildImageOnlyPdf(): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'A5', margin: 0 });
    doc.image(greyPng(), 40, 40, { width: 200 });
  });
}
