// Markdown via remark (CommonMark + GFM tables + YAML front matter) into blocks.
// Inline markup is kept by slicing the source at each node's position. Raw HTML reads the way a
// Markdown viewer renders it: HTML blocks go through the HTML walker, inline tags are stripped.
import type { Blockquote, Html, List, ListItem as MdListItem, Nodes, Root, RootContent, Table, TableCell } from 'mdast';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import { parse as parseYaml } from 'yaml';
import { renderMarkdown } from './markdown.renderer';
import { decodeText, encodingWarning } from './text-decoding';
import {
  deriveTitle,
  ParseError,
  type Block,
  type ListItem,
  type ParsedDocument,
  type Parser,
  type ParserInput,
} from './parsed-document';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']);

type Node = { position?: { start: { offset?: number }; end: { offset?: number } } };

// Comments and tags: stripped, they tell HTML that shows nothing from HTML with text the walker skipped.
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const TAG = /<\/?[a-z][^>]*>/gi;
/** Raw HTML inside a paragraph comes one tag or comment at a time. */
const ONE_TAG = /^(?:<!--[\s\S]*-->|<[^<>]*>)$/;
/**
 * HTML's own elements. Anything else in angle brackets (`List<String>`, `<your-api-key>`) is text
 * the writer meant readers to see, although CommonMark reads it as a tag: it stays as written.
 */
const HTML_ELEMENTS = new Set(
  `a abbr acronym address article aside audio b bdi bdo big blockquote br button caption center cite code col
   colgroup dd del details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i iframe
   img input ins kbd label li main mark nav ol p picture pre q s samp section small source span strike strong
   sub summary sup table tbody td tfoot th thead time tr tt u ul var video wbr`.split(/\s+/),
);
/** Whether one tag (or a comment) is HTML a Markdown viewer renders rather than shows. */
function isHtmlTag(tag: string): boolean {
  const name = /^<\/?([a-z][a-z0-9-]*)/i.exec(tag)?.[1];
  return name === undefined || HTML_ELEMENTS.has(name.toLowerCase());
}
const TABLE_OPEN = /<table(?=[\s/>])/gi;
const TABLE_CLOSE = /<\/table\s*>/gi;

/** How many tables a piece of HTML leaves open; a commented-out table does not count. */
function openTables(html: string): number {
  const live = html.replace(COMMENT, '');
  return (live.match(TABLE_OPEN)?.length ?? 0) - (live.match(TABLE_CLOSE)?.length ?? 0);
}

/** What one inline HTML tag shows in a rendered page: a line break, an image's alt text, or nothing. */
function inlineTagText(tag: string): string {
  if (/^<br\b/i.test(tag)) return '\n';
  const alt = /^<img\b[^>]*?\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
  return (alt?.[1] ?? alt?.[2] ?? alt?.[3] ?? '').trim();
}

/**
 * The inline HTML tags inside a node, in source order. Longer raw HTML (a block in a footnote) is
 * not a tag to strip and stays as written.
 */
function inlineHtml(node: Nodes): Html[] {
  if (!('children' in node)) return [];
  return node.children.flatMap((c) =>
    c.type !== 'html' ? inlineHtml(c) : ONE_TAG.test(c.value) && isHtmlTag(c.value) ? [c] : [],
  );
}

/** Whether the tree has raw HTML blocks where they are walked: at the top level, in list items and quotes. */
function hasHtmlBlock(parent: Root | List | MdListItem | Blockquote): boolean {
  return (parent.children as RootContent[]).some(
    (c) =>
      c.type === 'html' || ((c.type === 'list' || c.type === 'listItem' || c.type === 'blockquote') && hasHtmlBlock(c)),
  );
}

