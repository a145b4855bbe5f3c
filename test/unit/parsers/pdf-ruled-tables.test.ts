// Ruled tables beyond the plain grid: cells spanning rows, rows whose cells wrap, booktabs tables
// (horizontal rules only) and rules in colour, on PDFs drawn with pdfkit in the test; and the
// spanning cells of a real paper's table.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../../workers/parsers/parsed-document';
import { PdfParser } from '../../../workers/parsers/pdf.parser';
import { corpusBytes } from './fixtures-corpus';
import { pen, render } from './fixtures-pdf';

const parse = (bytes: Buffer) => new PdfParser().parse({ bytes, filename: 'doc.pdf' });
const tables = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.kind === 'table' ? [{ header: b.header, rows: b.rows }] : []));
const paragraphs = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));

const ABOVE = 'The rota below lists who answers for each part of the knowledge base.';
const BELOW = 'Changes to the rota are announced a week ahead in the operations channel.';

type Pen = ReturnType<typeof pen>;

/** A page with a sentence above and below what `draw` puts between y = 130 and `bottom`. */
function page(draw: (p: Pen) => number): Promise<Buffer> {
  return render({}, (doc) => {
    doc.addPage({ size: 'LETTER', margin: 0 });
    const p = pen(doc);
    p.text(ABOVE, 72, 100, { size: 11 });
    const bottom = draw(p);
    p.text(BELOW, 72, bottom + 30, { size: 11 });
  });
}

/** Running sums: the edges of rows or columns `sizes` wide, from `start`. */
const edges = (start: number, sizes: number[]) => sizes.reduce((acc, s) => [...acc, acc[acc.length - 1]! + s], [start]);

/**
 * A grid with an outer border and full-height column rules; `cells` are [row, col, text] with
 * text set 6 pt below the row's top edge, or at `dy` when given (a vertically centred span).
 * `rules` are the rules under rows 0..n-2 as [from col, to col], null for a full rule.
 */
function grid(
  p: Pen,
  xs: number[],
  ys: number[],
  rules: Array<[number, number] | null>,
  cells: Array<[number, number, string, number?]>,
): number {
  const [left, right, top, bottom] = [xs[0]!, xs[xs.length - 1]!, ys[0]!, ys[ys.length - 1]!];
  for (const y of [top, bottom]) p.line(left, y, right, y);
  for (const x of xs) p.line(x, top, x, bottom);
  rules.forEach((r, i) => p.line(xs[r?.[0] ?? 0]!, ys[i + 1]!, xs[r ? r[1] + 1 : xs.length - 1]!, ys[i + 1]!));
  for (const [row, col, text, dy] of cells) p.text(text, xs[col]! + 5, ys[row]! + (dy ?? 6), { bold: row === 0 });
  return bottom;
}

