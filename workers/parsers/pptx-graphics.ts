// Graphic frames on a slide: tables and SmartArt diagrams (the text of their nodes). Charts are
// in ooxml-chart.ts, shared with spreadsheets.
import type { Block, Provenance } from './parsed-document';
import { tableBlock } from './ooxml-table';
import type { OoxmlParts } from './ooxml-parts';
import { child, elements, type XmlElement } from './ooxml-xml';
import { paragraphText } from './ooxml-drawing-text';

const cellText = (tc: XmlElement) =>
  elements(child(tc, 'a:txBody'), 'a:p').map(paragraphText).filter(Boolean).join(' ').replace(/\n/g, ' ');

const isOn = (v: string | undefined) => v === '1' || v === 'true';

/**
 * A DrawingML table as a grid. PowerPoint writes a placeholder <a:tc hMerge|vMerge> for every
 * position a merged cell covers; those repeat the merged text so each row reads on its own.
 */
export function tableFromXml(tbl: XmlElement, prov: Provenance): Block | null {
  const grid: string[][] = [];
  elements(tbl, 'a:tr').forEach((tr, r) => {
    const row: string[] = [];
    let pendingSpan = 0;
    for (const tc of elements(tr, 'a:tc')) {
      if (isOn(tc.attrs.hMerge)) {
        row.push(row[row.length - 1] ?? '');
        pendingSpan = Math.max(0, pendingSpan - 1);
        continue;
      }
      // Some writers leave out the placeholders a gridSpan implies; add them back.
      for (; pendingSpan > 0; pendingSpan--) row.push(row[row.length - 1] ?? '');
      row.push(isOn(tc.attrs.vMerge) ? (grid[r - 1]?.[row.length] ?? '') : cellText(tc));
      pendingSpan = Math.max(0, (Number(tc.attrs.gridSpan) || 1) - 1);
    }
    for (; pendingSpan > 0; pendingSpan--) row.push(row[row.length - 1] ?? '');
    grid.push(row);
  });
  return tableBlock(grid, prov);
}

/** The text of a SmartArt diagram's content nodes, as a flat list. */
export async function smartArtBlocks(
  pkg: OoxmlParts,
  dataPart: string | undefined,
  prov: Provenance,
): Promise<Block[]> {
  const root = dataPart ? await pkg.xml(dataPart) : null;
  const texts = elements(child(root ?? undefined, 'dgm:ptLst'), 'dgm:pt')
    // Connector and presentation points carry no author text.
    .filter((pt) => (pt.attrs.type ?? 'node') === 'node' || pt.attrs.type === 'asst')
    .map((pt) => elements(child(pt, 'dgm:t'), 'a:p').map(paragraphText).filter(Boolean).join(' '))
    .filter(Boolean);
  return texts.length
    ? [{ kind: 'list', items: texts.map((text) => ({ text, depth: 0, ordered: false })), prov: { ...prov } }]
    : [];
}
