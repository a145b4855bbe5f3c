import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import type { Block, ParsedDocument } from '../../../workers/parsers/parsed-document';
import { PptxParser } from '../../../workers/parsers/pptx.parser';
import { buildPptx, reverseSlideOrder, swapSlideFileNames } from './fixtures-office';
import { corpusBytes, corpusFiles, recallAgainst, expectParseError } from './fixtures-corpus';

const parser = new PptxParser();
const parse = (bytes: Buffer, filename = 'deck.pptx') => parser.parse({ bytes, filename });
const headings = (doc: ParsedDocument) => doc.blocks.flatMap((b) => (b.kind === 'heading' ? [b.text] : []));
const textOf = (b: Block) =>
  'text' in b ? b.text : b.kind === 'list' ? b.items.map((i) => i.text).join(' ') : b.kind === 'image' ? b.caption : '';

const failure = (bytes: Buffer, filename: string) => expectParseError(parse(bytes, filename));

describe('PptxParser on a generated deck', () => {
  let bytes: Buffer;
  let doc: ParsedDocument;
  beforeAll(async () => {
    bytes = await buildPptx();
    doc = await parse(bytes, 'review.pptx');
  });

  it('starts each slide with its title, even when the title shape comes later in the XML', () => {
    expect(headings(doc)).toEqual(['Quarterly Review', 'Roadmap', 'Budget table']);
    expect(doc.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Quarterly Review', prov: { slide: 1 } });
    expect(textOf(doc.blocks[1]!)).toBe('Opening remarks');
    expect(doc.title).toBe('Quarterly Review');
  });

  it('gives every block its 1-based slide number', () => {
    expect(doc.blocks.map((b) => `${b.prov?.slide}:${b.kind}`)).toEqual([
      '1:heading',
      '1:paragraph',
      '1:quote',
      '2:heading',
      '2:list',
      '2:list',
      '3:heading',
      '3:table',
      '3:paragraph',
      '3:paragraph',
    ]);
  });

  it('reads bullets with their levels, and numbered paragraphs as an ordered list', () => {
    const lists = doc.blocks.filter((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list');
    expect(lists.map((l) => l.items)).toEqual([
      [
        { text: 'Ship the parser', depth: 0, ordered: false },
        { text: 'Cover DOCX first', depth: 1, ordered: false },
      ],
      [{ text: 'Measure recall', depth: 0, ordered: true }],
    ]);
  });

  it('reads the table and orders shapes top to bottom, then left to right', () => {
    const slide3 = doc.blocks.filter((b) => b.prov?.slide === 3);
    expect(slide3[1]).toMatchObject({
      kind: 'table',
      header: ['Team', 'Budget'],
      rows: [
        ['Research', '120'],
        ['研发', '80'],
      ],
    });
    expect(slide3.slice(2).map(textOf)).toEqual(['Bottom left note', 'Bottom right note']);
  });

  it('adds speaker notes after the slide', () => {
    expect(doc.blocks[2]).toEqual({
      kind: 'quote',
      text: 'Notes: Speaker notes for the opening slide.',
      prov: { slide: 1 },
    });
  });

  it('follows presentation.xml, not file names, when slide files are renamed out of order', async () => {
    const swapped = await swapSlideFileNames(bytes);
    const zip = await JSZip.loadAsync(swapped);
    // The file now called slide1.xml holds the deck's second slide.
    expect(await zip.file('ppt/slides/slide1.xml')!.async('string')).toContain('Roadmap');
    expect((await parse(swapped)).blocks).toEqual(doc.blocks);
  });

  it('follows a reordered sldIdLst', async () => {
    const reversed = await parse(await reverseSlideOrder(bytes));
    expect(headings(reversed)).toEqual(['Budget table', 'Roadmap', 'Quarterly Review']);
    expect(reversed.blocks.find((b) => b.kind === 'heading' && b.text === 'Budget table')?.prov).toEqual({ slide: 1 });
  });
});

describe('PptxParser on the corpus', () => {
  // Phrases checked against each deck's slide, notes and chart XML.
  const phrases: Record<string, string[]> = {
    'chatchat_ocr_test_zh.pptx': ['我是文字', '我是表格5'],
    'docling_powerpoint_sample.pptx': [
      'Second slide title',
      'A merged with B',
      'Notes: Some notes on the second slide.',
    ],
    'docling_powerpoint_with_image.pptx': ['Image linked to file', 'A cartoon duck holding a paper'],
    'docling_pptx_chart.pptx': ['Wild Duck Observations by Year', 'Saltwater Ducks', 'Quarterly revenue'],
    'markitdown_test.pptx': ['1b92870d-e3b5-4e65-8153-919f4ff45592', 'Sub comment 2', 'This is a nested shape'],
    'mineru_pptx_01.pptx': ['中断列表第1项', '第5页标题'],
    'unstructured_fake-power-point-many-pages.pptx': ['Page 1', 'Page 2'],
    'unstructured_fake-power-point-table.pptx': ['Tangerine', 'Aqua'],
    'unstructured_fake-power-point.pptx': ['Adding a Bullet Slide', 'Here is some text in a text box!'],
    'unstructured_sample-presentation.pptx': ['This one is a sub-sub-bullet', 'This is kinda backwards, huh?'],
  };

  it('covers every PPTX in the corpus', () => {
    expect(corpusFiles('pptx')).toEqual(Object.keys(phrases).sort());
  });

  it.each(Object.entries(phrases))('parses %s with slide provenance', async (file, expected) => {
    const doc = await parse(corpusBytes(`pptx/${file}`), file);
    const markdown = renderMarkdown(doc.blocks);
    for (const phrase of expected) expect(markdown).toContain(phrase);
    const slides = doc.metadata.slides as number;
    for (const b of doc.blocks) expect(b.prov?.slide).toBeGreaterThanOrEqual(1);
    expect(Math.max(...doc.blocks.map((b) => b.prov!.slide!))).toBeLessThanOrEqual(slides);
  });

  it('reads docling_powerpoint_sample.pptx like docling does', async () => {
    const doc = await parse(corpusBytes('pptx/docling_powerpoint_sample.pptx'));
    expect(headings(doc)).toEqual(['Test Table Slide', 'Second slide title']);
    const table = doc.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.header).toEqual([
      '',
      'Class1',
      'Class1',
      'Class1',
      'Class2',
      'Class2',
      'Class2',
    ]);
    expect(recallAgainst('docling_powerpoint_sample.pptx.md', doc.blocks)).toBeGreaterThanOrEqual(0.9);
  });

  it('places the children of a group shape (markitdown_test.pptx)', async () => {
    const doc = await parse(corpusBytes('pptx/markitdown_test.pptx'));
    const slide5 = doc.blocks.filter((b) => b.prov?.slide === 5).map(textOf);
    expect(slide5).toEqual([
      'A Nested Shape parsing',
      'Nested Shape',
      'This is a nested shape with content in 2 shapes',
      'Comment 1 Comment 2: Sub comment 2',
    ]);
  });

  it('turns a chart into a captioned image and a table of its cached data', async () => {
    const doc = await parse(corpusBytes('pptx/docling_pptx_chart.pptx'));
    expect(doc.blocks.slice(0, 3)).toEqual([
      { kind: 'heading', level: 1, text: 'Quarterly Duck Survey', prov: { slide: 1 } },
      { kind: 'image', caption: 'Bar chart: Wild Duck Observations by Year', prov: { slide: 1 } },
      {
        kind: 'table',
        header: ['', 'Freshwater Ducks', 'Saltwater Ducks'],
        rows: [
          ['2019', '120', '80'],
          ['2020', '130', '95'],
          ['2021', '150', '110'],
          ['2022', '175', '130'],
        ],
        prov: { slide: 1 },
      },
    ]);
  });
});

describe('PptxParser on malformed decks', () => {
  // Both "malformed" corpus decks are recoverable; their source projects' own tests expect text
  // from them, so they parse, with the broken parts skipped.
  it('reads the text of docling_powerpoint_malformed_pictures.pptx, whose pictures are broken', async () => {
    const doc = await parse(corpusBytes('malformed/docling_powerpoint_malformed_pictures.pptx'));
    expect(doc.blocks.map((b) => [b.prov?.slide, textOf(b)])).toEqual([
      [1, 'Slide With Missing BlipFill'],
      [1, '_good_picture.png'],
      [2, 'Slide With Dangling Rel'],
      [2, '_good_picture.png'],
      [3, 'Slide With Wrong Content Type'],
      [3, '_good_picture.png'],
    ]);
  });

  it('reads unstructured_fake-power-point-malformed.pptx, leaving out its date placeholder', async () => {
    const doc = await parse(corpusBytes('malformed/unstructured_fake-power-point-malformed.pptx'));
    expect(doc.blocks).toEqual([{ kind: 'heading', level: 1, text: 'Test Slide', prov: { slide: 1 } }]);
  });

  it('calls zips that are no deck corrupt, and the encrypted file encrypted', async () => {
    expect((await failure(corpusBytes('malformed/mammoth_empty.zip'), 'mammoth_empty.zip')).code).toBe('corrupt');
    expect((await failure(corpusBytes('malformed/mammoth_hello.zip'), 'mammoth_hello.zip')).message).toBe(
      'The ZIP archive has no ppt/presentation.xml, so it is not a PPTX document.',
    );
    expect((await failure(corpusBytes('malformed/unstructured_password_protected.xlsx'), 'locked.pptx')).code).toBe(
      'encrypted',
    );
  });

  it('calls a slide that is not well-formed XML corrupt, naming the part', async () => {
    const zip = await JSZip.loadAsync(await buildPptx());
    zip.file('ppt/slides/slide2.xml', '<p:sld><p:cSld><p:spTree></p:sld>');
    const err = await failure(await zip.generateAsync({ type: 'nodebuffer' }), 'broken.pptx');
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/ppt\/slides\/slide2\.xml is not well-formed XML/);
  });

  it('refuses a part that declares a DTD (entity expansion)', async () => {
    const zip = await JSZip.loadAsync(await buildPptx());
    zip.file('ppt/slides/slide1.xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><p:sld>&a;</p:sld>');
    const err = await failure(await zip.generateAsync({ type: 'nodebuffer' }), 'dtd.pptx');
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/declares a DTD/);
  });

  it('calls a deck without slides empty', async () => {
    const zip = await JSZip.loadAsync(await buildPptx());
    const path = 'ppt/presentation.xml';
    zip.file(path, (await zip.file(path)!.async('string')).replace(/<p:sldIdLst>.*?<\/p:sldIdLst>/s, ''));
    const err = await failure(await zip.generateAsync({ type: 'nodebuffer' }), 'no-slides.pptx');
    expect([err.code, err.message]).toEqual(['empty', 'The presentation has no slides.']);
  });
});