describe('PDF ruled tables: cells spanning rows', () => {
  it('gives a cell spanning two rows one row, when the rule between them runs under the other columns only', async () => {
    // The spanning cell is wide, so the rule under the narrow columns covers less than half the
    // table's width; its text is centred on the two rows it spans.
    const xs = [72, 312, 412, 512];
    const ys = edges(130, [22, 22, 22, 22]);
    const doc = await parse(
      await page((p) =>
        grid(
          p,
          xs,
          ys,
          [null, [1, 2], null],
          [
            [0, 0, 'Team'],
            [0, 1, 'Service'],
            [0, 2, 'Owner'],
            [1, 0, 'Ingestion', 17],
            [1, 1, 'Parser'],
            [1, 2, 'Dana Lee'],
            [2, 1, 'Queue'],
            [2, 2, 'Omar Haddad'],
            [3, 0, 'Retrieval'],
            [3, 1, 'Ranking'],
            [3, 2, 'Wei Zhang'],
          ],
        ),
      ),
    );
    expect(tables(doc.blocks)).toEqual([
      {
        header: ['Team', 'Service', 'Owner'],
        rows: [
          ['Ingestion', 'Parser', 'Dana Lee'],
          ['', 'Queue', 'Omar Haddad'],
          ['Retrieval', 'Ranking', 'Wei Zhang'],
        ],
      },
    ]);
    expect(paragraphs(doc.blocks)).toEqual([ABOVE, BELOW]);
  });

  it('keeps the wrapped text of a cell spanning three rows whole, in the first of them', async () => {
    const xs = [72, 172, 292, 402, 512];
    const ys = edges(130, [22, 22, 22, 22, 22]);
    const doc = await parse(
      await page((p) =>
        grid(
          p,
          xs,
          ys,
          [null, [1, 3], [1, 3], null],
          [
            [0, 0, 'Area'],
            [0, 1, 'Check'],
            [0, 2, 'Interval'],
            [0, 3, 'Owner'],
            [1, 0, 'Search quality'],
            [1, 0, 'and ranking', 20],
            [1, 1, 'Recall sample'],
            [1, 2, 'Weekly'],
            [1, 3, 'Dana Lee'],
            [2, 1, 'Latency'],
            [2, 2, 'Daily'],
            [2, 3, 'Omar Haddad'],
            [3, 1, 'Index size'],
            [3, 2, 'Monthly'],
            [3, 3, 'Wei Zhang'],
            [4, 0, 'Ingestion'],
            [4, 1, 'Queue depth'],
            [4, 2, 'Hourly'],
            [4, 3, 'Ana Souza'],
          ],
        ),
      ),
    );
    expect(tables(doc.blocks)).toEqual([
      {
        header: ['Area', 'Check', 'Interval', 'Owner'],
        rows: [
          ['Search quality and ranking', 'Recall sample', 'Weekly', 'Dana Lee'],
          ['', 'Latency', 'Daily', 'Omar Haddad'],
          ['', 'Index size', 'Monthly', 'Wei Zhang'],
          ['Ingestion', 'Queue depth', 'Hourly', 'Ana Souza'],
        ],
      },
    ]);
  });

  it('joins the lines of cells that wrap in a row with rules above and below, however many columns wrap', async () => {
    const xs = [72, 192, 352, 512];
    const ys = edges(130, [22, 22, 48, 22]);
    const lines = (row: number, col: number, texts: string[]) =>
      texts.map((t, i): [number, number, string, number] => [row, col, t, 6 + 13 * i]);
    const doc = await parse(
      await page((p) =>
        grid(
          p,
          xs,
          ys,
          [null, null, null],
          [
            [0, 0, 'Step'],
            [0, 1, 'What happens'],
            [0, 2, 'Who acts'],
            [1, 0, 'Ask'],
            [1, 1, 'The bot answers'],
            [1, 2, 'Anyone in the chat'],
            [2, 0, 'Upload'],
            ...lines(2, 1, ['The file is checked,', 'parsed into blocks', 'and indexed']),
            ...lines(2, 2, ['The worker, then', 'the indexer, then', 'the search API']),
            [3, 0, 'Review'],
            [3, 1, 'Answers are sampled'],
            [3, 2, 'The operations team'],
          ],
        ),
      ),
    );
    expect(tables(doc.blocks)).toEqual([
      {
        header: ['Step', 'What happens', 'Who acts'],
        rows: [
          ['Ask', 'The bot answers', 'Anyone in the chat'],
          [
            'Upload',
            'The file is checked, parsed into blocks and indexed',
            'The worker, then the indexer, then the search API',
          ],
          ['Review', 'Answers are sampled', 'The operations team'],
        ],
      },
    ]);
  });

  it('reads the docling paper’s HPO table: layer counts spanning two rows once, a header over two rows', async () => {
    const doc = await parse(corpusBytes('pdf/docling_2305.03393v1-pg9.pdf'));
    const [table, ...more] = tables(doc.blocks);
    expect(more).toEqual([]);
    expect(table!.header).toEqual([
      '# enc-layers',
      '# dec-layers',
      'Language',
      'TEDs simple',
      'complex',
      'all',
      'mAP (0.75)',
      'Inference time (secs)',
    ]);
    expect(table!.rows).toEqual([
      ['6', '6', 'OTSL', '0.965', '0.934', '0.955', '0.88', '2.73'],
      ['', '', 'HTML', '0.969', '0.927', '0.955', '0.857', '5.39'],
      ['4', '4', 'OTSL', '0.938', '0.904', '0.927', '0.853', '1.97'],
      ['', '', 'HTML', '0.952', '0.909', '0.938', '0.843', '3.77'],
      ['2', '4', 'OTSL', '0.923', '0.897', '0.915', '0.859', '1.91'],
      ['', '', 'HTML', '0.945', '0.901', '0.931', '0.834', '3.81'],
      ['4', '2', 'OTSL', '0.952', '0.92', '0.942', '0.857', '1.22'],
      ['', '', 'HTML', '0.944', '0.903', '0.931', '0.824', '2'],
    ]);
  });
});

