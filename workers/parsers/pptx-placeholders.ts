// Placeholder inheritance. A slide's placeholder often has no position and no bullet settings of
// its own: both come from the matching placeholder on the slide layout, then the slide master,
// then the master's text styles. Matching is by idx first, then by type.
import { child, elements, type XmlElement } from './ooxml-xml';
import type { OoxmlParts } from './ooxml-parts';
import { levelBullets, type BulletKind, type LevelBullets } from './ooxml-drawing-text';

export interface Point {
  x: number;
  y: number;
}

export interface PlaceholderRef {
  type: string;
  idx?: string;
}

interface PlaceholderDef {
  off?: Point;
  bullets: LevelBullets;
}

interface PlaceholderSet {
  byIdx: Map<string, PlaceholderDef>;
  byType: Map<string, PlaceholderDef>;
}

const NO_PLACEHOLDERS: PlaceholderSet = { byIdx: new Map(), byType: new Map() };

export const TITLE_TYPES = new Set(['title', 'ctrTitle']);
/** Running slide furniture, left out like a document's page headers and footers. */
export const FURNITURE_TYPES = new Set(['dt', 'ftr', 'sldNum', 'hdr', 'sldImg']);

export function placeholderOf(shape: XmlElement): PlaceholderRef | undefined {
  const nvPr = elements(shape).find((c) => c.name.startsWith('p:nv'));
  const ph = child(nvPr, 'p:nvPr', 'p:ph');
  if (!ph) return undefined;
  // The schema's default type is "obj" (a content placeholder).
  return { type: ph.attrs.type ?? 'obj', idx: ph.attrs.idx };
}

export function offsetOf(xfrm: XmlElement | undefined): Point | undefined {
  const off = child(xfrm, 'a:off');
  if (!off) return undefined;
  const x = Number(off.attrs.x);
  const y = Number(off.attrs.y);
  return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : undefined;
}

/** What one slide inherits from its layout and master. */
export class SlideInheritance {
  private constructor(
    private readonly layout: PlaceholderSet,
    private readonly master: PlaceholderSet,
    private readonly masterStyles: { title: LevelBullets; body: LevelBullets; other: LevelBullets },
  ) {}

  static async forSlide(pkg: OoxmlParts, slidePart: string): Promise<SlideInheritance> {
    const layoutPart = await pkg.related(slidePart, 'slideLayout');
    const masterPart = layoutPart ? await pkg.related(layoutPart, 'slideMaster') : undefined;
    const layoutXml = layoutPart ? await pkg.xml(layoutPart) : null;
    const masterXml = masterPart ? await pkg.xml(masterPart) : null;
    const styles = child(masterXml ?? undefined, 'p:txStyles');
    return new SlideInheritance(placeholderSet(layoutXml), placeholderSet(masterXml), {
      title: levelBullets(child(styles, 'p:titleStyle')),
      body: levelBullets(child(styles, 'p:bodyStyle')),
      other: levelBullets(child(styles, 'p:otherStyle')),
    });
  }

  position(ph: PlaceholderRef): Point | undefined {
    return this.matchLayout(ph)?.off ?? this.matchMaster(ph)?.off;
  }

  bullet(ph: PlaceholderRef, level: number): BulletKind | undefined {
    const style = TITLE_TYPES.has(ph.type)
      ? this.masterStyles.title
      : FURNITURE_TYPES.has(ph.type)
        ? this.masterStyles.other
        : this.masterStyles.body;
    return this.matchLayout(ph)?.bullets[level] ?? this.matchMaster(ph)?.bullets[level] ?? style[level];
  }

  private matchLayout(ph: PlaceholderRef): PlaceholderDef | undefined {
    return (ph.idx !== undefined ? this.layout.byIdx.get(ph.idx) : undefined) ?? this.layout.byType.get(ph.type);
  }

  private matchMaster(ph: PlaceholderRef): PlaceholderDef | undefined {
    // Masters only carry the generic kinds: a centred title is a title, content is body.
    const type = TITLE_TYPES.has(ph.type) ? 'title' : FURNITURE_TYPES.has(ph.type) ? ph.type : 'body';
    return this.master.byType.get(type);
  }
}

function placeholderSet(root: XmlElement | null): PlaceholderSet {
  if (!root) return NO_PLACEHOLDERS;
  const set: PlaceholderSet = { byIdx: new Map(), byType: new Map() };
  for (const sp of elements(child(root, 'p:cSld', 'p:spTree'), 'p:sp')) {
    const ph = placeholderOf(sp);
    if (!ph) continue;
    const def: PlaceholderDef = {
      off: offsetOf(child(sp, 'p:spPr', 'a:xfrm')),
      bullets: levelBullets(child(sp, 'p:txBody', 'a:lstStyle')),
    };
    if (ph.idx !== undefined && !set.byIdx.has(ph.idx)) set.byIdx.set(ph.idx, def);
    if (!set.byType.has(ph.type)) set.byType.set(ph.type, def);
  }
  return set;
}
