// DOM -> blocks. Inline content accumulates into the current paragraph; block elements close it.
// Whitespace is collapsed as a browser would, except in <pre>.
import type { Block, ListItem } from './parsed-document';
import { isLayoutTable, tableGrid } from './html-tables';

export interface WalkOptions {
  /** Drop page chrome (header, footer) too; Readability output has none left. */
  dropChrome: boolean;
}

const SKIPPED = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'IFRAME',
  'OBJECT',
  'EMBED',
  'SVG',
  'CANVAS',
  'MATH',
  'BUTTON',
  'INPUT',
  'SELECT',
  'TEXTAREA',
  'OPTION',
  'LINK',
  'META',
  'HEAD',
  'DIALOG',
]);
const NAVIGATION = new Set(['NAV', 'ASIDE']);
const CHROME = new Set(['HEADER', 'FOOTER']);
const CHROME_ROLES = /^(navigation|banner|contentinfo|complementary|search)$/;
const BLOCK = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'CENTER',
  'DD',
  'DETAILS',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HGROUP',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TBODY',
  'TD',
  'TFOOT',
  'TH',
  'THEAD',
  'TR',
  'UL',
  'CAPTION',
]);
/** Stands for <br> while whitespace is collapsed. */
const BR = '\u2028';
const CJK_CLASS = '[\\u3000-\\u303f\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]';
const CJK_LINEBREAK = new RegExp(`(${CJK_CLASS})[ \\t\\r\\f]*\\n\\s*(?=${CJK_CLASS})`, 'g');

function isHidden(el: Element): boolean {
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  const style = el.getAttribute('style');
  return style !== null && /(display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style);
}

/** Browser-like whitespace: runs collapse to one space; a line break between CJK characters vanishes. */
function collapse(raw: string): string {
  return raw
    .replace(CJK_LINEBREAK, '$1')
    .replace(/[ \t\n\r\f\u00a0]+/g, ' ')
    .split(BR)
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function absoluteHttp(href: string | null): string | null {
  return href && /^https?:\/\/[^\s]+$/i.test(href.trim()) ? href.trim() : null;
}

/** Plain text of a block, for table cells and quotes holding several blocks. */
function plain(b: Block): string {
  switch (b.kind) {
    case 'list':
      return b.items.map((i) => i.text).join('; ');
    case 'table':
      return [b.header, ...b.rows].map((r) => r.filter(Boolean).join(' ')).join('; ');
    case 'image':
      return b.caption;
    default:
      return b.text;
  }
}

export class HtmlBlockWriter {
  readonly blocks: Block[] = [];
  private inline = '';

  constructor(private readonly options: WalkOptions) {}

  private skip(el: Element): boolean {
    if (SKIPPED.has(el.tagName) || isHidden(el)) return true;
    const role = el.getAttribute('role') ?? '';
    if (NAVIGATION.has(el.tagName) || role === 'navigation' || role === 'search') return true;
    return this.options.dropChrome && (CHROME.has(el.tagName) || CHROME_ROLES.test(role));
  }

  flush(): void {
    const text = collapse(this.inline);
    this.inline = '';
    if (text) this.blocks.push({ kind: 'paragraph', text });
  }

  /** The blocks an element holds, written by a fresh writer. */
  private sub(el: Element): Block[] {
    const w = new HtmlBlockWriter(this.options);
    w.children(el);
    w.flush();
    return w.blocks;
  }

  private inlineOf(el: Element): string {
    return this.sub(el).map(plain).join(' ');
  }

  children(el: ParentNode): void {
    for (const child of Array.from(el.childNodes)) this.node(child);
  }

  node(n: Node): void {
    if (n.nodeType === 3) {
      this.inline += n.nodeValue ?? '';
      return;
    }
    if (n.nodeType !== 1) return;
    const el = n as Element;
    if (this.skip(el)) return;
    const tag = el.tagName;
    if (/^H[1-6]$/.test(tag)) {
      this.flush();
      const text = collapse(this.inlineOf(el)).replace(/\n/g, ' ');
      if (text) this.blocks.push({ kind: 'heading', level: Number(tag[1]), text });
      return;
    }
    switch (tag) {
      case 'BR':
        this.inline += BR;
        return;
      case 'HR':
        this.flush();
        return;
      case 'IMG': {
        const alt = el.getAttribute('alt')?.replace(/\s+/g, ' ').trim();
        if (!alt) return;
        this.flush();
        this.blocks.push({ kind: 'image', caption: alt });
        return;
      }
      case 'A': {
        const href = absoluteHttp(el.getAttribute('href'));
        const simple = !el.querySelector('img[alt], p, div, ul, ol, table, h1, h2, h3, h4, h5, h6');
        if (!href || !simple) break;
        const text = collapse(this.inlineOf(el)).replace(/\n/g, ' ');
        if (text) this.inline += text === href ? href : `[${text.replace(/[[\]]/g, '\\$&')}](${href})`;
        return;
      }
      case 'CODE':
      case 'KBD':
      case 'SAMP':
        if (!el.closest('pre')) {
          const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
          if (text) this.inline += `\`${text}\``;
          return;
        }
        break;
      case 'PRE':
        this.flush();
        this.code(el);
        return;
      case 'UL':
      case 'OL': {
        this.flush();
        const items = this.listItems(el, 0, []);
        if (items.length) this.blocks.push({ kind: 'list', items });
        return;
      }
      case 'BLOCKQUOTE': {
        this.flush();
        const text = this.sub(el).map(plain).filter(Boolean).join('\n\n');
        if (text) this.blocks.push({ kind: 'quote', text });
        return;
      }
      case 'TABLE':
        this.flush();
        this.table(el as HTMLTableElement);
        return;
    }
    if (BLOCK.has(tag)) {
      this.flush();
      this.children(el);
      this.flush();
    } else {
      this.children(el);
    }
  }

  private code(pre: Element): void {
    const text = (pre.textContent ?? '').replace(/^\n/, '').replace(/\s+$/, '');
    if (!text) return;
    const lang = pre.getAttribute('data-lang') ?? pre.querySelector('code')?.getAttribute('data-lang') ?? undefined;
    this.blocks.push({ kind: 'code', text, ...(lang ? { lang } : {}) });
  }

  private listItems(list: Element, depth: number, out: ListItem[]): ListItem[] {
    const ordered = list.tagName === 'OL';
    for (const child of Array.from(list.children)) {
      if (this.skip(child)) continue;
      if (child.tagName === 'UL' || child.tagName === 'OL') {
        // Invalid but common: a nested list directly inside the outer list.
        this.listItems(child, depth + 1, out);
        continue;
      }
      const nested = Array.from(child.children).filter((c) => c.tagName === 'UL' || c.tagName === 'OL');
      const own = child.cloneNode(true) as Element;
      for (const c of Array.from(own.children)) if (c.tagName === 'UL' || c.tagName === 'OL') c.remove();
      const text = collapse(this.inlineOf(own)).replace(/\n+/g, ' ');
      if (text) out.push({ text, depth, ordered });
      for (const n of nested) this.listItems(n, text ? depth + 1 : depth, out);
    }
    return out;
  }

  private table(table: HTMLTableElement): void {
    if (isLayoutTable(table)) {
      this.children(table);
      this.flush();
      return;
    }
    const grid = tableGrid(table, (cell) => collapse(this.sub(cell).map(plain).join(' ')).replace(/\n+/g, ' '));
    if (grid) this.blocks.push({ kind: 'table', ...grid });
  }
}
