// Charts in DrawingML parts (slides and spreadsheet drawings alike): a caption naming the chart,
// then the series data the chart part caches, as a table.
import type { Block, Provenance } from './parsed-document';
import type { OoxmlParts } from './ooxml-parts';
import { tableBlock } from './ooxml-table';
import { child, descendants, elements, textContent, type XmlElement } from './ooxml-xml';
import { paragraphText } from './ooxml-drawing-text';

/** An image block for the chart, then its cached series as a table when there are any. */
export async function chartBlocks(
  parts: OoxmlParts,
  chartPart: string | undefined,
  altText: string,
  prov: Provenance,
): Promise<Block[]> {
  const root = chartPart ? await parts.xml(chartPart) : null;
  const chart = child(root ?? undefined, 'c:chart');
  const plots = elements(child(chart, 'c:plotArea')).filter((el) => el.name.endsWith('Chart'));
  const title = descendants(child(chart, 'c:title'), 'a:p').map(paragraphText).filter(Boolean).join(' ');
  const blocks: Block[] = [{ kind: 'image', caption: chartCaption(altText, title, plots[0]?.name), prov: { ...prov } }];
  const series = plots
    .flatMap((el) => elements(el, 'c:ser'))
    .map((ser) => ({
      name: cachedValues(child(ser, 'c:tx')).join(' '),
      categories: cachedValues(child(ser, 'c:cat') ?? child(ser, 'c:xVal')),
      values: cachedValues(child(ser, 'c:val') ?? child(ser, 'c:yVal')),
    }))
    .filter((s) => s.values.length);
  if (!series.length) return blocks;
  const count = Math.max(...series.map((s) => s.values.length));
  const categories = series.find((s) => s.categories.length)?.categories ?? [];
  const rows = Array.from({ length: count }, (_, i) => [
    categories[i] ?? String(i + 1),
    ...series.map((s) => s.values[i] ?? ''),
  ]);
  const table = tableBlock([['', ...series.map((s, i) => s.name || `Series ${i + 1}`)], ...rows], prov);
  if (table) blocks.push(table);
  return blocks;
}

/** Points of the string/number cache under a series element, by index. */
function cachedValues(el: XmlElement | undefined): string[] {
  if (!el) return [];
  const literal = child(el, 'c:v');
  if (literal) return [textContent(literal)];
  const strings = descendants(el, 'c:strCache')[0] ?? descendants(el, 'c:strLit')[0];
  const numbers = descendants(el, 'c:numCache')[0] ?? descendants(el, 'c:numLit')[0];
  const cache = strings ?? numbers;
  const numeric = !strings;
  const out: string[] = [];
  for (const pt of elements(cache, 'c:pt')) {
    const idx = Number(pt.attrs.idx);
    const v = child(pt, 'c:v');
    if (Number.isInteger(idx) && idx >= 0 && idx < 100_000 && v)
      out[idx] = numeric ? tidyNumber(textContent(v)) : textContent(v);
  }
  return Array.from(out, (v) => v ?? '');
}

/** Binary floating point noise (4.4000000000000004) is not what the chart shows. */
function tidyNumber(s: string): string {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? String(Number(n.toPrecision(15))) : s;
}

/** "Bar chart: Sales by year": the author's alt text wins; Office's generated alt text is trimmed. */
function chartCaption(altText: string, title: string, plotName: string | undefined): string {
  const kind = plotName
    ? `${plotName
        .replace(/^c:/, '')
        .replace(/3D/, '')
        .replace(/Chart$/, '')} chart`
    : 'Chart';
  const label = kind.charAt(0).toUpperCase() + kind.slice(1);
  const alt = altText
    .replace(/\s*Description automatically generated\s*$/i, '')
    .replace(/^Chart type: \w+\.\s*/, '')
    .trim();
  const name = alt || title;
  return name ? `${label}: ${name}` : label;
}