const BOOKTABS_CAPTION = 'Table 2: Retrieval quality of four models on the staff question set.';
const BOOKTABS = [
  ['BM25', '-', '0.61', '12'],
  ['DPR', '110M', '0.72', '35'],
  ['ColBERT', '110M', '0.79', '48'],
  ['E5-large', '335M', '0.81', '41'],
];

/** LaTeX's booktabs: a heavy top rule, a light rule under the header, a heavy bottom rule. */
function booktabs(p: Pen): number {
  const xs = [150, 230, 310, 400];
  const [left, right] = [140, 470];
  p.text(BOOKTABS_CAPTION, 72, 145, { size: 11 });
  p.box(left, 165, right - left, 0.8);
  ['Model', 'Params', 'Recall@10', 'Latency'].forEach((h, c) => p.text(h, xs[c]!, 171));
  p.text('(ms)', xs[3]!, 183);
  p.box(left, 197, right - left, 0.5);
  BOOKTABS.forEach((row, r) => row.forEach((cell, c) => p.text(cell, xs[c]!, 203 + 14 * r)));
  const bottom = 203 + 14 * BOOKTABS.length + 2;
  p.box(left, bottom, right - left, 0.8);
  return bottom;
}

describe('PDF booktabs tables (horizontal rules only)', () => {
  it('takes columns from the gaps in the text and the header from the rows above the middle rule', async () => {
    const doc = await parse(await page(booktabs));
    expect(tables(doc.blocks)).toEqual([{ header: ['Model', 'Params', 'Recall@10', 'Latency (ms)'], rows: BOOKTABS }]);
    // No table text left among the prose (the caption runs on from the sentence above it).
    expect(paragraphs(doc.blocks).join(' ')).toBe([ABOVE, BOOKTABS_CAPTION, BELOW].join(' '));
  });

  it('leaves prose between horizontal rules as prose, next to a ruled table on the same page', async () => {
    // One paragraph between two rules, another under a third; then two columns of prose under
    // their headings between three more rules, which line up like a table's columns but are
    // as wide as a page's.
    const PROSE = [
      'Every uploaded document is parsed and indexed within minutes, and the bot cites the',
      'passages it used in every answer it gives in the group chat.',
    ];
    const NOTE = ['Old versions are replaced as soon as the new one is indexed; nothing', 'is kept.'];
    const LEFT = [
      'Parsing turns every upload into',
      'headings, paragraphs and tables',
      'with the page each came from.',
    ];
    const RIGHT = [
      'Retrieval ranks the passages by',
      'meaning and by the words they',
      'share with the question asked.',
    ];
    const doc = await parse(
      await page((p) => {
        const [left, right] = [72, 540];
        p.line(left, 130, right, 130);
        PROSE.forEach((l, i) => p.text(l, left, 138 + 14 * i));
        p.line(left, 172, right, 172);
        NOTE.forEach((l, i) => p.text(l, left, 180 + 14 * i));
        p.line(left, 214, right, 214);
        p.line(left, 240, right, 240);
        p.text('Parsing', left, 246, { bold: true });
        p.text('Retrieval', 320, 246, { bold: true });
        p.line(left, 262, right, 262);
        LEFT.forEach((l, i) => p.text(l, left, 268 + 14 * i));
        RIGHT.forEach((l, i) => p.text(l, 320, 268 + 14 * i));
        p.line(left, 314, right, 314);
        // A ruled table, so that the page's drawing is read at all.
        return grid(
          p,
          [72, 200, 330],
          edges(340, [22, 22, 22]),
          [null, null],
          [
            [0, 0, 'Team'],
            [0, 1, 'Owner'],
            [1, 0, 'Ingestion'],
            [1, 1, 'Dana Lee'],
            [2, 0, 'Retrieval'],
            [2, 1, 'Omar Haddad'],
          ],
        );
      }),
    );
    expect(tables(doc.blocks)).toEqual([
      {
        header: ['Team', 'Owner'],
        rows: [
          ['Ingestion', 'Dana Lee'],
          ['Retrieval', 'Omar Haddad'],
        ],
      },
    ]);
    const text = paragraphs(doc.blocks).join(' ');
    expect(text).toContain(PROSE.join(' '));
    expect(text).toContain(NOTE.join(' '));
  });
});

