import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CORPUS } from './parsers/fixtures-corpus';
import { detectFormat } from '../../workers/parsers/detect-format';
import { decodeText } from '../../workers/parsers/text-decoding';
import { TextParser } from '../../workers/parsers/text.parser';

const parse = (bytes: Buffer) => new TextParser().parse({ bytes, filename: 'notes.txt' });

describe('decodeText', () => {
  const sample = '第一章 总则\n本办法适用于公司全体员工，自发布之日起施行。';
  it.each([
    ['utf-8', Buffer.from(sample)],
    ['utf-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)])],
    ['utf-16le with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(sample, 'utf-16le')])],
    ['utf-16be with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(sample, 'utf-16be')])],
    ['gb18030', iconv.encode(sample.repeat(3), 'gb18030')],
    ['big5', iconv.encode('第一章 總則\n本辦法適用於公司全體員工，自發布之日起施行。'.repeat(3), 'big5')],
  ])('decodes %s', (_name, bytes) => {
    expect(decodeText(bytes).text).toMatch(/第一章 [总總]則|第一章 总则/);
  });

  it('decodes UTF-16 and UTF-32 without a BOM or with one', () => {
    expect(decodeText(iconv.encode('Hello plain text', 'utf-16le')).text).toBe('Hello plain text');
    const u32 = Buffer.alloc(4 * 3 + 4);
    u32.writeUInt32LE(0xfeff, 0);
    [0x41, 0x4e2d, 0x1f600].forEach((cp, i) => u32.writeUInt32LE(cp, 4 + i * 4));
    expect(decodeText(u32).text).toBe('A中😀');
  });
});

describe('TextParser', () => {
  it('finds paragraphs and heading-like lines', async () => {
    const doc = await parse(
      Buffer.from(
        'Employee Handbook\n=================\n\n第一章 总则\n\n本办法适用于\n全体员工。\n\n1.2 Scope of work\n\nThis policy applies to every-\nbody in the company.\n\n- first item\n- second item\n',
      ),
    );
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Employee Handbook' },
      { kind: 'heading', level: 1, text: '第一章 总则' },
      { kind: 'paragraph', text: '本办法适用于全体员工。' },
      { kind: 'heading', level: 2, text: '1.2 Scope of work' },
      { kind: 'paragraph', text: 'This policy applies to everybody in the company.' },
      {
        kind: 'list',
        items: [
          { text: 'first item', depth: 0, ordered: false },
          { text: 'second item', depth: 0, ordered: false },
        ],
      },
    ]);
    expect(doc.title).toBe('Employee Handbook');
  });

  it('fails whitespace-only text as empty', async () => {
    await expect(parse(Buffer.from(' \n\t\n '))).rejects.toMatchObject({ code: 'empty' });
  });
});

describe('detectFormat', () => {
  it('types by content, not by extension', () => {
    expect(detectFormat(Buffer.from('%PDF-1.7\n...'), 'report.txt')).toMatchObject({ ok: true, format: 'pdf' });
    expect(detectFormat(Buffer.from('<!DOCTYPE html><html><body>x</body></html>'), 'page.txt')).toMatchObject({
      ok: true,
      format: 'txt',
    });
    expect(detectFormat(Buffer.from('<!DOCTYPE html><html><body>x</body></html>'), 'page.bin')).toMatchObject({
      ok: true,
      format: 'html',
    });
    expect(detectFormat(Buffer.from('# Title'), 'notes.md')).toMatchObject({ ok: true, format: 'markdown' });
    expect(detectFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'x.md')).toMatchObject({ ok: false });
    expect(detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), 'x.doc')).toMatchObject({ ok: false });
    // Encrypted OOXML is OLE2 too; its parser reports "encrypted".
    expect(detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), 'x.xlsx')).toMatchObject({
      ok: true,
      format: 'xlsx',
    });
  });
});

describe('repairMojibake', () => {
  it('repairs UTF-8 that was read as Latin-1 and saved again', async () => {
    const { repairMojibake } = await import('../../workers/parsers/text-decoding');
    expect(repairMojibake('Youth career \u00e2\u0080\u00931986')).toBe('Youth career \u20131986');
    expect(repairMojibake('caf\u00c3\u00a9')).toBe('caf\u00e9');
    // Real Latin-1 letters and other scripts are left alone.
    expect(repairMojibake('können äöüß Ørsted 中文')).toBe('können äöüß Ørsted 中文');
  });
});

describe('detectFormat on Office archives', () => {
  it('reads the outer central directory, so a deck with an embedded workbook is a PPTX', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const corpus = CORPUS;
    for (const [dir, format] of [
      ['pptx', 'pptx'],
      ['docx', 'docx'],
      ['xlsx', 'xlsx'],
    ] as const) {
      for (const name of readdirSync(join(corpus, dir))) {
        expect([name, detectFormat(readFileSync(join(corpus, dir, name)), 'upload.bin')]).toEqual([
          name,
          expect.objectContaining({ ok: true, format }),
        ]);
      }
    }
  });
});
