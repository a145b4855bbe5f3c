// One slide in reading order: the title first, then every shape top-to-bottom and, within a
// row, left-to-right, with group shapes opened up and their children placed on the slide.
import type { Block, Provenance } from './parsed-document';
import { child, elements, type XmlElement } from './ooxml-xml';
import { chartBlocks } from './ooxml-chart';
import { smartArtBlocks, tableFromXml } from './pptx-graphics';
import type { OoxmlParts } from './ooxml-parts';
import {
  FURNITURE_TYPES,
  offsetOf,
  placeholderOf,
  SlideInheritance,
  TITLE_TYPES,
  type Point,
} from './pptx-placeholders';
import { paragraphText, textBlocks, textParagraphs } from './ooxml-drawing-text';

/** Shapes whose tops differ by less than this share of the slide height are read as one row. */
const ROW_TOLERANCE = 0.02;

interface Item {
  title: boolean;
  at?: Point;
  blocks: Block[];
}

type Transform = (p: Point) => Point;

interface WalkContext {
  pkg: OoxmlParts;
  part: string;
  rels: Awaited<ReturnType<OoxmlParts['rels']>>;
  inherit: SlideInheritance;
  prov: Provenance;
  items: Item[];
}

export async function slideBlocks(
  pkg: OoxmlParts,
  part: string,
  slideNo: number,
  slideHeight: number,
): Promise<{ blocks: Block[]; hidden: boolean } | null> {
  const root = await pkg.xml(part);
  if (!root) return null;
  const ctx: WalkContext = {
    pkg,
    part,
    rels: await pkg.rels(part),
    inherit: await SlideInheritance.forSlide(pkg, part),
    prov: { slide: slideNo },
    items: [],
  };
  await walk(child(root, 'p:cSld', 'p:spTree'), (p) => p, ctx);
  return {
    blocks: readingOrder(ctx.items, slideHeight),
    hidden: root.attrs.show === '0' || root.attrs.show === 'false',
  };
}

async function walk(tree: XmlElement | undefined, place: Transform, ctx: WalkContext): Promise<void> {
  for (const el of elements(tree)) {
    switch (el.name) {
      case 'p:sp':
        shape(el, place, ctx);
        break;
      case 'p:grpSp':
        await walk(el, groupTransform(child(el, 'p:grpSpPr', 'a:xfrm'), place), ctx);
        break;
      case 'p:graphicFrame':
        await graphicFrame(el, place, ctx);
        break;
      case 'p:pic':
        ctx.items.push({
          title: false,
          at: locate(el, child(el, 'p:spPr', 'a:xfrm'), place, ctx),
          blocks: [{ kind: 'image', caption: altText(el), prov: { ...ctx.prov } }],
        });
        break;
      case 'mc:AlternateContent':
        // The Choice holds the real shapes; the Fallback is a picture of them for old readers.
        await walk(child(el, 'mc:Choice') ?? child(el, 'mc:Fallback'), place, ctx);
        break;
    }
  }
}

function shape(sp: XmlElement, place: Transform, ctx: WalkContext): void {
  const ph = placeholderOf(sp);
  if (ph && FURNITURE_TYPES.has(ph.type)) return;
  const at = locate(sp, child(sp, 'p:spPr', 'a:xfrm'), place, ctx);
  const txBody = child(sp, 'p:txBody');
  if (ph && TITLE_TYPES.has(ph.type)) {
    const text = elements(txBody, 'a:p').map(paragraphText).filter(Boolean).join(' ').replace(/\n/g, ' ');
    if (text) ctx.items.push({ title: true, at, blocks: [{ kind: 'heading', level: 1, text, prov: { ...ctx.prov } }] });
    return;
  }
  const paragraphs = textParagraphs(txBody, ph ? (level) => ctx.inherit.bullet(ph, level) : undefined);
  if (paragraphs.length) ctx.items.push({ title: false, at, blocks: textBlocks(paragraphs, ctx.prov) });
}