export class MarkdownParser implements Parser {
  readonly format = 'markdown' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    const decoded = decodeText(input.bytes);
    const { text, encoding } = decoded;
    const source = text.replace(/\r\n?/g, '\n');
    if (!source.trim()) throw new ParseError('empty', 'The document is empty (no text).');
    const tree = processor.parse(source) as Root;
    const start = (n: Node) => n.position?.start.offset ?? 0;
    const end = (n: Node) => n.position?.end.offset ?? 0;
    const slice = (n: Node) => source.slice(start(n), end(n)).trim();
    // jsdom is large and parse threads run on a tight heap: load it only for documents with raw
    // HTML blocks to walk (inline tags are stripped without it).
    const walkHtml = hasHtmlBlock(tree) ? (await import('./html-fragment')).htmlFragmentBlocks : undefined;
    const metadata: Record<string, unknown> = { encoding };
    const blocks: Block[] = [];

    /** Source of [from, to) with each inline HTML tag replaced by what it shows. */
    const withoutTags = (from: number, to: number, tags: Html[]) => {
      let out = '';
      let at = from;
      for (const tag of tags) {
        const shown = inlineTagText(tag.value);
        out += source.slice(at, start(tag));
        if (shown === '\n') out = out.trimEnd();
        out += shown;
        at = end(tag);
        // A line break already ends the line, and a removed tag between two spaces leaves one.
        const skip = shown === '\n' ? /^[ \t]*\n?[ \t]*/ : /\s$/.test(out) ? /^[ \t]*/ : undefined;
        if (skip) at += skip.exec(source.slice(at, to))?.[0].length ?? 0;
      }
      return (out + source.slice(at, to)).trim();
    };
    const inlineText = (n: Nodes) => withoutTags(start(n), end(n), inlineHtml(n));

    /**
     * The blocks raw HTML renders as. HTML that renders as nothing (a comment, a lone <br>, an
     * image without alt text) is dropped; HTML the walker reads as nothing although it holds text
     * outside tags (a script, a processing instruction) is kept as written rather than lost.
     */
    const htmlBlocks = (node: Html): Block[] => {
      if (ONE_TAG.test(node.value.trim()) && !isHtmlTag(node.value.trim()))
        return [{ kind: 'paragraph', text: slice(node) }];
      const walked = walkHtml!(node.value);
      if (walked.length || !node.value.replace(COMMENT, '').replace(TAG, '').trim()) return walked;
      return [{ kind: 'paragraph', text: slice(node) }];
    };

    /** Index of the sibling that closes the tables children[i] leaves open, or i if none does. */
    const tableEnd = (children: RootContent[], i: number) => {
      let open = openTables(slice(children[i]!));
      for (let j = i + 1; open > 0 && j < children.length; j++) {
        open += openTables(slice(children[j]!));
        if (open <= 0) return j;
      }
      return i;
    };

    /**
     * CommonMark ends an HTML block at a blank line, so a table with blank lines between its rows
     * or inside a cell arrives as several siblings (HTML, paragraphs, even indented code). They
     * are joined back into one HTML node from the one opening the table to the one closing it.
     */
    const joinSplitTables = (children: RootContent[]): RootContent[] => {
      const out: RootContent[] = [];
      for (let i = 0; i < children.length; i++) {
        const node = children[i]!;
        const last = node.type === 'html' ? tableEnd(children, i) : i;
        if (last === i) {
          out.push(node);
          continue;
        }
        const position = { start: node.position!.start, end: children[last]!.position!.end };
        out.push({ type: 'html', value: source.slice(start(node), end(children[last]!)), position });
        i = last;
      }
      return out;
    };

    /**
     * What a list item holds besides its sublists. Text, headings and image captions from raw
     * HTML join the item's text and HTML lists nest under it; a table, code or quote cannot live
     * in a list item and is set apart.
     */
    const itemContent = (item: MdListItem, depth: number) => {
      const parts: string[] = [];
      const nested: ListItem[] = [];
      const apart: Block[] = [];
      for (const c of joinSplitTables(item.children)) {
        if (c.type === 'list') continue;
        if (c.type !== 'html') {
          parts.push(inlineText(c));
          continue;
        }
        for (const b of htmlBlocks(c)) {
          if (b.kind === 'list') nested.push(...b.items.map((i) => ({ ...i, depth: depth + 1 + i.depth })));
          else if (b.kind === 'table' || b.kind === 'code' || b.kind === 'quote') apart.push(b);
          else parts.push(b.kind === 'image' ? b.caption : b.text);
        }
      }
      return { text: parts.join(' ').replace(/\s*\n\s*/g, ' '), nested, apart };
    };

