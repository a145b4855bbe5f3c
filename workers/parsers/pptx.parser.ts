// PPTX via JSZip + fast-xml-parser: slides in the deck's own order, each in reading order, with
// its speaker notes after it.
import { asCorrupt, openOoxml } from './ooxml-package';
import { child, elements } from './ooxml-xml';
import {
  deriveTitle,
  ParseError,
  type Block,
  type ParsedDocument,
  type Parser,
  type ParserInput,
} from './parsed-document';
import { OoxmlParts } from './ooxml-parts';
import { FURNITURE_TYPES, placeholderOf } from './pptx-placeholders';
import { slideBlocks } from './pptx-slide';
import { paragraphText } from './ooxml-drawing-text';
import { pptxIntegrityWarnings } from './pptx-integrity';

const DEFAULT_SLIDE_HEIGHT = 6_858_000; // 16:9 and 4:3 decks alike, in EMU

export class PptxParser implements Parser {
  readonly format = 'pptx' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    await openOoxml(input.bytes, 'pptx', { password: input.password });
    try {
      return await this.read(input);
    } catch (err) {
      throw asCorrupt(err, 'pptx');
    }
  }

  private async read(input: ParserInput): Promise<ParsedDocument> {
    const pkg = await OoxmlParts.load(input.bytes);
    const { order, unresolved } = await slideOrder(pkg);
    const presentation = await pkg.xml('ppt/presentation.xml');
    const slideHeight = Number(child(presentation ?? undefined, 'p:sldSz')?.attrs.cy) || DEFAULT_SLIDE_HEIGHT;
    const blocks: Block[] = [];
    const hiddenSlides: number[] = [];
    const missingSlides: string[] = [];
    for (const [i, part] of order.entries()) {
      const slideNo = i + 1;
      const slide = await slideBlocks(pkg, part, slideNo, slideHeight);
      if (!slide) {
        missingSlides.push(part);
        continue;
      }
      if (slide.hidden) hiddenSlides.push(slideNo);
      blocks.push(...slide.blocks);
      const notes = await speakerNotes(pkg, part);
      if (notes) blocks.push({ kind: 'quote', text: `Notes: ${notes}`, prov: { slide: slideNo } });
    }
    // Only for a deck with text: an empty one fails, and its damage does not matter then.
    const warnings = blocks.length
      ? await pptxIntegrityWarnings(pkg, order, { missingSlides, unresolvedSlides: unresolved })
      : [];
    if (!blocks.length) {
      throw new ParseError(
        'empty',
        order.length ? 'The presentation has no text on its slides.' : 'The presentation has no slides.',
      );
    }
    return {
      title: deriveTitle(blocks, input.filename),
      blocks,
      metadata: {
        parser: 'pptx-xml',
        slides: order.length,
        ...(hiddenSlides.length ? { hiddenSlides } : {}),
        ...(missingSlides.length ? { missingSlides } : {}),
      },
      ...(warnings.length ? { warnings } : {}),
    };
  }
}

/**
 * Slide parts in the deck's own order: presentation.xml's sldIdLst through its relationships,
 * never file names. `unresolved` are the relationship IDs of entries that lead to no part.
 */
async function slideOrder(pkg: OoxmlParts): Promise<{ order: string[]; unresolved: string[] }> {
  const presentation = await pkg.xml('ppt/presentation.xml');
  if (!presentation) throw new ParseError('corrupt', 'The PPTX has no ppt/presentation.xml.');
  const rels = await pkg.rels('ppt/presentation.xml');
  const order: string[] = [];
  const unresolved: string[] = [];
  for (const sld of elements(child(presentation, 'p:sldIdLst'), 'p:sldId')) {
    const id = sld.attrs['r:id'] ?? '';
    const target = rels.get(id)?.target;
    if (target) order.push(target);
    else unresolved.push(id || '(none)');
  }
  return { order, unresolved };
}

/** The body placeholder of the slide's notes page; the slide image and page number are not notes. */
async function speakerNotes(pkg: OoxmlParts, slidePart: string): Promise<string> {
  const notesPart = await pkg.related(slidePart, 'notesSlide');
  const root = notesPart ? await pkg.xml(notesPart) : null;
  const lines: string[] = [];
  for (const sp of elements(child(root ?? undefined, 'p:cSld', 'p:spTree'), 'p:sp')) {
    const ph = placeholderOf(sp);
    if (ph && FURNITURE_TYPES.has(ph.type)) continue;
    for (const p of elements(child(sp, 'p:txBody'), 'a:p')) {
      const text = paragraphText(p);
      if (text) lines.push(text);
    }
  }
  return lines.join('\n');
}
