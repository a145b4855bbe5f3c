// DrawingML text bodies (slides, spreadsheet drawings, charts): paragraphs with their outline level and whether PowerPoint draws a
// bullet or number in front of them, grouped into list and paragraph blocks.
import type { Block, ListItem, Provenance } from './parsed-document';
import { cleanText } from './ooxml-table';
import { child, elements, textContent, type XmlElement } from './ooxml-xml';

export type BulletKind = 'none' | 'bullet' | 'number';
/** Bullet kinds by outline level (0-8) as one style layer declares them; undefined: not declared. */
export type LevelBullets = (BulletKind | undefined)[];

export interface TextParagraph {
  text: string;
  level: number;
  bullet: BulletKind;
}

/** What a paragraph-properties element (a:pPr, a:lvl1pPr, ...) says about bullets. */
export function declaredBullet(pPr: XmlElement | undefined): BulletKind | undefined {
  for (const c of elements(pPr)) {
    if (c.name === 'a:buNone') return 'none';
    if (c.name === 'a:buAutoNum') return 'number';
    if (c.name === 'a:buChar' || c.name === 'a:buBlip') return 'bullet';
  }
  return undefined;
}

/** Bullets per level from a list style (a:lstStyle, p:bodyStyle, ...). */
export function levelBullets(listStyle: XmlElement | undefined): LevelBullets {
  return Array.from({ length: 9 }, (_, i) => declaredBullet(child(listStyle, `a:lvl${i + 1}pPr`)));
}

/** A paragraph's visible text: runs and fields in order, line breaks kept. */
export function paragraphText(p: XmlElement): string {
  let s = '';
  for (const c of elements(p)) {
    if (c.name === 'a:r' || c.name === 'a:fld') s += elements(c, 'a:t').map(textContent).join('');
    else if (c.name === 'a:br') s += '\n';
  }
  return cleanText(s);
}

/**
 * Paragraphs of a text body. `inherited` answers for levels the paragraph and the body's own
 * list style leave open (the layout, master and master text styles, for placeholders).
 */
export function textParagraphs(
  txBody: XmlElement | undefined,
  inherited: (level: number) => BulletKind | undefined = () => undefined,
): TextParagraph[] {
  const own = levelBullets(child(txBody, 'a:lstStyle'));
  const out: TextParagraph[] = [];
  for (const p of elements(txBody, 'a:p')) {
    const text = paragraphText(p);
    if (!text) continue;
    const pPr = child(p, 'a:pPr');
    const level = Math.min(Math.max(Number(pPr?.attrs.lvl ?? 0) || 0, 0), 8);
    out.push({ text, level, bullet: declaredBullet(pPr) ?? own[level] ?? inherited(level) ?? 'none' });
  }
  return out;
}

/** Runs of bulleted paragraphs become one list (depth relative to the run's outermost level). */
export function textBlocks(paragraphs: TextParagraph[], prov: Provenance): Block[] {
  const blocks: Block[] = [];
  let run: TextParagraph[] = [];
  const flush = () => {
    if (!run.length) return;
    const base = Math.min(...run.map((p) => p.level));
    const items: ListItem[] = run.map((p) => ({
      text: p.text.replace(/\n/g, ' '),
      depth: p.level - base,
      ordered: p.bullet === 'number',
    }));
    blocks.push({ kind: 'list', items, prov: { ...prov } });
    run = [];
  };
  for (const p of paragraphs) {
    if (p.bullet !== 'none') {
      // Bullets then numbers at the outermost level are two lists, not one numbered from 2.
      const base = run.length ? Math.min(...run.map((r) => r.level)) : p.level;
      const prevAtBase = [...run].reverse().find((r) => r.level === base);
      if (prevAtBase && p.level <= base && prevAtBase.bullet !== p.bullet) flush();
      run.push(p);
      continue;
    }
    flush();
    blocks.push({ kind: 'paragraph', text: p.text, prov: { ...prov } });
  }
  flush();
  return blocks;
}
