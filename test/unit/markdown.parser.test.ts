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

const RAW_HTML_BLOCKS = `<p>A <b>bold</b> claim, <a href="https://example.com/docs">the docs</a> and <code>npm test</code>.</p>

<h2 align="center">Install</h2>

<ol>
  <li>Download</li>
  <li>Run
    <ul><li>twice</li></ul>
  </li>
</ol>

<blockquote><p>Quoted</p></blockquote>

<pre>a  b
  c</pre>

<details>
<summary>Why?</summary>
Because <i>it</i> works.<br>Really.
</details>

<p align="center"><img src="logo.png" alt="Fennel logo"></p>

<!-- TODO: screenshot -->

<br>

<img src="badge.svg">

<?php echo "kept"; ?>
`;

// Blank lines between rows, inside a cell, and before a row indented deep enough to be code.
const SPLIT_TABLE = `Before.

<table>
  <tr><th>Step</th><th>Notes</th></tr>

  <tr><td>1</td><td>first line

second line</td></tr>

        <tr><td>2</td><td>indented deep enough to be code</td></tr>

<!-- </table> is still to come -->

</table>

After.

<table>
  <tr><td>never closed</td></tr>

Still here.
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
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'table', 'image', 'paragraph']);
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
    // The centred badge reads as its alt text; the commented-out table renders as nothing.
    expect(doc.blocks.slice(2)).toEqual([
      { kind: 'image', caption: 'build' },
      { kind: 'paragraph', text: 'After the table.' },
    ]);
    expect(renderMarkdown(doc.blocks)).toContain(
      '| Plan | Seats | Price |\n| --- | --- | --- |\n| Free | 3 | `$0` |\n| Team | see the [pricing page](https://example.com/pricing) |  |',
    );
  });

  it('reads the HTML table and the other HTML of the corpus file docling_mixed.md', async () => {
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
    expect(doc.blocks.slice(5)).toEqual([
      { kind: 'paragraph', text: 'And here is more HTML:' },
      { kind: 'paragraph', text: 'Some paragraph.' },
      { kind: 'paragraph', text: 'Now a div — almost there...' },
      {
        kind: 'list',
        items: [
          { text: 'foo', depth: 0, ordered: false },
          { text: 'bar', depth: 0, ordered: false },
        ],
      },
      { kind: 'paragraph', text: 'The end!' },
    ]);
  });

  it('drops the commented-out table of the corpus file docling_nested.md', async () => {
    const doc = await new MarkdownParser().parse({ bytes: corpusBytes('md/docling_nested.md'), filename: 'nested.md' });
    expect(doc.blocks.at(-2)).toEqual({ kind: 'paragraph', text: 'A nested HTML list:' });
    expect(doc.blocks.at(-1)).toEqual({
      kind: 'list',
      items: [
        { text: 'First item', depth: 0, ordered: false },
        { text: 'Second item with subitems:', depth: 0, ordered: false },
        { text: 'Subitem 1', depth: 1, ordered: false },
        { text: 'Subitem 2', depth: 1, ordered: false },
        { text: 'Last list item', depth: 0, ordered: false },
      ],
    });
  });

  it('reads raw HTML blocks as the blocks they render as, dropping what renders as nothing', async () => {
    const doc = await parse(RAW_HTML_BLOCKS);
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'A bold claim, [the docs](https://example.com/docs) and `npm test`.' },
      { kind: 'heading', level: 2, text: 'Install' },
      {
        kind: 'list',
        items: [
          { text: 'Download', depth: 0, ordered: true },
          { text: 'Run', depth: 0, ordered: true },
          { text: 'twice', depth: 1, ordered: false },
        ],
      },
      { kind: 'quote', text: 'Quoted' },
      { kind: 'code', text: 'a  b\n  c' },
      { kind: 'paragraph', text: 'Why?' },
      { kind: 'paragraph', text: 'Because it works.\nReally.' },
      { kind: 'image', caption: 'Fennel logo' },
      // The walker reads a processing instruction as nothing, so it stays as written.
      { kind: 'paragraph', text: '<?php echo "kept"; ?>' },
    ]);
  });

  it('reads a table that blank lines split into several Markdown blocks as one table', async () => {
    const doc = await parse(SPLIT_TABLE);
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'Before.' },
      {
        kind: 'table',
        header: ['Step', 'Notes'],
        rows: [
          ['1', 'first line second line'],
          ['2', 'indented deep enough to be code'],
        ],
      },
      { kind: 'paragraph', text: 'After.' },
      // A table that is never closed is read on its own and does not swallow what follows.
      { kind: 'paragraph', text: 'never closed' },
      { kind: 'paragraph', text: 'Still here.' },
    ]);
  });

  it('reads raw HTML in list items without tags and splits the list around a table', async () => {
    const doc = await parse(
      [
        '- <b>bold</b> item',
        '- with a table',
        '',
        '  <table>',
        '    <tr><th>k</th><th>v</th></tr>',
        '',
        '    <tr><td>a</td><td>1</td></tr>',
        '  </table>',
        '',
        '  - sub',
        '- <div>in a <i>div</i></div>',
        '- options',
        '',
        '  <ul><li>html sub</li></ul>',
        '',
      ].join('\n'),
    );
    expect(doc.blocks).toEqual([
      {
        kind: 'list',
        items: [
          { text: 'bold item', depth: 0, ordered: false },
          { text: 'with a table', depth: 0, ordered: false },
        ],
      },
      { kind: 'table', header: ['k', 'v'], rows: [['a', '1']] },
      {
        kind: 'list',
        items: [
          { text: 'sub', depth: 1, ordered: false },
          { text: 'in a div', depth: 0, ordered: false },
          { text: 'options', depth: 0, ordered: false },
          { text: 'html sub', depth: 1, ordered: false },
        ],
      },
    ]);
  });

  it('strips inline HTML tags from paragraphs, headings and cells but not from code', async () => {
    const doc = await parse(
      [
        '## Setup <img src="icon.png" alt="gear">',
        '',
        'Some <b>bold</b> and <br> text, press <kbd>Ctrl</kbd>+<kbd>C</kbd>, not `<div>`.',
        'line one<br>',
        'line two <!-- note --> end',
        '',
        '| a | b |',
        '|---|---|',
        '| x<br>y | <b>z</b> |',
        '',
        '```html',
        '<div>kept <b>as</b> written</div>',
        '```',
        '',
      ].join('\n'),
    );
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 2, text: 'Setup gear' },
      { kind: 'paragraph', text: 'Some bold and\ntext, press Ctrl+C, not `<div>`.\nline one\nline two end' },
      { kind: 'table', header: ['a', 'b'], rows: [['x y', 'z']] },
      { kind: 'code', text: '<div>kept <b>as</b> written</div>', lang: 'html' },
    ]);
  });

  it('renders raw HTML inside a quote as text in the quote', async () => {
    const doc = await parse('> Said:\n>\n> <p>Use <b>two</b> keys:</p>\n> <ul><li>Ctrl</li><li>C</li></ul>\n');
    expect(doc.blocks).toEqual([{ kind: 'quote', text: 'Said:\n\nUse two keys:\n\n- Ctrl\n- C' }]);
  });

  it('keeps angle-bracket text that is not an HTML element, inline or on a line of its own', async () => {
    const doc = await parse('Returns a List<String> of ids; set <api-key> first.\n\n<your-token>\n');
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'Returns a List<String> of ids; set <api-key> first.' },
      { kind: 'paragraph', text: '<your-token>' },
    ]);
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
