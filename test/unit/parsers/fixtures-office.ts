// Office files with known content, generated in test setup: what the parsers must find in them
// (and must not: running headers and footers) is written down right here.
import {
  AlignmentType,
  Document,
  Footer,
  FootnoteReferenceRun,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from 'docx';
import * as ExcelJS from 'exceljs';
import JSZip from 'jszip';
import PptxGenJS from 'pptxgenjs';

export const DOCX_HEADER_TEXT = 'CONFIDENTIAL RUNNING HEADER';
export const DOCX_FOOTER_TEXT = 'Running footer page marker';

export async function buildDocx(): Promise<Buffer> {
  const doc = new Document({
    numbering: {
      config: [
        {
          reference: 'steps',
          levels: [
            { level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START },
            { level: 1, format: LevelFormat.LOWER_LETTER, text: '%2)', alignment: AlignmentType.START },
          ],
        },
      ],
    },
    footnotes: { 1: { children: [new Paragraph('Refunds follow the 2019 policy.')] } },
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph(DOCX_HEADER_TEXT)] }) },
        footers: { default: new Footer({ children: [new Paragraph(DOCX_FOOTER_TEXT)] }) },
        children: [
          new Paragraph({ text: 'Employee Handbook', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun('Refunds are issued within 30 days.'), new FootnoteReferenceRun(1)] }),
          new Paragraph({ text: 'Leave policy', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: 'Annual leave', bullet: { level: 0 } }),
          new Paragraph({ text: 'Carry-over rules', bullet: { level: 1 } }),
          new Paragraph({ text: 'Sick leave', bullet: { level: 0 } }),
          new Paragraph({ text: 'Submit the form', numbering: { reference: 'steps', level: 0 } }),
          new Paragraph({ text: 'Attach a certificate', numbering: { reference: 'steps', level: 1 } }),
          new Paragraph({ text: 'Wait for approval', numbering: { reference: 'steps', level: 0 } }),
          new Paragraph({ text: 'Office locations', heading: HeadingLevel.HEADING_3 }),
          new Table({
            rows: [
              row(['City', 'Floor', 'Seats']),
              row(['Berlin', '3', '120']),
              row(['上海', '12', '80']),
              new TableRow({
                children: [cell('Remote'), new TableCell({ columnSpan: 2, children: [new Paragraph('Flexible')] })],
              }),
            ],
          }),
          new Paragraph('中文段落：知识库机器人支持中文文档。'),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
const row = (texts: string[]) => new TableRow({ children: texts.map(cell) });

export const XLSX_LONG_ROWS = 120;

export async function buildXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sales = wb.addWorksheet('Sales');
  sales.getCell('A1').value = 'Regional sales 2024';
  sales.mergeCells('A1:E1');
  sales.addRow(['Region', 'Units', 'Price', 'Total', 'Shipped']);
  sales.addRow(['North', 10, 2.5, { formula: 'B3*C3', result: 25 }, new Date(Date.UTC(2024, 2, 15))]);
  sales.addRow(['华东区 🚀', 4, 0.1, { formula: 'B4*C4', result: 0.4 }, new Date(Date.UTC(2024, 2, 16, 13, 45))]);
  sales.addRow([
    { richText: [{ text: 'South ', font: { bold: true } }, { text: 'coast' }] },
    7,
    3,
    { formula: 'B5*C5', result: 21 },
    null,
  ]);
  sales.getCell('E5').value = { text: 'Tracking portal', hyperlink: 'https://example.com/track' };
  sales.getColumn(5).numFmt = 'yyyy-mm-dd';
  sales.getCell('E4').numFmt = 'yyyy-mm-dd hh:mm';

  const long = wb.addWorksheet('Inventory');
  long.addRow(['SKU', 'Item', '数量']);
  for (let i = 1; i <= XLSX_LONG_ROWS; i++) long.addRow([`SKU-${String(i).padStart(3, '0')}`, `Item ${i}`, i * 2]);
  long.mergeCells('D2:D3');
  long.getCell('D2').value = 'Batch A';

  const hidden = wb.addWorksheet('Lookup', { state: 'hidden' });
  hidden.addRow(['secret lookup value']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function buildPptx(): Promise<Buffer> {
  const pptx = new PptxGenJS();
  pptx.defineSlideMaster({
    title: 'TITLED',
    objects: [{ placeholder: { options: { name: 'title', type: 'title', x: 0.5, y: 0.2, w: 9, h: 1 }, text: '' } }],
  });
  const one = pptx.addSlide({ masterName: 'TITLED' });
  // Added before the title on purpose: the title still comes first.
  one.addText('Opening remarks', { x: 0.5, y: 1.5, w: 9, h: 1 });
  one.addText('Quarterly Review', { placeholder: 'title' });
  one.addNotes('Speaker notes for the opening slide.');

  const two = pptx.addSlide({ masterName: 'TITLED' });
  two.addText('Roadmap', { placeholder: 'title' });
  two.addText(
    [
      { text: 'Ship the parser', options: { bullet: true } },
      { text: 'Cover DOCX first', options: { bullet: true, indentLevel: 1 } },
      { text: 'Measure recall', options: { bullet: { type: 'number' } } },
    ],
    { x: 0.5, y: 1.5, w: 9, h: 3 },
  );

  const three = pptx.addSlide({ masterName: 'TITLED' });
  three.addText('Budget table', { placeholder: 'title' });
  // Written bottom-right, bottom-left, top: reading order is top, then left to right.
  three.addText('Bottom right note', { x: 5, y: 4.5, w: 4, h: 0.5 });
  three.addText('Bottom left note', { x: 0.5, y: 4.5, w: 4, h: 0.5 });
  three.addTable(
    [
      [{ text: 'Team' }, { text: 'Budget' }],
      [{ text: 'Research' }, { text: '120' }],
      [{ text: '研发' }, { text: '80' }],
    ],
    { x: 0.5, y: 1.5, w: 6 },
  );
  return Buffer.from((await pptx.write({ outputType: 'nodebuffer' })) as Uint8Array);
}

/**
 * Swaps the names of slide1.xml and slide2.xml (and their rels) while fixing presentation.xml's
 * relationships, so the deck is unchanged but file-name order no longer matches it.
 */
export async function swapSlideFileNames(bytes: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const swap = async (a: string, b: string) => {
    const [ca, cb] = await Promise.all([zip.file(a)!.async('nodebuffer'), zip.file(b)!.async('nodebuffer')]);
    zip.file(a, cb);
    zip.file(b, ca);
  };
  await swap('ppt/slides/slide1.xml', 'ppt/slides/slide2.xml');
  await swap('ppt/slides/_rels/slide1.xml.rels', 'ppt/slides/_rels/slide2.xml.rels');
  const relsPath = 'ppt/_rels/presentation.xml.rels';
  const rels = await zip.file(relsPath)!.async('string');
  zip.file(
    relsPath,
    rels.replace(/slides\/slide([12])\.xml/g, (_, n: string) => `slides/slide${n === '1' ? '2' : '1'}.xml`),
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Reverses the deck's slide order in presentation.xml without touching any slide file. */
export async function reverseSlideOrder(bytes: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const path = 'ppt/presentation.xml';
  const xml = await zip.file(path)!.async('string');
  zip.file(
    path,
    xml.replace(
      /(<p:sldIdLst>)(.*?)(<\/p:sldIdLst>)/s,
      (_, open: string, ids: string, close: string) =>
        open + (ids.match(/<p:sldId [^>]*\/>/g) ?? []).reverse().join('') + close,
    ),
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
