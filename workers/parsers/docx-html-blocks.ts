// Walks mammoth's HTML into blocks. Mammoth already drops page headers and footers and writes
// footnotes/endnotes as a trailing <ol> of li#footnote-N / li#endnote-N; those become a notes
// section whose markers match the inline "[n]" references left in the body text.
import { JSDOM } from 'jsdom';
import type { Block, ListItem } from './parsed-document';
import { cleanText, gridFromSpans, tableBlock, type SpanCell } from './ooxml-table';

export interface DocxBlocks {
  body: Block[];
  notes: Block[];
}

const ELEMENT = 1;
const TEXT = 3;
const BLOCK_TAGS = new Set([
  'P',
  'DIV',
  'LI',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'TD',
  'TH',
  'TR',
  'BLOCKQUOTE',
  'PRE',
]);
const NOTE_ID = /^(footnote|endnote)-\d+$/;
const BACK_LINK = /^#(footnote|endnote)-ref-/;

export function htmlToBlocks(html: string): DocxBlocks {
  const fragment = JSDOM.fragment(html);
  const refMarkers = new Map<string, string>();
  for (const a of Array.from(fragment.querySelectorAll('a[href^="#footnote-"], a[href^="#endnote-"]'))) {
    const href = a.getAttribute('href') ?? '';
    if (!BACK_LINK.test(href)) refMarkers.set(href.slice(1), cleanText(a.textContent ?? ''));
  }
  const out: DocxBlocks = { body: [], notes: [] };
  walk(Array.from(fragment.children), out, refMarkers);
  return out;
}

function walk(elements: Element[], out: DocxBlocks, refMarkers: Map<string, string>): void {
  for (const el of elements) {
    const tag = el.tagName;
    if (/^H[1-6]$/.test(tag)) {
      const text = inlineText(el);
      if (text) out.body.push({ kind: 'heading', level: Number(tag[1]), text: text.replace(/\n/g, ' ') });
      out.body.push(...images(el));
    } else if (tag === 'P') {
      const text = inlineText(el);
      if (text) out.body.push({ kind: 'paragraph', text });
      out.body.push(...images(el));
    } else if (tag === 'UL' || tag === 'OL') {
      if (isNotesList(el)) {
        out.notes.push(...notes(el, refMarkers));
      } else {
        const items: ListItem[] = [];
        const trailing: Block[] = [];
        listItems(el, 0, items, trailing);
        if (items.length) out.body.push({ kind: 'list', items });
        out.body.push(...trailing);
      }
    } else if (tag === 'TABLE') {
      const block = tableBlock(gridFromSpans(tableRows(el)));
      if (block) out.body.push(block);
      out.body.push(...images(el));
    } else if (tag === 'BLOCKQUOTE') {
      const text = inlineText(el);
      if (text) out.body.push({ kind: 'quote', text });
    } else if (tag === 'PRE') {
      const text = (el.textContent ?? '').replace(/\s+$/, '');
      if (text.trim()) out.body.push({ kind: 'code', text });
    } else {
      walk(Array.from(el.children), out, refMarkers);
    }
  }
}

/**
 * Text of an element with note back-links and images left out. 'inline': <br> and block
 * boundaries become newlines, nested lists and tables are skipped (they become blocks of their
 * own). 'flat': everything nested is kept, on one line (a table cell).
 */
export function inlineText(el: Element, mode: 'inline' | 'flat' = 'inline'): string {
  let s = '';
  const brk = mode === 'inline' ? '\n' : ' ';
  const visit = (node: Node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT) {
        s += child.nodeValue ?? '';
        continue;
      }
      if (child.nodeType !== ELEMENT) continue;
      const e = child as Element;
      if (e.tagName === 'IMG' || (e.tagName === 'A' && BACK_LINK.test(e.getAttribute('href') ?? ''))) continue;
      if (mode === 'inline' && (e.tagName === 'UL' || e.tagName === 'OL' || e.tagName === 'TABLE')) continue;
      if (e.tagName === 'BR') s += brk;
      else if (BLOCK_TAGS.has(e.tagName)) {
        s += brk;
        visit(e);
        s += brk;
      } else visit(e);
    }
  };
  visit(el);
  return cleanText(s);
}

function images(el: Element, keep: (img: Element) => boolean = () => true): Block[] {
  return Array.from(el.querySelectorAll('img'))
    .filter(keep)
    .map((img) => ({ kind: 'image' as const, caption: cleanText(img.getAttribute('alt') ?? '').replace(/\n+/g, ' ') }));
}

function listItems(list: Element, depth: number, items: ListItem[], trailing: Block[]): void {
  const ordered = list.tagName === 'OL';
  for (const li of Array.from(list.children)) {
    if (li.tagName !== 'LI') continue;
    const text = inlineText(li).replace(/\n+/g, ' ');
    if (text) items.push({ text, depth, ordered });
    for (const child of Array.from(li.children)) {
      if (child.tagName === 'UL' || child.tagName === 'OL') listItems(child, depth + 1, items, trailing);
      else if (child.tagName === 'TABLE') {
        const block = tableBlock(gridFromSpans(tableRows(child)));
        if (block) trailing.push(block);
      }
    }
    // Images of nested items are collected by their own call.
    trailing.push(...images(li, (img) => img.closest('li') === li));
  }
}

function tableRows(table: Element): SpanCell[][] {
  const rows: SpanCell[][] = [];
  const collect = (parent: Element) => {
    for (const child of Array.from(parent.children)) {
      if (child.tagName === 'TR') {
        rows.push(
          Array.from(child.children)
            .filter((c) => c.tagName === 'TD' || c.tagName === 'TH')
            .map((c) => ({
              text: inlineText(c, 'flat'),
              colSpan: Number(c.getAttribute('colspan')) || 1,
              rowSpan: Number(c.getAttribute('rowspan')) || 1,
            })),
        );
      } else if (child.tagName === 'THEAD' || child.tagName === 'TBODY' || child.tagName === 'TFOOT') {
        collect(child);
      }
    }
  };
  collect(table);
  return rows;
}

function isNotesList(list: Element): boolean {
  const items = Array.from(list.children);
  return items.length > 0 && items.every((li) => li.tagName === 'LI' && NOTE_ID.test(li.id));
}

function notes(list: Element, refMarkers: Map<string, string>): Block[] {
  return Array.from(list.children).flatMap((li, i): Block[] => {
    const text = inlineText(li).replace(/\n+/g, ' ');
    if (!text) return [];
    const marker = refMarkers.get(li.id) || `[${i + 1}]`;
    return [{ kind: 'paragraph', text: `${marker} ${text}` }];
  });
}
