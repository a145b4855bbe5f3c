// OOXML parts as a small element tree. fast-xml-parser's ordered output keeps runs, breaks and
// shapes in document order, which reading order depends on; this wraps it in plain elements.
import { XMLParser } from 'fast-xml-parser';
import { ParseError } from './parsed-document';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Whitespace inside <a:t> is content.
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // Needed for numeric character references (&#x4E2D;), which OOXML writers do emit.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 256,
});

type Ordered = Record<string, unknown>;

export function parseXml(xml: string, part: string): XmlElement {
  // No OOXML part declares a DTD; one that does is an entity-expansion attempt.
  if (/<!DOCTYPE/i.test(xml.slice(0, 2048)))
    throw new ParseError('corrupt', `${part} declares a DTD, which Office files never do.`);
  let nodes: Ordered[];
  try {
    nodes = parser.parse(xml, true) as Ordered[];
  } catch (err) {
    throw new ParseError(
      'corrupt',
      `${part} is not well-formed XML (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  const root = nodes.map(convert).find((n): n is XmlElement => typeof n !== 'string');
  if (!root) throw new ParseError('corrupt', `${part} has no root element.`);
  return root;
}

function convert(node: Ordered): XmlNode {
  if ('#text' in node) return String(node['#text']);
  const name = Object.keys(node).find((k) => k !== ':@')!;
  const attrs = (node[':@'] as Record<string, string> | undefined) ?? {};
  const children = ((node[name] as Ordered[] | undefined) ?? []).map(convert);
  return { name, attrs, children };
}

export function elements(el: XmlElement | undefined, name?: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

/** The first child at the end of a path of child names. */
export function child(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const name of path) cur = cur && elements(cur, name)[0];
  return cur;
}

/** All descendants with this name, in document order. */
export function descendants(el: XmlElement | undefined, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of elements(el)) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}

export function textContent(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}