describe('PDF ruled tables in colour', () => {
  // A wrapped cell and an empty one: text alignment alone would read the wrap as a row of its own.
  const HEADER = ['Team', 'Owner', 'Notes'];
  const ROWS = [
    ['Ingestion', 'Dana Lee', 'Watches queue depth'],
    ['Retrieval', 'Omar Haddad', 'Reviews unanswered questions and tunes ranking'],
    ['Support', '', 'Answers staff questions'],
  ];
  const xs = [72, 192, 332, 512];
  const ys = edges(130, [22, 22, 36, 22]);
  const cells = (p: Pen) =>
    [HEADER, ...ROWS].forEach((row, r) =>
      row.forEach((t, c) => t && p.text(t, xs[c]! + 5, ys[r]! + 6, { bold: r === 0, width: xs[c + 1]! - xs[c]! - 10 })),
    );
  const [left, right, top, bottom] = [xs[0]!, xs[3]!, ys[0]!, ys[4]!];

  it('reads a grid whose header and alternate rows are shaded, the shading drawn first', async () => {
    const doc = await parse(
      await page((p) => {
        p.box(left, ys[0]!, right - left, ys[1]! - ys[0]!, '#d9d9d9');
        p.box(left, ys[2]!, right - left, ys[3]! - ys[2]!, '#f2f2f2');
        for (const y of ys) p.line(left, y, right, y, '#7f7f7f');
        for (const x of xs) p.line(x, top, x, bottom, '#7f7f7f');
        cells(p);
        return bottom;
      }),
    );
    expect(tables(doc.blocks)).toEqual([{ header: HEADER, rows: ROWS }]);
  });

  it('reads a grid drawn as thin grey filled rectangles', async () => {
    const doc = await parse(
      await page((p) => {
        for (const y of ys) p.box(left, y - 0.4, right - left, 0.8, '#a6a6a6');
        for (const x of xs) p.box(x - 0.4, top, 0.8, bottom - top, '#a6a6a6');
        cells(p);
        return bottom;
      }),
    );
    expect(tables(doc.blocks)).toEqual([{ header: HEADER, rows: ROWS }]);
  });

  it('reads a table on a coloured panel whose cells are parted by white lines', async () => {
    const doc = await parse(
      await page((p) => {
        p.box(left, top, right - left, bottom - top, '#dde8f4');
        for (const y of ys.slice(1, -1)) p.line(left, y, right, y, '#ffffff', 1.5);
        for (const x of xs.slice(1, -1)) p.line(x, top, x, bottom, '#ffffff', 1.5);
        cells(p);
        return bottom;
      }),
    );
    expect(tables(doc.blocks)).toEqual([{ header: HEADER, rows: ROWS }]);
  });

  it('draws no table from white lines on a white page', async () => {
    const doc = await parse(
      await page((p) => {
        for (const y of ys) p.line(left, y, right, y, '#ffffff');
        for (const x of xs) p.line(x, top, x, bottom, '#ffffff');
        cells(p);
        return bottom;
      }),
    );
    // Whatever text alignment makes of it, the white grid does not join the wrapped cell's lines.
    expect(tables(doc.blocks)).not.toContainEqual({ header: HEADER, rows: ROWS });
  });
});