async function graphicFrame(frame: XmlElement, place: Transform, ctx: WalkContext): Promise<void> {
  const at = locate(frame, child(frame, 'p:xfrm'), place, ctx);
  const data = child(frame, 'a:graphic', 'a:graphicData');
  const tbl = child(data, 'a:tbl');
  const chart = child(data, 'c:chart');
  const diagram = child(data, 'dgm:relIds');
  let blocks: Block[] = [];
  if (tbl) {
    const table = tableFromXml(tbl, { ...ctx.prov });
    if (table) blocks = [table];
  } else if (chart) {
    blocks = await chartBlocks(ctx.pkg, ctx.rels.get(chart.attrs['r:id'] ?? '')?.target, altText(frame), ctx.prov);
  } else if (diagram) {
    blocks = await smartArtBlocks(ctx.pkg, ctx.rels.get(diagram.attrs['r:dm'] ?? '')?.target, ctx.prov);
  }
  if (blocks.length) ctx.items.push({ title: false, at, blocks });
}

/** The shape's top-left on the slide; a placeholder without its own position takes the layout's. */
function locate(el: XmlElement, xfrm: XmlElement | undefined, place: Transform, ctx: WalkContext): Point | undefined {
  const own = offsetOf(xfrm);
  if (own) return place(own);
  const ph = placeholderOf(el);
  return ph ? ctx.inherit.position(ph) : undefined;
}

/** Children of a group are laid out in its own coordinate space (chOff/chExt), scaled onto off/ext. */
function groupTransform(xfrm: XmlElement | undefined, parent: Transform): Transform {
  const off = offsetOf(xfrm);
  const chOff = child(xfrm, 'a:chOff');
  const ext = child(xfrm, 'a:ext');
  const chExt = child(xfrm, 'a:chExt');
  if (!off || !chOff) return parent;
  const scale = (a: string | undefined, b: string | undefined) =>
    Number(b) > 0 && Number(a) >= 0 ? Number(a) / Number(b) : 1;
  const sx = scale(ext?.attrs.cx, chExt?.attrs.cx);
  const sy = scale(ext?.attrs.cy, chExt?.attrs.cy);
  const cx = Number(chOff.attrs.x) || 0;
  const cy = Number(chOff.attrs.y) || 0;
  return (p) => parent({ x: off.x + (p.x - cx) * sx, y: off.y + (p.y - cy) * sy });
}

function altText(el: XmlElement): string {
  const nv = elements(el).find((c) => c.name.startsWith('p:nv'));
  const cNvPr = child(nv, 'p:cNvPr');
  return (cNvPr?.attrs.descr || cNvPr?.attrs.title || '').replace(/\s+/g, ' ').trim();
}

/** Title first; then rows of shapes top to bottom, each row left to right; unplaced shapes last. */
function readingOrder(items: Item[], slideHeight: number): Block[] {
  const titleAt = items.findIndex((i) => i.title);
  const title = titleAt >= 0 ? items[titleAt]! : undefined;
  const rest = items.filter((_, i) => i !== titleAt);
  const placed = rest.filter((i) => i.at).sort((a, b) => a.at!.y - b.at!.y);
  const rows: Item[][] = [];
  for (const item of placed) {
    const row = rows[rows.length - 1];
    if (row && item.at!.y - row[0]!.at!.y <= slideHeight * ROW_TOLERANCE) row.push(item);
    else rows.push([item]);
  }
  const ordered = rows.flatMap((row) => row.sort((a, b) => a.at!.x - b.at!.x));
  const blocks = [
    ...(title ? title.blocks : []),
    ...[...ordered, ...rest.filter((i) => !i.at)].flatMap((i) => i.blocks),
  ];
  // A second title placeholder is body text, not another heading.
  return blocks.map((b, i) => (b.kind === 'heading' && i > 0 ? { kind: 'paragraph', text: b.text, prov: b.prov } : b));
}
