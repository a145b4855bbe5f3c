// Markdown via remark (CommonMark + GFM tables + YAML front matter) into blocks.
// Inline markup is kept by slicing the source at each node's position.
import type { Content, List, ListItem as MdListItem, Root, Table } from 'mdast';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import { parse as parseYaml } from 'yaml';
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

/** An HTML block that may hold a table; READMEs use them when they need spans or multi-line cells. */
const HTML_TABLE = /<table[\s>]/i;

export class MarkdownParser implements Parser {
  readonly format = 'markdown' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    const decoded = decodeText(input.bytes);
    const { text, encoding } = decoded;
    const source = text.replace(/\r\n?/g, '\n');
    if (!source.trim()) throw new ParseError('empty', 'The document is empty (no text).');
    const tree = processor.parse(source) as Root;
    const slice = (n: Node) => source.slice(n.position?.start.offset ?? 0, n.position?.end.offset ?? 0).trim();
    // jsdom is large and parse threads run on a tight heap: load it only for documents that need it.
    const htmlBlocks = tree.children.some((c) => c.type === 'html' && HTML_TABLE.test(c.value))
      ? (await import('./html-fragment')).htmlFragmentBlocks
      : undefined;
    const metadata: Record<string, unknown> = { encoding };
    const blocks: Block[] = [];

    const listItems = (list: List, depth: number, out: ListItem[]) => {
      for (const item of list.children as MdListItem[]) {
        const own = item.children.filter((c) => c.type !== 'list');
        const text = own
          .map((c) => slice(c))
          .join(' ')
          .replace(/\s*\n\s*/g, ' ');
        const checked = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
        out.push({ text: checked + text, depth, ordered: Boolean(list.ordered) });
        for (const c of item.children) if (c.type === 'list') listItems(c, depth + 1, out);
      }
      return out;
    };

    const visit = (node: Content) => {
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
          blocks.push({ kind: 'heading', level: node.depth, text: slice(node).replace(/^#+\s*|\s*#+$/g, '') });
          return;
        case 'html': {
          // A block holding a data table is read as HTML; any other raw HTML (comments, badges,
          // layout tables) stays as written.
          if (htmlBlocks && HTML_TABLE.test(node.value)) {
            const html = htmlBlocks(node.value);
            if (html.some((b) => b.kind === 'table')) {
              blocks.push(...html);
              return;
            }
          }
          const text = slice(node);
          if (text) blocks.push({ kind: 'paragraph', text });
          return;
        }
        case 'paragraph':
        case 'definition':
        case 'footnoteDefinition': {
          const text = slice(node);
          if (text) blocks.push({ kind: 'paragraph', text });
          return;
        }
        case 'list':
          blocks.push({ kind: 'list', items: listItems(node, 0, []) });
          return;
        case 'table': {
          // A cell's own position includes its pipes; its children's span is the content.
          const cellText = (c: { children: Node[] }) =>
            c.children.length
              ? source
                  .slice(
                    c.children[0]!.position?.start.offset ?? 0,
                    c.children[c.children.length - 1]!.position?.end.offset ?? 0,
                  )
                  .trim()
              : '';
          const rows = (node as Table).children.map((r) =>
            r.children.map((c) => cellText(c as unknown as { children: Node[] })),
          );
          blocks.push({ kind: 'table', header: rows[0] ?? [], rows: rows.slice(1) });
          return;
        }
        case 'code':
          blocks.push({ kind: 'code', text: node.value, lang: node.lang ?? undefined });
          return;
        case 'blockquote':
          blocks.push({ kind: 'quote', text: node.children.map((c) => slice(c)).join('\n\n') });
          return;
        case 'thematicBreak':
          return;
        default: {
          const text = slice(node as Node);
          if (text) blocks.push({ kind: 'paragraph', text });
        }
      }
    };
    for (const child of tree.children) visit(child);

    const fmTitle = (metadata.frontMatter as { title?: unknown } | undefined)?.title;
    const title = typeof fmTitle === 'string' && fmTitle.trim() ? fmTitle.trim() : deriveTitle(blocks, input.filename);
    const warning = encodingWarning(decoded, 'markdown');
    return { title, blocks, metadata, ...(warning ? { warnings: [warning] } : {}) };
  }
}
