// Parts of an OOXML package as parsed XML, and the relationships that link them (slide to
// layout, sheet to drawing, drawing to chart). Parts are parsed once and cached.
import JSZip from 'jszip';
import { elements, parseXml, type XmlElement } from './ooxml-xml';

export interface Relationship {
  type: string;
  /** Package path of the target part ('ppt/slides/slide3.xml'); undefined for external targets. */
  target?: string;
}

export class OoxmlParts {
  private readonly xmlCache = new Map<string, Promise<XmlElement | null>>();
  private readonly relsCache = new Map<string, Promise<Map<string, Relationship>>>();

  private constructor(private readonly zip: JSZip) {}

  static async load(bytes: Buffer): Promise<OoxmlParts> {
    return new OoxmlParts(await JSZip.loadAsync(bytes));
  }

  /** Paths of the parts whose path matches. */
  paths(pattern: RegExp): string[] {
    return this.zip.file(pattern).map((f) => f.name);
  }

  /** A part's raw text, or null when the package does not have it. */
  async text(path: string): Promise<string | null> {
    return (await this.zip.file(path)?.async('string')) ?? null;
  }

  /** The parsed part, or null when the package does not have it. */
  xml(path: string): Promise<XmlElement | null> {
    let cached = this.xmlCache.get(path);
    if (!cached) {
      const file = this.zip.file(path);
      cached = file ? file.async('string').then((s) => parseXml(s, path)) : Promise.resolve(null);
      this.xmlCache.set(path, cached);
    }
    return cached;
  }

  rels(part: string): Promise<Map<string, Relationship>> {
    let cached = this.relsCache.get(part);
    if (!cached) {
      cached = this.readRels(part);
      this.relsCache.set(part, cached);
    }
    return cached;
  }

  /** The first relationship of a type ('slideLayout', 'notesSlide', ...) from a part. */
  async related(part: string, type: string): Promise<string | undefined> {
    for (const rel of (await this.rels(part)).values()) if (relType(rel) === type && rel.target) return rel.target;
    return undefined;
  }

  private async readRels(part: string): Promise<Map<string, Relationship>> {
    const slash = part.lastIndexOf('/');
    const relsPath = `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
    const root = await this.xml(relsPath);
    const map = new Map<string, Relationship>();
    for (const rel of elements(root ?? undefined, 'Relationship')) {
      const { Id: id, Type: type = '', Target: target = '', TargetMode: mode } = rel.attrs;
      if (!id) continue;
      map.set(id, { type, target: mode === 'External' ? undefined : resolvePartPath(part, target) });
    }
    return map;
  }
}

/** The last segment of a relationship type URI: 'slide', 'slideLayout', 'chart', ... */
export function relType(rel: Relationship): string {
  return rel.type.slice(rel.type.lastIndexOf('/') + 1);
}

/** Resolves a relationship target against the folder of the part that holds it. */
export function resolvePartPath(fromPart: string, target: string): string {
  const decoded = safeDecode(target);
  const segments = decoded.startsWith('/') ? [] : fromPart.split('/').slice(0, -1);
  for (const seg of decoded.split('/')) {
    if (seg === '..') segments.pop();
    else if (seg && seg !== '.') segments.push(seg);
  }
  return segments.join('/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
