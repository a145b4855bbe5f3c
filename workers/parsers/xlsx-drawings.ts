// Charts, pictures and text boxes placed on worksheets (xl/drawings/*), which exceljs does not
// read. Each sheet's drawing objects come in anchor order, top to bottom, left to right.
import type { Block, Provenance } from './parsed-document';
import { chartBlocks } from './ooxml-chart';
import { textBlocks, textParagraphs } from './ooxml-drawing-text';
import type { OoxmlParts } from './ooxml-parts';
import { child, descendants, elements, type XmlElement } from './ooxml-xml';
import { columnLetters } from './xlsx-regions';

const ANCHORS = new Set(['xdr:twoCellAnchor', 'xdr:oneCellAnchor', 'xdr:absoluteAnchor']);

/** Drawing blocks by sheet name. */
export async function sheetDrawings(parts: OoxmlParts): Promise<Map<string, Block[]>> {
  const out = new Map<string, Block[]>();
  const workbook = await parts.xml('xl/workbook.xml');
  const rels = await parts.rels('xl/workbook.xml');
  for (const sheet of descendants(
    workbook ?? undefined,
    workbook?.name.includes(':') ? `${prefix(workbook.name)}:sheet` : 'sheet',
  )) {
    const sheetPart = rels.get(sheet.attrs['r:id'] ?? '')?.target;
    const drawingPart = sheetPart ? await parts.related(sheetPart, 'drawing') : undefined;
    const drawing = drawingPart ? await parts.xml(drawingPart) : null;
    if (!drawingPart || !drawing) continue;
    const name = sheet.attrs.name ?? '';
    const drawingRels = await parts.rels(drawingPart);
    const anchors = elements(drawing)
      .filter((a) => ANCHORS.has(a.name))
      .map((a) => ({ anchor: a, from: cellOf(child(a, 'xdr:from')), to: cellOf(child(a, 'xdr:to')) }))
      .sort((a, b) => (a.from?.row ?? 0) - (b.from?.row ?? 0) || (a.from?.col ?? 0) - (b.from?.col ?? 0));
    const blocks: Block[] = [];
    for (const { anchor, from, to } of anchors) {
      const prov: Provenance = { sheet: name };
      if (from) prov.cellRange = to ? `${a1(from)}:${a1(to)}` : a1(from);
      for (const shape of elements(anchor)) {
        blocks.push(...(await shapeBlocks(parts, shape, drawingRels, prov)));
      }
    }
    if (blocks.length) out.set(name, blocks);
  }
  return out;
}

async function shapeBlocks(
  parts: OoxmlParts,
  shape: XmlElement,
  rels: Awaited<ReturnType<OoxmlParts['rels']>>,
  prov: Provenance,
): Promise<Block[]> {
  switch (shape.name) {
    case 'xdr:graphicFrame': {
      const chart = child(shape, 'a:graphic', 'a:graphicData', 'c:chart');
      return chart ? chartBlocks(parts, rels.get(chart.attrs['r:id'] ?? '')?.target, altText(shape), prov) : [];
    }
    case 'xdr:pic':
      return [{ kind: 'image', caption: altText(shape), prov: { ...prov } }];
    case 'xdr:sp':
      return textBlocks(textParagraphs(child(shape, 'xdr:txBody')), prov);
    case 'xdr:grpSp': {
      const inner: Block[] = [];
      for (const c of elements(shape)) inner.push(...(await shapeBlocks(parts, c, rels, prov)));
      return inner;
    }
    default:
      return [];
  }
}

function cellOf(marker: XmlElement | undefined): { row: number; col: number } | undefined {
  const col = Number(child(marker, 'xdr:col')?.children[0]);
  const row = Number(child(marker, 'xdr:row')?.children[0]);
  return Number.isInteger(col) && Number.isInteger(row) ? { row, col } : undefined;
}

/** Anchor markers are 0-based. */
const a1 = (c: { row: number; col: number }) => `${columnLetters(c.col + 1)}${c.row + 1}`;

function altText(shape: XmlElement): string {
  const cNvPr = child(
    elements(shape).find((c) => c.name.startsWith('xdr:nv')),
    'xdr:cNvPr',
  );
  return (cNvPr?.attrs.descr || cNvPr?.attrs.title || '').replace(/\s+/g, ' ').trim();
}

function prefix(name: string): string {
  return name.slice(0, name.indexOf(':'));
}