    /**
     * A list as list blocks. Blocks set apart from an item split the list right after that item:
     * they follow it and the remaining items continue in a new list block, so reading order
     * holds.
     */
    const list = (node: List) => {
      let items: ListItem[] = [];
      const closeList = () => {
        if (items.length) blocks.push({ kind: 'list', items });
        items = [];
      };
      const walk = (sub: List, depth: number) => {
        for (const item of sub.children) {
          const { text, nested, apart } = itemContent(item, depth);
          const checked = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
          // An item that only held a table is not kept as an empty item.
          if (checked + text || !apart.length)
            items.push({ text: checked + text, depth, ordered: Boolean(sub.ordered) });
          items.push(...nested);
          if (apart.length) {
            closeList();
            blocks.push(...apart);
          }
          for (const c of item.children) if (c.type === 'list') walk(c, depth + 1);
        }
      };
      walk(node, 0);
      closeList();
    };

    const visit = (node: RootContent) => {
      switch (node.type) {
        case 'yaml': {
          try {
            const fm: unknown = parseYaml(node.value);
            if (fm && typeof fm === 'object') metadata.frontMatter = fm;
          } catch {
            metadata.frontMatterError = 'front matter is not valid YAML';
          }
          return;
        }
        case 'heading':
          blocks.push({ kind: 'heading', level: node.depth, text: inlineText(node).replace(/^#+\s*|\s*#+$/g, '') });
          return;
        case 'html':
          blocks.push(...htmlBlocks(node));
          return;
        case 'paragraph':
        case 'definition':
        case 'footnoteDefinition': {
          const text = inlineText(node);
          if (text) blocks.push({ kind: 'paragraph', text });
          return;
        }
        case 'list':
          list(node);
          return;
        case 'table': {
          // A cell's own position includes its pipes; its children's span is the content. A cell is
          // one line, so a <br> in it reads as a space.
          const cellText = (c: TableCell) =>
            c.children.length
              ? withoutTags(start(c.children[0]!), end(c.children[c.children.length - 1]!), inlineHtml(c))
              : '';
          const rows = (node as Table).children.map((r) =>
            r.children.map((c) => cellText(c).replace(/\s*\n\s*/g, ' ')),
          );
          blocks.push({ kind: 'table', header: rows[0] ?? [], rows: rows.slice(1) });
          return;
        }
        case 'code':
          blocks.push({ kind: 'code', text: node.value, lang: node.lang ?? undefined });
          return;
        case 'blockquote': {
          // A quote is one block of text: raw HTML in it is rendered to Markdown text in place.
          const parts = joinSplitTables(node.children).map((c) =>
            c.type === 'html' ? renderMarkdown(htmlBlocks(c)).trim() : inlineText(c),
          );
          blocks.push({ kind: 'quote', text: parts.filter(Boolean).join('\n\n') });
          return;
        }
        case 'thematicBreak':
          return;
        default: {
          const text = slice(node as Node);
          if (text) blocks.push({ kind: 'paragraph', text });
        }
      }
    };
    for (const child of joinSplitTables(tree.children)) visit(child);

    const fmTitle = (metadata.frontMatter as { title?: unknown } | undefined)?.title;
    const title = typeof fmTitle === 'string' && fmTitle.trim() ? fmTitle.trim() : deriveTitle(blocks, input.filename);
    const warning = encodingWarning(decoded, 'markdown');
    return { title, blocks, metadata, ...(warning ? { warnings: [warning] } : {}) };
  }
}
