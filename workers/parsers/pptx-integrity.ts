// Damage in a deck that the slide reader steps around without a word: pictures without a usable
// image, relationships that name no relationship or a part the package lacks, and placeholders
// whose position the layout and master chain cannot supply. Each becomes an admin warning.
import type { OoxmlParts } from './ooxml-parts';
import { relType } from './ooxml-parts';
import { child, descendants, elements, textContent, type XmlElement } from './ooxml-xml';
import { FURNITURE_TYPES, offsetOf, placeholderOf, SlideInheritance } from './pptx-placeholders';

/** Attributes in the relationships namespace that name a relationship of the part. */
const REL_ATTRS = ['r:id', 'r:embed', 'r:link', 'r:dm', 'r:lo', 'r:qs', 'r:cs', 'r:pict'];
/** Enough examples to act on; the count says how many there are. */
const SHOWN = 5;

const PLACEHOLDER_NAMES: Record<string, string> = {
  dt: 'date',
  ftr: 'footer',
  sldNum: 'slide-number',
  hdr: 'header',
  title: 'title',
  ctrTitle: 'title',
  subTitle: 'subtitle',
  body: 'body',
  obj: 'content',
  pic: 'picture',
};

interface Issue {
  slide: number;
  detail: string;
}

export interface DeckDamage {
  /** Slide entries of presentation.xml whose relationship ID is not defined. */
  unresolvedSlides: string[];
  /** Slide parts presentation.xml lists that the package lacks. */
  missingSlides: string[];
}

