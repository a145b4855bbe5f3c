// "Parsed with warnings" for Markdown and plain text: a decode that rested on chardet's guess.
// Markdown is UTF-8 by convention, so any single-byte guess is flagged; a text file in GBK, Big5
// or UTF-16 is normal, so it is only flagged when the guess itself is weak.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { MarkdownParser } from '../../../workers/parsers/markdown.parser';
import { ParserRegistry } from '../../../workers/parsers/parser-registry';
import { decodeText, LOW_CONFIDENCE } from '../../../workers/parsers/text-decoding';
import { TextParser } from '../../../workers/parsers/text.parser';
import { corpusBytes, corpusFiles } from './fixtures-corpus';

const registry = new ParserRegistry();
const parseCorpus = (rel: string) => registry.parse({ bytes: corpusBytes(rel), filename: rel.split('/').pop()! });
const md = (bytes: Buffer) => new MarkdownParser().parse({ bytes, filename: 'notes.md' });
const txt = (bytes: Buffer) => new TextParser().parse({ bytes, filename: 'notes.txt' });

const ZH = '# 第一章 总则\n\n本办法适用于公司全体员工，自发布之日起施行。知识库由各团队共同维护。\n'.repeat(3);
const ZH_HANT = '# 第一章 總則\n\n本辦法適用於公司全體員工，自發布之日起施行。知識庫由各團隊共同維護。\n'.repeat(3);
// chardet scores this 29 (windows-1252), with windows-1254 at 23: a coin toss.
const FRENCH = 'Café crème brûlée — naïve façade, déjà vu. Über straße';

describe('encoding warnings on the corpus', () => {
  it.each([...corpusFiles('md').map((f) => `md/${f}`), ...corpusFiles('txt').map((f) => `txt/${f}`)])(
    'finds nothing to say about %s',
    async (rel) => {
      expect((await parseCorpus(rel)).warnings).toBeUndefined();
    },
  );

  it('tells the admin that unstructured_umlauts-non-utf8.md was decoded from a Latin-1 guess', async () => {
    const doc = await parseCorpus('malformed/unstructured_umlauts-non-utf8.md');
    expect(doc.warnings).toEqual([
      'The Markdown file is not UTF-8; Fennel decoded it as ISO-8859-1, a guess from its bytes (57% confidence) — ' +
        'check that accented and special characters read correctly, or save it as UTF-8.',
    ]);
    expect(doc.blocks[0]).toEqual({ kind: 'heading', level: 2, text: 'können' });
  });

  it('reads docling_password_README.md, a sound UTF-8 README, without a warning', async () => {
    expect((await parseCorpus('malformed/docling_password_README.md')).warnings).toBeUndefined();
  });
});

describe('encoding warnings on generated files', () => {
  it('does not flag text files in GB18030, Big5, UTF-16 or UTF-32, which decode with certainty', async () => {
    const u32 = Buffer.alloc(4 + 4 * 5);
    u32.writeUInt32LE(0xfeff, 0);
    [...'Hello'].forEach((ch, i) => u32.writeUInt32LE(ch.codePointAt(0)!, 4 + 4 * i));
    for (const bytes of [
      iconv.encode(ZH, 'gb18030'),
      iconv.encode(ZH_HANT, 'big5'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(ZH, 'utf-16le')]),
      iconv.encode('Plain text without a BOM, in UTF-16.', 'utf-16le'),
      u32,
    ]) {
      expect((await txt(bytes)).warnings).toBeUndefined();
    }
  });

  it('does not flag a text file whose single-byte guess is confident', async () => {
    const bytes = iconv.encode('Grüße aus München, schöne Straße', 'latin1');
    expect(decodeText(bytes).guess?.confidence).toBeGreaterThanOrEqual(LOW_CONFIDENCE);
    expect((await txt(bytes)).warnings).toBeUndefined();
  });

  it('flags a text file whose encoding is a weak guess', async () => {
    const doc = await txt(iconv.encode(FRENCH, 'win1252'));
    expect(doc.warnings).toEqual([
      expect.stringMatching(
        /^The text file is not UTF-8; Fennel decoded it as windows-1252, a guess from its bytes \(\d+% confidence\)/,
      ),
    ]);
  });

  it('flags Markdown decoded from any single-byte guess, but not Markdown in GB18030', async () => {
    expect((await md(iconv.encode('# Grüße\n\naus München, schöne Straße\n', 'latin1'))).warnings).toEqual([
      expect.stringMatching(/^The Markdown file is not UTF-8; Fennel decoded it as ISO-8859-1/),
    ]);
    expect((await md(iconv.encode(ZH, 'gb18030'))).warnings).toBeUndefined();
    expect((await md(Buffer.from(ZH))).warnings).toBeUndefined();
  });
});
