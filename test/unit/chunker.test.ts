import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../workers/chunking/chunker';
import { countTokens, splitSentences } from '../../workers/chunking/tokens';
import type { ParsedDocument } from '../../workers/parsers/parsed-document';

const doc = (blocks: ParsedDocument['blocks']): ParsedDocument => ({ title: 't', blocks, metadata: {} });

describe('countTokens', () => {
  it('counts each CJK character as a token and English words by length', () => {
    expect(countTokens('你好世界')).toBe(4);
    expect(countTokens('the cat sat')).toBe(3);
    expect(countTokens('安装 mmcv 2.0')).toBe(2 + 1 + 2 + 1);
  });
});

describe('splitSentences', () => {
  it('splits Chinese and English sentences and keeps terminators', () => {
    expect(splitSentences('第一句。第二句！Third one. Fourth?')).toEqual([
      '第一句。',
      '第二句！',
      'Third one.',
      'Fourth?',
    ]);
  });
});

describe('chunkDocument', () => {
  it('gives a heading with nothing under it a chunk of its own, so its words are indexed', () => {
    const chunks = chunkDocument(
      doc([
        { kind: 'heading', level: 1, text: 'Quarterly review', prov: { slide: 1 } },
        { kind: 'heading', level: 1, text: 'Revenue', prov: { slide: 2 } },
        { kind: 'paragraph', text: 'Revenue grew 12%.', prov: { slide: 2 } },
        { kind: 'heading', level: 1, text: 'Outlook', prov: { slide: 3 } },
        { kind: 'heading', level: 2, text: 'Risks', prov: { slide: 3 } },
        { kind: 'paragraph', text: 'Supply is tight.', prov: { slide: 3 } },
        { kind: 'heading', level: 2, text: 'Questions?', prov: { slide: 4 } },
      ]),
    );
    expect(chunks.map((c) => [c.text, c.headingPath, c.metadata.slide])).toEqual([
      ['Quarterly review', [], 1],
      ['Revenue grew 12%.', ['Revenue'], 2],
      // "Outlook" has a section under it with text: its words are in that chunk's heading path.
      ['Supply is tight.', ['Outlook', 'Risks'], 3],
      ['Questions?', ['Outlook'], 4],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
  });

  it('never crosses a heading and carries the heading path', () => {
    const chunks = chunkDocument(
      doc([
        { kind: 'heading', level: 1, text: 'Guide' },
        { kind: 'paragraph', text: 'Intro.' },
        { kind: 'heading', level: 2, text: 'Install' },
        { kind: 'paragraph', text: 'Run the installer.' },
        { kind: 'heading', level: 2, text: 'Usage' },
        { kind: 'paragraph', text: 'Start it.', prov: { page: 3 } },
      ]),
    );
    expect(chunks.map((c) => [c.text, c.headingPath, c.page])).toEqual([
      ['Intro.', ['Guide'], null],
      ['Run the installer.', ['Guide', 'Install'], null],
      ['Start it.', ['Guide', 'Usage'], 3],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2]);
  });

  it('splits long tables by rows and repeats the header in every piece', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [`item ${i}`, `value number ${i} with some words`]);
    const chunks = chunkDocument(doc([{ kind: 'table', header: ['Name', 'Value'], rows, prov: { sheet: 'S1' } }]), {
      maxTokens: 80,
      overlapTokens: 0,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.startsWith('| Name | Value |\n| --- | --- |')).toBe(true);
      expect(c.metadata.sheet).toBe('S1');
    }
    const allRows = chunks.flatMap((c) => c.text.split('\n').slice(2));
    expect(allRows).toHaveLength(60);
    expect(allRows[59]).toBe('| item 59 | value number 59 with some words |');
  });

  it('splits code only between lines and keeps the fence on each piece', () => {
    const code = Array.from({ length: 40 }, (_, i) => `const variable${i} = compute(${i}, "some string");`).join('\n');
    const chunks = chunkDocument(doc([{ kind: 'code', text: code, lang: 'ts' }]), { maxTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    const lines: string[] = [];
    for (const c of chunks) {
      expect(c.text.startsWith('```ts\n')).toBe(true);
      expect(c.text.endsWith('\n```')).toBe(true);
      lines.push(...c.text.split('\n').slice(1, -1));
    }
    expect(lines).toEqual(code.split('\n'));
  });

  it('splits long prose by sentences with overlap, and rejoins Chinese without spaces', () => {
    const zh = Array.from({ length: 30 }, (_, i) => `这是第${i}句话，用来测试分块。`).join('');
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text: zh }]), { maxTokens: 50, overlapTokens: 15 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.text).not.toMatch(/。 这/);
    // The last sentence of a chunk opens the next one (overlap).
    const lastOfFirst = splitSentences(chunks[0]!.text).pop()!;
    expect(chunks[1]!.text.startsWith(lastOfFirst)).toBe(true);
    expect(chunks.every((c) => c.tokens <= 50)).toBe(true);
  });
});
