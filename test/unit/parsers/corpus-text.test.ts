// Every Markdown and text file of the shared corpus parses into Markdown that keeps its words,
// structure and encoding; the malformed text files fail (or decode) with a specific result.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../workers/parsers/markdown.renderer';
import { ParserRegistry } from '../../../workers/parsers/parser-registry';
import { corpusBytes, corpusFiles, recallAgainst } from './fixtures-corpus';

const registry = new ParserRegistry();
const parse = (rel: string) => registry.parse({ bytes: corpusBytes(rel), filename: rel.split('/').pop()! });

// Phrases checked by reading each source file.
const PHRASES: Record<string, string[]> = {
  'md/chatchat_distributed_training_zh.md': [
    '# 分布式训练技术原理',
    'FSDP算法是由来自DeepSpeed的ZeroRedundancyOptimizer技术驱动的',
  ],
  'md/chatchat_llm_inference_optimization_zh.md': ['# 大模型推理优化策略', 'PagedAttention'],
  'md/chatchat_llm_stack_algorithms_zh.md': ['# 大模型技术栈-算法与原理', 'SentencePiece', '绝对位置编码'],
  'md/docling_ending_with_table.md': [
    '| Scrooge McDuck | Dagobert Duck | Balthazar Picsou | Paperone |',
    '| Louie | Track | Loulou | Qua |',
  ],
  'md/docling_mixed.md': ['# Title', '## Famous ducks', 'Scrooge McDuck'],
  'md/docling_nested.md': ['# Nesting', '- abc\n  - abc123\n    - abc1234'],
  'md/docling_wiki.md': ['# IBM', 'nicknamed Big Blue'],
  'md/huixiangdou_baicaoyuan_zh.md': ['# 从百草园到三味书屋', '我家的后面有一个很大的园，相传叫作百草园。'],
  'md/llm-universe_prompt_guidelines_zh.md': ['# 第二章 提示原则', '编写清晰、具体的指令', '```python'],
  'md/unstructured_codeblock.md': ['## HTML Example', '```html\n<!DOCTYPE html>', '<h1>Hello, World!</h1>'],
  'md/unstructured_simple-table.md': ['| Item | Price | # In stock |', '| Juicy Apples | 1.99 | 739 |'],
  'txt/chatchat_test_zh.txt': ['ChatGPT是OpenAI开发的一个大型语言模型', '提示技巧工程完全指南'],
  'txt/docling_uspto_pftaps057006474.txt': ['Carbocation containing cyanine-type dye', 'Miyazaki; Takeshi'],
  'txt/llm-universe_easy_rl_transcript_zh.txt': ['蘑菇书', '强化学习'],
  'txt/unstructured_UDHR_first_article_all.txt': ['Universal Declaration of Human Right', '人人生而自由'],
  'txt/unstructured_book-war-and-peace-1p.txt': [
    'CHAPTER I',
    'so Genoa and Lucca are now just family estates of the Buonapartes',
  ],
  'txt/unstructured_fake-text-utf-16.txt': [
    'This is a test document to use for unit tests.',
    '- Hamburgers are delicious',
  ],
  'txt/unstructured_fake-text-utf-32.txt': [
    'This is a test document to use for unit tests.',
    '- I love fuzzy blankets',
  ],
  'txt/unstructured_norwich-city.txt': ['Iwan Roberts', 'Youth career\n\n\u20131986 Watford'],
};

describe('corpus: Markdown and text', () => {
  const files = [...corpusFiles('md').map((f) => `md/${f}`), ...corpusFiles('txt').map((f) => `txt/${f}`)];

  it('names phrases for every file in md/ and txt/', () => {
    expect(Object.keys(PHRASES).sort()).toEqual(files.sort());
  });

  it.each(files)('%s parses into Markdown with its phrases', async (rel) => {
    const doc = await parse(rel);
    const md = renderMarkdown(doc.blocks);
    for (const phrase of PHRASES[rel]!) expect(md).toContain(phrase);
    // Chinese stays intact: no spaces were inserted between characters.
    expect(md).not.toMatch(/[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]/);
    expect(md).not.toContain('\ufffd');
  });

  it('reaches word recall 0.9 against the reference conversion of docling_wiki.md', async () => {
    expect(recallAgainst('docling_wiki.md.md', (await parse('md/docling_wiki.md')).blocks)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('corpus: malformed text', () => {
  it.each(['malformed/unstructured_empty.txt', 'malformed/unstructured_fake-text-all-whitespace.txt'])(
    '%s fails as empty',
    async (rel) => {
      await expect(parse(rel)).rejects.toMatchObject({
        name: 'ParseError',
        code: 'empty',
        message: expect.stringMatching(/empty/),
      });
    },
  );

  it('decodes the non-UTF-8 Markdown (Latin-1 umlauts) instead of garbling it', async () => {
    const doc = await parse('malformed/unstructured_umlauts-non-utf8.md');
    expect(doc.metadata.encoding).toBe('iso-8859-1');
    expect(renderMarkdown(doc.blocks)).toBe('## können\n\nkönnen\n\näöüß\n');
  });

  it('reads docling_password_README.md as the Markdown it is', async () => {
    const doc = await parse('malformed/docling_password_README.md');
    expect(doc.blocks.length).toBeGreaterThan(0);
  });
});
