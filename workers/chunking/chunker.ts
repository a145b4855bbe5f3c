// Structure-aware chunking: a chunk never crosses a heading, carries its heading path and
// provenance, tables split by rows with the header repeated, code split only between lines.
import { renderBlock, renderList, renderTable } from '../parsers/markdown.renderer';
import type { Block, ParsedDocument, Provenance } from '../parsers/parsed-document';
import { countTokens, splitSentences } from './tokens';

export interface ChunkingOptions {
  maxTokens: number;
  overlapTokens: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxTokens: 400, overlapTokens: 40 };

export interface Chunk {
  ordinal: number;
  text: string;
  headingPath: string[];
  page: number | null;
  tokens: number;
  metadata: { slide?: number; sheet?: string; cellRange?: string; pages?: number[] };
}

interface Unit {
  text: string;
  tokens: number;
  prov?: Provenance;
  /** Prose units may be repeated as overlap; structural pieces (rows, code) may not. */
  prose: boolean;
}

function hardSplit(text: string, max: number): string[] {
  // A sentence longer than a chunk: cut by characters, roughly max tokens each.
  const out: string[] = [];
  const ratio = Math.max(1, Math.floor((text.length / Math.max(countTokens(text), 1)) * max));
  for (let i = 0; i < text.length; i += ratio) out.push(text.slice(i, i + ratio));
  return out;
}

function unitsOf(block: Block, max: number): Unit[] {
  const whole = renderBlock(block);
  const tokens = countTokens(whole);
  const unit = (text: string, prose: boolean): Unit => ({ text, tokens: countTokens(text), prov: block.prov, prose });
  if (tokens <= max && block.kind !== 'paragraph') return [{ text: whole, tokens, prov: block.prov, prose: false }];
  switch (block.kind) {
    case 'table': {
      const headerCost = countTokens(renderTable(block.header, []));
      const budget = Math.max(max - headerCost, 1);
      const groups: string[][][] = [];
      let group: string[][] = [];
      let cost = 0;
      for (const row of block.rows) {
        const c = countTokens(row.join(' | '));
        if (group.length && cost + c > budget) {
          groups.push(group);
          group = [];
          cost = 0;
        }
        group.push(row);
        cost += c;
      }
      if (group.length) groups.push(group);
      return groups.map((rows, i) =>
        unit((i === 0 && block.caption ? `${block.caption}\n\n` : '') + renderTable(block.header, rows), false),
      );
    }
    case 'code': {
      const lines = block.text.split('\n');
      const pieces: string[] = [];
      let cur: string[] = [];
      for (const line of lines) {
        if (cur.length && countTokens([...cur, line].join('\n')) > max) {
          pieces.push(cur.join('\n'));
          cur = [];
        }
        cur.push(line);
      }
      if (cur.length) pieces.push(cur.join('\n'));
      return pieces.map((p) => unit(renderBlock({ kind: 'code', text: p, lang: block.lang }), false));
    }
    case 'list': {
      return block.items.map((it) => unit(renderList([it]), true));
    }
    default: {
      if (tokens <= max) return [{ text: whole, tokens, prov: block.prov, prose: true }];
      return splitSentences(whole).flatMap((s) =>
        (countTokens(s) > max ? hardSplit(s, max) : [s]).map((p) => unit(p, true)),
      );
    }
  }
}

const CJK_END = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$/;

export function chunkDocument(doc: ParsedDocument, opts: ChunkingOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  // `covered`: some chunk was written under the heading. One that never is (a title-only slide,
  // a section heading with nothing under it before the next) becomes a chunk of its own when it
  // leaves the path; otherwise its words would be in no chunk at all.
  const path: { level: number; text: string; covered: boolean; prov?: Block['prov'] }[] = [];
  let current: Unit[] = [];
  let currentTokens = 0;

  const joinUnits = (units: Unit[]) =>
    units.reduce((acc, u, i) => {
      if (i === 0) return u.text;
      // Sentence pieces of one paragraph rejoin inline; blocks are separated by a blank line.
      const inline = u.prose && units[i - 1]!.prose && !/\n/.test(u.text) && !/^[-\d]/.test(u.text);
      return acc + (inline ? (CJK_END.test(acc) ? '' : ' ') : '\n\n') + u.text;
    }, '');

  const flush = (carryOverlap: boolean) => {
    if (!current.length) return;
    const pages = [...new Set(current.map((u) => u.prov?.page).filter((p): p is number => p != null))];
    const prov = current.find((u) => u.prov)?.prov;
    for (const p of path) p.covered = true;
    chunks.push({
      ordinal: chunks.length,
      text: joinUnits(current),
      headingPath: path.map((p) => p.text),
      page: pages[0] ?? null,
      tokens: currentTokens,
      metadata: {
        ...(prov?.slide != null ? { slide: prov.slide } : {}),
        ...(prov?.sheet != null ? { sheet: prov.sheet } : {}),
        ...(prov?.cellRange != null ? { cellRange: prov.cellRange } : {}),
        ...(pages.length > 1 ? { pages } : {}),
      },
    });
    let carry: Unit[] = [];
    if (carryOverlap && opts.overlapTokens > 0) {
      let t = 0;
      for (let i = current.length - 1; i >= 0; i--) {
        const u = current[i]!;
        if (!u.prose || t + u.tokens > opts.overlapTokens) break;
        carry = [u, ...carry];
        t += u.tokens;
      }
      if (carry.length === current.length) carry = [];
    }
    current = carry;
    currentTokens = carry.reduce((s, u) => s + u.tokens, 0);
  };

  const leave = () => {
    const p = path.pop()!;
    if (p.covered || !p.text.trim()) return;
    current = [{ text: p.text, tokens: countTokens(p.text), prov: p.prov, prose: false }];
    currentTokens = current[0]!.tokens;
    flush(false);
  };

  for (const block of doc.blocks) {
    if (block.kind === 'heading') {
      flush(false);
      while (path.length && path[path.length - 1]!.level >= block.level) leave();
      path.push({ level: block.level, text: block.text, covered: false, prov: block.prov });
      continue;
    }
    for (const u of unitsOf(block, opts.maxTokens)) {
      if (current.length && currentTokens + u.tokens > opts.maxTokens) flush(true);
      current.push(u);
      currentTokens += u.tokens;
    }
  }
  flush(false);
  while (path.length) leave();
  return chunks;
}
