// Plain text: encoding detection, paragraphs, and heading-like lines
// ("第一章 …", "1.2 Title", Markdown-style underlined titles, short ALL-CAPS lines).
import { decodeText, encodingWarning } from './text-decoding';
import {
  deriveTitle,
  ParseError,
  type Block,
  type ParsedDocument,
  type Parser,
  type ParserInput,
} from './parsed-document';

const CN_CHAPTER = /^第[一二三四五六七八九十百千零〇\d]+[章节篇部卷回](?:\s|$|[：:、])/;
const NUMBERED = /^(\d{1,2}(?:\.\d{1,2}){0,3})[.、)]?\s+(\S.{0,80})$/;
const BULLET = /^\s*([-*•·]|\d{1,3}[.)]|[（(]\d{1,3}[)）])\s+/;

function headingLevel(line: string, next: string | undefined): number | null {
  const t = line.trim();
  if (!t || t.length > 90 || /[。！？.!?；;，,:：]$/.test(t)) {
    return CN_CHAPTER.test(t) && t.length <= 90 ? 1 : null;
  }
  if (CN_CHAPTER.test(t)) return /节/.test(t.slice(0, 8)) ? 2 : 1;
  const num = NUMBERED.exec(t);
  if (num) return Math.min(num[1]!.split('.').length, 6);
  if (next !== undefined && /^={3,}\s*$/.test(next)) return 1;
  if (next !== undefined && /^-{3,}\s*$/.test(next)) return 2;
  // ALL-CAPS titles, but not record codes like "WKU  057006474": mostly letters, one space apart.
  if (
    /^[A-Z][A-Z0-9 &,'()-]{3,60}$/.test(t) &&
    /[A-Z]{3}/.test(t) &&
    !/\s{2}/.test(t) &&
    (t.match(/\d/g)?.length ?? 0) <= t.length / 5
  ) {
    return 2;
  }
  return null;
}

export class TextParser implements Parser {
  readonly format = 'txt' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    const decoded = decodeText(input.bytes);
    const { text, encoding } = decoded;
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    const normalized = text.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
    if (!normalized.trim()) throw new ParseError('empty', 'The document is empty (no text).');
    const paragraphs = splitParagraphs(normalized);
    const blocks: Block[] = [];
    for (const para of paragraphs) {
      const lines = para.split('\n').filter((l) => l.trim() !== '');
      let buffer: string[] = [];
      let list: string[] = [];
      const flush = () => {
        if (buffer.length) blocks.push({ kind: 'paragraph', text: joinLines(buffer) });
        if (list.length) {
          blocks.push({
            kind: 'list',
            items: list.map((l) => ({ text: l.replace(BULLET, '').trim(), depth: 0, ordered: /^\s*[(（]?\d/.test(l) })),
          });
        }
        buffer = [];
        list = [];
      };
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (/^[=-]{3,}\s*$/.test(line)) continue; // underline of the previous title
        const level = headingLevel(line, lines[i + 1]);
        // A numbered line inside a run of list items is an item, not a heading.
        if (level !== null && !(list.length && BULLET.test(line))) {
          flush();
          blocks.push({ kind: 'heading', level, text: line.trim() });
        } else if (BULLET.test(line)) {
          if (buffer.length) {
            blocks.push({ kind: 'paragraph', text: joinLines(buffer) });
            buffer = [];
          }
          list.push(line);
        } else if (list.length && /^\s{2,}\S/.test(line)) {
          list[list.length - 1] += ' ' + line.trim();
        } else {
          if (list.length) flush();
          buffer.push(line);
        }
      }
      flush();
    }
    const warning = encodingWarning(decoded, 'txt');
    return {
      title: deriveTitle(blocks, input.filename),
      blocks,
      metadata: { encoding },
      ...(warning ? { warnings: [warning] } : {}),
    };
  }
}

/**
 * Blank lines separate paragraphs. Text exported with one paragraph per line and no blank
 * lines (web copy-paste, transcripts) would otherwise become one giant paragraph: when blank
 * lines are rare and the lines are not hard-wrapped to a width, every line is a paragraph.
 */
export function splitParagraphs(text: string): string[] {
  const byBlank = text.split(/\n\s*\n/);
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length < 20 || byBlank.length * 10 > lines.length) return byBlank;
  const wrapped = lines.filter((l) => l.length >= 55 && l.length <= 100).length / lines.length;
  return wrapped > 0.6 ? byBlank : lines;
}

/** Joins hard-wrapped lines: no space between CJK characters, hyphenation undone. */
export function joinLines(lines: string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!out) {
      out = line;
      continue;
    }
    const last = out[out.length - 1]!;
    const first = line[0]!;
    if (last === '-' && /[a-z]/.test(first) && /[a-z]-$/.test(out)) out = out.slice(0, -1) + line;
    else if (isCjk(last) || isCjk(first)) out += line;
    else out += ' ' + line;
  }
  return out;
}

export function isCjk(ch: string): boolean {
  return /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch);
}