/** Content types of the package's parts: [Content_Types].xml overrides, then defaults by extension. */
async function contentTypes(pkg: OoxmlParts): Promise<(part: string) => string | undefined> {
  const root = await pkg.xml('[Content_Types].xml');
  const overrides = new Map<string, string>();
  const defaults = new Map<string, string>();
  for (const o of elements(root ?? undefined, 'Override')) {
    if (o.attrs.PartName) overrides.set(o.attrs.PartName.replace(/^\//, '').toLowerCase(), o.attrs.ContentType ?? '');
  }
  for (const d of elements(root ?? undefined, 'Default')) {
    if (d.attrs.Extension) defaults.set(d.attrs.Extension.toLowerCase(), d.attrs.ContentType ?? '');
  }
  return (part) => {
    const key = part.toLowerCase();
    return overrides.get(key) ?? defaults.get(key.slice(key.lastIndexOf('.') + 1));
  };
}

const list = (items: string[]) =>
  items.length > SHOWN ? `${items.slice(0, SHOWN).join('; ')}; and ${items.length - SHOWN} more` : items.join('; ');

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function quote(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return `"${t.length > 60 ? `${t.slice(0, 57)}…` : t}"`;
}

/**
 * Checks every slide the deck lists (in deck order, `slides[i]` is slide i + 1) and returns the
 * admin warnings, empty for a sound deck.
 */
export async function pptxIntegrityWarnings(pkg: OoxmlParts, slides: string[], deck: DeckDamage): Promise<string[]> {
  const parts = new Set(pkg.paths(/./));
  const typeOf = await contentTypes(pkg);
  const pictures: Issue[] = [];
  const references: Issue[] = [];
  const placeholders: (Issue & { furniture: boolean })[] = [];

  for (const [i, part] of slides.entries()) {
    const slide = i + 1;
    if (!parts.has(part)) continue; // reported with the deck's missing slides
    const root = await pkg.xml(part);
    const tree = child(root ?? undefined, 'p:cSld');
    const rels = await pkg.rels(part);

    // Pictures: the blip must name a relationship to an image part that is there.
    const blipsInPictures = new Set<XmlElement>();
    for (const pic of descendants(tree, 'p:pic')) {
      const blip = child(pic, 'p:blipFill', 'a:blip');
      if (blip) blipsInPictures.add(blip);
      const id = blip?.attrs['r:embed'] || blip?.attrs['r:link'];
      if (!id) {
        pictures.push({ slide, detail: 'the picture has no image data (its p:blipFill is missing or empty)' });
        continue;
      }
      const rel = rels.get(id);
      if (!rel) {
        pictures.push({ slide, detail: `it refers to relationship ${id}, which the slide does not define` });
      } else if (rel.target && !parts.has(rel.target)) {
        pictures.push({ slide, detail: `its image ${rel.target} is not in the file` });
      } else if (rel.target) {
        const type = typeOf(rel.target);
        if (!type?.startsWith('image/')) {
          pictures.push({
            slide,
            detail: `its part ${rel.target} is declared as ${type ? type : 'no content type'}, not as an image`,
          });
        }
      }
    }

    // Every other element that names a relationship (charts, diagrams, OLE objects, links,
    // picture fills) must name one the slide defines.
    const walk = (el: XmlElement | undefined) => {
      for (const c of elements(el)) {
        if (!blipsInPictures.has(c)) {
          for (const attr of REL_ATTRS) {
            const id = c.attrs[attr];
            if (id && !rels.has(id)) {
              references.push({
                slide,
                detail: `${c.name} refers to relationship ${id}, which the slide does not define`,
              });
            }
          }
        }
        walk(c);
      }
    };
    walk(tree);

    // Every internal relationship of the slide must lead to a part that is there; a missing
    // image is already reported with its picture.
    const pictureTargets = new Set(
      [...blipsInPictures].map((b) => rels.get(b.attrs['r:embed'] || b.attrs['r:link'] || '')?.target),
    );
    for (const [id, rel] of rels) {
      if (!rel.target || parts.has(rel.target) || pictureTargets.has(rel.target)) continue;
      references.push({
        slide,
        detail: `its ${relType(rel)} relationship ${id} points at ${rel.target}, which is not in the file`,
      });
    }

    // A placeholder without a position of its own takes the layout's, then the master's.
    const inherit = await SlideInheritance.forSlide(pkg, part);
    for (const sp of descendants(tree, 'p:sp')) {
      const ph = placeholderOf(sp);
      if (!ph || offsetOf(child(sp, 'p:spPr', 'a:xfrm')) || inherit.position(ph)) continue;
      const text = textContent(child(sp, 'p:txBody') ?? { name: '', attrs: {}, children: [] });
      if (!text.trim()) continue; // nothing of it is read, so nothing is misplaced
      placeholders.push({
        slide,
        furniture: FURNITURE_TYPES.has(ph.type),
        detail: `${PLACEHOLDER_NAMES[ph.type] ?? ph.type} placeholder ${quote(text)}`,
      });
    }
  }

  const warnings: string[] = [];
  if (deck.missingSlides.length || deck.unresolvedSlides.length) {
    const what = [
      ...(deck.missingSlides.length
        ? [
            `${plural(deck.missingSlides.length, 'slide whose part is', 'slides whose parts are')} not in the file (${list(deck.missingSlides)})`,
          ]
        : []),
      ...(deck.unresolvedSlides.length
        ? [
            `${plural(deck.unresolvedSlides.length, 'slide entry', 'slide entries')} with an undefined relationship (${list(deck.unresolvedSlides)})`,
          ]
        : []),
    ];
    warnings.push(`The presentation lists ${what.join(' and ')}; Fennel read the slides that are there.`);
  }
  if (pictures.length) {
    warnings.push(
      `${plural(pictures.length, 'picture has', 'pictures have')} no usable image — ` +
        `${list(pictures.map((p) => `slide ${p.slide}: ${p.detail}`))}. Fennel skipped these images and kept their alt text.`,
    );
  }
  if (references.length) {
    warnings.push(
      `${plural(references.length, 'reference leads', 'references lead')} nowhere — ` +
        `${list(references.map((r) => `slide ${r.slide}: ${r.detail}`))}. ` +
        'Fennel skipped the charts, diagrams or objects they stand for.',
    );
  }
  if (placeholders.length) {
    const furniture = placeholders.some((p) => p.furniture);
    const placed = placeholders.some((p) => !p.furniture);
    const did = [
      ...(furniture ? ['date, footer and slide-number placeholders are left out as slide furniture'] : []),
      ...(placed
        ? ["other placeholders' text is read after the shapes that have a position (a title still first)"]
        : []),
    ];
    warnings.push(
      `${plural(placeholders.length, 'placeholder has', 'placeholders have')} no position on the slide, its layout or its master, ` +
        `so the template's placeholder inheritance is broken (such decks crash some PPTX-reading tools) — ` +
        `${list(placeholders.map((p) => `slide ${p.slide}: ${p.detail}`))}. In Fennel, ${did.join(', and ')}.`,
    );
  }
  return warnings;
}
