import { describe, expect, it } from 'vitest';
import { MarkdownParser } from '../../workers/parsers/markdown.parser';
import { renderMarkdown } from '../../workers/parsers/markdown.renderer';
import { ParseError } from '../../workers/parsers/parsed-document';

const parse = (md: string, filename = 'doc.md') => new MarkdownParser().parse({ bytes: Buffer.from(md), filename });

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
