import { describe, expect, it } from 'vitest';
import { MarkdownParser } from '../../workers/parsers/markdown.parser';
import { renderMarkdown } from '../../workers/parsers/markdown.renderer';
import { ParseError, type Block } from '../../workers/parsers/parsed-document';
import { corpusBytes } from './parsers/fixtures-corpus';

const parse = (md: string, filename = 'doc.md') => new MarkdownParser().parse({ bytes: Buffer.from(md), filename });
const tables = (blocks: Block[]) => blocks.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');

const HTML_TABLE_README = `# Pricing

<table>
  <thead>
    <tr><th>Plan</th><th>Seats</th><th>Price</th></tr>
  </thead>
  <tbody>
    <tr><td><b>Free</b></td><td>3</td><td><code>$0</code></td></tr>
    <tr><td>Team</td><td colspan="2">see the <a href="https://example.com/pricing">pricing page</a></td></tr>
    <tr><td>Enterprise<br>(annual)</td><td>unlimited</td><td><em>ask</em> us</td></tr>
  </tbody>
</table>

<p align="center"><img src="badge.svg" alt="build"></p>

<!-- <table><tr><th>Old</th></tr><tr><td>commented out</td></tr></table> -->

After the table.
`;

describe('MarkdownParser', () => {
  it('keeps headings, lists, tables and code blocks as blocks', async () => {
    const doc = await parse(
      '# Guide\n\nIntro with `code` and a [link](http://x).\n\n## Steps\n\n1. First\n   - nested\n2. Second\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1;\n\nconst y = 2;\n```\n',
    );
    expect(doc.title).toBe('Guide');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'heading', 'list', 'table', 'code']);
    const list = doc.blocks[3]!;
    expect(list.kind === 'list' && list.items).toEqual([
      { text: 'First', depth: 0, ordered: true },
      { text: 'nested', depth: 1, ordered: false },
      { text: 'Second', depth: 0, ordered: true },
    ]);
    const table = doc.blocks[4]!;
    expect(table.kind === 'table' && [table.header, table.rows]).toEqual([['a', 'b'], [['1', '2']]]);
    const code = doc.blocks[5]!;
    expect(code.kind === 'code' && code.text).toBe('const x = 1;\n\nconst y = 2;');
    expect(doc.blocks[1]!.kind === 'paragraph' && doc.blocks[1]!.text).toBe(
      'Intro with `code` and a [link](http://x).',
    );
  });

  it('reads an HTML table block as a table: header, rows, a colspan and inline markup in cells', async () => {
    const doc = await parse(HTML_TABLE_README);
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'table', 'paragraph', 'paragraph', 'paragraph']);
    expect(tables(doc.blocks)).toEqual([
      {
        kind: 'table',
        header: ['Plan', 'Seats', 'Price'],
        rows: [
          ['Free', '3', '`$0`'],
          ['Team', 'see the [pricing page](https://example.com/pricing)', ''],
          ['Enterprise (annual)', 'unlimited', 'ask us'],
        ],
      },
    ]);
    // Raw HTML without a table, commented-out tables included, stays as written.
    expect(doc.blocks.slice(2).map((b) => b.kind === 'paragraph' && b.text)).toEqual([
      '<p align="center"><img src="badge.svg" alt="build"></p>',
      '<!-- <table><tr><th>Old</th></tr><tr><td>commented out</td></tr></table> -->',
      'After the table.',
    ]);
    expect(renderMarkdown(doc.blocks)).toContain(
      '| Plan | Seats | Price |\n| --- | --- | --- |\n| Free | 3 | `$0` |\n| Team | see the [pricing page](https://example.com/pricing) |  |',
    );
  });

  it('reads the HTML table of the corpus file docling_mixed.md and keeps its other HTML', async () => {
    const doc = await new MarkdownParser().parse({ bytes: corpusBytes('md/docling_mixed.md'), filename: 'mixed.md' });
    expect(tables(doc.blocks)).toEqual([
      {
        kind: 'table',
        header: ['Character', 'Name in German', 'Name in French', 'Name in Italian'],
        rows: [
          ['Scrooge McDuck', 'Dagobert Duck', 'Balthazar Picsou', 'Paperone'],
          ['Huey', 'Tick', 'Riri', 'Qui'],
          ['Dewey', 'Trick', 'Fifi', 'Quo'],
          ['Louie', 'Track', 'Loulou', 'Qua'],
        ],
      },
    ]);
    expect(doc.blocks).toContainEqual({ kind: 'paragraph', text: '<p>Some paragraph.</p>' });
  });

  it('reads YAML front matter as metadata and uses its title', async () => {
    const doc = await parse('---\ntitle: Handbook\ntags: [hr]\n---\n\n# Welcome\n\nHello.\n');
    expect(doc.title).toBe('Handbook');
    expect(doc.metadata.frontMatter).toEqual({ title: 'Handbook', tags: ['hr'] });
    expect(doc.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Welcome' });
  });

  it('renders back to Markdown that round-trips its structure', async () => {
    const doc = await parse('# T\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n');
    expect(renderMarkdown(doc.blocks)).toBe('# T\n\n- a\n- b\n\n| x | y |\n| --- | --- |\n| 1 | 2 |\n');
  });

  it('decodes GBK Chinese text', async () => {
    const iconv = await import('iconv-lite');
    const bytes = iconv.default.encode(
      '# 第一章 安装\n\n请先安装依赖，然后运行服务。这里是一段较长的中文说明文字，用于检测编码。\n',
      'gbk',
    );
    const doc = await new MarkdownParser().parse({ bytes, filename: 'zh.md' });
    expect(doc.title).toBe('第一章 安装');
    expect(doc.blocks[1]!.kind === 'paragraph' && doc.blocks[1]!.text).toContain('请先安装依赖');
  });

  it('fails an empty document with a readable reason', async () => {
    await expect(parse('  \n\n ')).rejects.toThrow(ParseError);
    await expect(parse('  \n\n ')).rejects.toThrow(/empty/);
  });
});
