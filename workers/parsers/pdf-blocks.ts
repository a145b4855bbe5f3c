// Lines of one flow -> headings, paragraphs, lists, code and tables. Headings are told in
// pdf-headings.ts; paragraphs end at a wider gap, an indent or a short final line.
import { joinLines } from './text.parser';
import type { Block, ListItem } from './parsed-document';
import {
  boldHeadingLevel,
  BULLET,
  ENUMERATOR,
  headingLevel,
  isCode,
  isLoneTitle,
  MAX_HEADING_CHARS,
  type DocStats,
} from './pdf-headings';
import type { Line } from './pdf-lines';
import type { FlowItem } from './pdf-tables';

const MAX_HEADING_LINES = 2;
const SENTENCE_END = /[.!?。！？:：;；”"』」)]$/;

/**
 * Joins a paragraph's lines. A hyphen at a line end is dropped ("ef-" + "ficient") unless the
 * document spells the hyphenated compound elsewhere ("dual-" + "encoder" when "dual-encoder"
 * occurs mid-line).
 */
function joinParagraph(lines: Line[], stats: DocStats): string {
  let out = '';
  for (const line of lines) {
    const text = line.text;
    const head = /^\p{Ll}[\p{L}]*/u.exec(text)?.[0];
    const tail = /[\p{L}]+-$/u.exec(out)?.[0];
    if (tail && head && stats.compounds.has(`${tail}${head}`.toLowerCase())) out += text;
    else out = joinLines(out ? [out, text] : [text]);
  }
  return out;
}

/** A code line keeps its indentation and inner alignment, measured in character widths. */
function codeText(line: Line, left: number): string {
  const em = 0.6 * line.size;
  let out = ' '.repeat(Math.max(0, Math.round((line.x0 - left) / em)));
  let end = line.x0;
  for (const s of line.segs) {
    if (s !== line.segs[0]) out += ' '.repeat(Math.max(1, Math.round((s.x0 - end) / em)));
    out += s.text;
    end = s.x1;
  }
  return out.trimEnd();
}

function median(values: number[], fallback: number): number {
  if (!values.length) return fallback;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function mostCommonLeft(lines: Line[]): number {
  const counts = new Map<number, number>();
  for (const l of lines) counts.set(Math.round(l.x0), (counts.get(Math.round(l.x0)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** Text that breaks between any two characters: its first "word" is one character. */
const CJK_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Whether `above` ends with room to spare for the first word of `below` before the flow's right
 * edge: had they been one wrapped line, that word would have stayed above.
 */
function roomForFirstWord(above: Line, below: Line, right: number): boolean {
  const word = CJK_START.test(below.text) ? 1 : (/^\S+/.exec(below.text)?.[0].length ?? 0);
  const perChar = (below.x1 - below.x0) / Math.max(1, below.text.length);
  return above.x1 + 0.3 * below.size + word * perChar < right - 0.5 * below.size;
}

/**
 * `documentStart`: this flow opens the document, where a lone line in a font other than the
 * body's (a bold title at body size) is the title.
 */
export function flowToBlocks(items: FlowItem[], page: number, stats: DocStats, documentStart = false): Block[] {
  const lines = items.flatMap((it) => (it.kind === 'line' ? [it.line] : []));
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const g = lines[i]!.top - lines[i - 1]!.bottom;
    if (g > -2 && Math.abs(lines[i]!.size - lines[i - 1]!.size) < 0.5) gaps.push(Math.max(0, g));
  }
  const typicalGap = median(gaps, 0.3 * stats.bodySize);
  const left = mostCommonLeft(lines);
  const right = Math.max(...lines.map((l) => l.x1), 0);
  const prov = { page };
  const blocks: Block[] = [];

  let para: Line[] = [];
  let heading: { lines: Line[]; level: number } | null = null;
  let list: { items: ListItem[]; markers: number[]; textX: number; last: Line } | null = null;
  let code: Line[] = [];

  const flushPara = () => {
    if (para.length) blocks.push({ kind: 'paragraph', text: joinParagraph(para, stats), prov });
    para = [];
  };
  const flushHeading = () => {
    if (!heading) return;
    const text = joinLines(heading.lines.map((l) => l.text));
    if (heading.lines.length > MAX_HEADING_LINES || text.length > MAX_HEADING_CHARS)
      blocks.push({ kind: 'paragraph', text, prov });
    else blocks.push({ kind: 'heading', level: heading.level, text, prov });
    heading = null;
  };
  const flushList = () => {
    if (list) blocks.push({ kind: 'list', items: list.items, prov });
    list = null;
  };
  const flushCode = () => {
    if (!code.length) return;
    const codeLeft = Math.min(...code.map((l) => l.x0));
    blocks.push({ kind: 'code', text: code.map((l) => codeText(l, codeLeft)).join('\n'), prov });
    code = [];
  };
  const flushAll = () => {
    flushPara();
    flushHeading();
    flushList();
    flushCode();
  };

  items.forEach((item, idx) => {
    if (item.kind === 'table') {
      flushAll();
      blocks.push({ kind: 'table', header: item.header, rows: item.rows, prov });
      return;
    }
    const line = item.line;
    if (isCode(line, stats)) {
      flushPara();
      flushHeading();
      flushList();
      code.push(line);
      return;
    }
    flushCode();
    const next = items[idx + 1]?.kind === 'line' ? (items[idx + 1] as { line: Line }).line : undefined;
    const prev = para[para.length - 1] ?? list?.last ?? heading?.lines[heading.lines.length - 1];
    const gap = prev ? line.top - prev.bottom : 0;
    const wideGap = gap > Math.max(typicalGap * 1.8, typicalGap + 0.45 * line.size);

    const above = para[para.length - 1];
    const runsOn = above !== undefined && !wideGap && !SENTENCE_END.test(above.text);
    const sized = headingLevel(line, next, stats);
    const level =
      sized ??
      (documentStart && idx === 0 && isLoneTitle(line, next, stats) ? 1 : null) ??
      boldHeadingLevel(line, next, stats, runsOn);
    if (level !== null) {
      flushPara();
      flushList();
      // A wrapped title fills its first line; a shorter line above a longer one is another heading.
      // So is a bold line at body size with room left for the next line's first word ("서비스 제공
      // 기준" over "전월 이용금액 기준": a band's title and the first label under it); large titles
      // are broken by design ("커피전문점·제과점·편의점" over "2% 빅포인트 적립").
      const last = heading?.lines[heading.lines.length - 1];
      const leftAligned = last !== undefined && Math.abs(last.x0 - line.x0) <= 0.5 * line.size;
      const wraps =
        last !== undefined &&
        !(sized === null && leftAligned && roomForFirstWord(last, line, right)) &&
        (last.x1 - last.x0 >= 0.85 * (line.x1 - line.x0) || leftAligned);
      if (heading && (heading.level !== level || wideGap || !wraps)) flushHeading();
      if (heading) heading.lines.push(line);
      else heading = { lines: [line], level };
      return;
    }
    flushHeading();

    const marker = BULLET.exec(line.text) ?? ENUMERATOR.exec(line.text);
    if (marker && line.text.length > marker[0].length) {
      flushPara();
      if (!list || wideGap) {
        flushList();
        list = { items: [], markers: [], textX: line.x0, last: line };
      }
      while (list.markers.length && line.x0 < list.markers[list.markers.length - 1]! - 0.5 * line.size)
        list.markers.pop();
      const top = list.markers[list.markers.length - 1];
      if (top === undefined || line.x0 > top + 0.8 * line.size) list.markers.push(line.x0);
      const textSeg = line.segs.length > 1 && line.segs[0]!.text.length <= 3 ? line.segs[1]! : undefined;
      list.textX = textSeg ? textSeg.x0 : line.x0 + line.size;
      list.items.push({
        text: line.text.slice(marker[0].length).trim(),
        depth: list.markers.length - 1,
        ordered: !BULLET.test(line.text),
      });
      list.last = line;
      return;
    }
    if (list) {
      // A continuation line of a list item hangs under the item's text, not under its bullet.
      if (!wideGap && line.x0 >= list.textX - 0.6 * line.size) {
        const item = list.items[list.items.length - 1]!;
        item.text = joinLines([item.text, line.text]);
        list.last = line;
        return;
      }
      flushList();
    }

    if (para.length) {
      const last = para[para.length - 1]!;
      const indented = line.x0 > left + 0.8 * line.size && last.x0 <= left + 0.4 * line.size;
      const lastEndedShort = last.x1 < right - 4 * last.size && SENTENCE_END.test(last.text);
      const sizeChanged = Math.abs(line.size - last.size) > 0.15 * last.size;
      if (wideGap || indented || lastEndedShort || sizeChanged) flushPara();
    }
    para.push(line);
  });
  flushAll();
  return blocks;
}
