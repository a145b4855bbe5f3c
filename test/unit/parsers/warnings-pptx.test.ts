// "Parsed with warnings" for PPTX: broken pictures, relationships that lead nowhere, slides the
// deck lists but lacks, and placeholders whose position the layout/master chain cannot supply.
import JSZip from 'jszip';
import PptxGenJS from 'pptxgenjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PptxParser } from '../../../workers/parsers/pptx.parser';
import { corpusBytes, corpusFiles } from './fixtures-corpus';

const parse = (bytes: Buffer, filename = 'deck.pptx') => new PptxParser().parse({ bytes, filename });
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Three slides: a picture, a chart, and text only. */
async function buildDeck(): Promise<Buffer> {
  const pptx = new PptxGenJS();
  const one = pptx.addSlide();
  one.addText('Slide with a picture', { x: 0.5, y: 0.3, w: 9, h: 1 });
  one.addImage({ data: `image/png;base64,${PNG_1PX.toString('base64')}`, x: 1, y: 1.5, w: 1, h: 1, altText: 'logo' });
  const two = pptx.addSlide();
  two.addText('Slide with a chart', { x: 0.5, y: 0.3, w: 9, h: 1 });
  two.addChart(pptx.ChartType.bar, [{ name: 'Sales', labels: ['Q1', 'Q2'], values: [3, 5] }], {
    x: 1,
    y: 1.5,
    w: 6,
    h: 3,
  });
  pptx.addSlide().addText('Slide with text only', { x: 0.5, y: 0.3, w: 9, h: 1 });
  return Buffer.from((await pptx.write({ outputType: 'nodebuffer' })) as Uint8Array);
}

async function edit(bytes: Buffer, change: (zip: JSZip) => Promise<void> | void): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  await change(zip);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The deck's parts matching `pattern`: generators name media and charts as they like. */
const partsOf = (zip: JSZip, pattern: RegExp) => zip.file(pattern).map((f) => f.name);

describe('PPTX warnings on the corpus', () => {
  it.each(corpusFiles('pptx'))('finds nothing wrong with pptx/%s', async (file) => {
    const doc = await parse(corpusBytes(`pptx/${file}`), file);
    expect(doc.warnings).toBeUndefined();
  });

  it('names each broken picture of docling_powerpoint_malformed_pictures.pptx by slide and defect', async () => {
    const doc = await parse(corpusBytes('malformed/docling_powerpoint_malformed_pictures.pptx'));
    expect(doc.warnings).toEqual([
      '3 pictures have no usable image — ' +
        'slide 1: the picture has no image data (its p:blipFill is missing or empty); ' +
        'slide 2: it refers to relationship rIdMissing999, which the slide does not define; ' +
        'slide 3: its part ppt/media/image1.png is declared as text/plain, not as an image. ' +
        'Fennel skipped these images and kept their alt text.',
    ]);
    // The text is still there, pictures as their alt text.
    expect(doc.blocks.map((b) => (b.kind === 'image' ? `[${b.caption}]` : 'text' in b ? b.text : ''))).toEqual([
      'Slide With Missing BlipFill',
      '[_good_picture.png]',
      'Slide With Dangling Rel',
      '[_good_picture.png]',
      'Slide With Wrong Content Type',
      '[_good_picture.png]',
    ]);
  });

  it('names the position-less date placeholder of unstructured_fake-power-point-malformed.pptx', async () => {
    // Its slide's date placeholder has no a:xfrm, nor has the layout's, and the master has no
    // date placeholder at all: the defect that made python-pptx readers crash on shape.top None
    // (Unstructured-IO/unstructured#760).
    const doc = await parse(corpusBytes('malformed/unstructured_fake-power-point-malformed.pptx'));
    expect(doc.warnings).toEqual([
      "1 placeholder has no position on the slide, its layout or its master, so the template's placeholder " +
        'inheritance is broken (such decks crash some PPTX-reading tools) — slide 1: date placeholder ' +
        '"Problem Date Placeholder". In Fennel, date, footer and slide-number placeholders are left out as slide ' +
        'furniture.',
    ]);
    expect(doc.blocks).toEqual([{ kind: 'heading', level: 1, text: 'Test Slide', prov: { slide: 1 } }]);
  });
});

describe('PPTX warnings on damaged copies of a generated deck', () => {
  let deck: Buffer;
  beforeAll(async () => {
    deck = await buildDeck();
  });

  it('finds nothing wrong with the original, picture and chart included', async () => {
    const doc = await parse(deck);
    expect(doc.warnings).toBeUndefined();
    expect(doc.blocks.some((b) => b.kind === 'image')).toBe(true);
  });

  it('names a picture whose image part is gone', async () => {
    const bytes = await edit(deck, (zip) => {
      for (const p of partsOf(zip, /^ppt\/media\//)) zip.remove(p);
    });
    const doc = await parse(bytes);
    expect(doc.warnings).toEqual([
      expect.stringMatching(/^1 picture has no usable image — slide 1: its image ppt\/media\/\S+ is not in the file\./),
    ]);
  });

  it('names a chart relationship that leads to a missing part', async () => {
    const bytes = await edit(deck, (zip) => {
      for (const p of partsOf(zip, /^ppt\/charts\/chart\d*\.xml$/)) zip.remove(p);
    });
    const doc = await parse(bytes);
    expect(doc.warnings).toEqual([
      expect.stringMatching(
        /^1 reference leads nowhere — slide 2: its chart relationship \w+ points at ppt\/charts\/\S+, which is not in the file\. Fennel skipped/,
      ),
    ]);
  });

  it('names a chart whose relationship ID the slide does not define', async () => {
    const bytes = await edit(deck, async (zip) => {
      const xml = await zip.file('ppt/slides/slide2.xml')!.async('string');
      zip.file('ppt/slides/slide2.xml', xml.replace(/(<c:chart\b[^>]*\br:id=")[^"]+"/, '$1rId99"'));
    });
    const doc = await parse(bytes);
    expect(doc.warnings).toEqual([
      expect.stringMatching(
        /^1 reference leads nowhere — slide 2: c:chart refers to relationship rId99, which the slide/,
      ),
    ]);
  });

  it('names a slide the presentation lists but the package lacks, and still reads the others', async () => {
    const bytes = await edit(deck, (zip) => {
      zip.remove('ppt/slides/slide3.xml');
    });
    const doc = await parse(bytes);
    expect(doc.warnings).toEqual([
      'The presentation lists 1 slide whose part is not in the file (ppt/slides/slide3.xml); Fennel read the slides that are there.',
    ]);
    expect(doc.blocks.filter((b) => b.kind === 'heading' || b.kind === 'paragraph').length).toBeGreaterThan(0);
  });
});
