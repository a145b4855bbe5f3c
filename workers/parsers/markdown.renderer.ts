// Renders a ParsedDocument as Markdown that reads like the source (MinerU-style).
import type { Block, ListItem } from './parsed-document';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();

export function renderTable(header: string[], rows: string[][]): string {
  const width = Math.max(header.length, ...rows.map((r) => r.length), 1);
  const pad = (r: string[]) => Array.from({ length: width }, (_, i) => cell(r[i] ?? ''));
  const line = (r: string[]) => `| ${pad(r).join(' | ')} |`;
  return [line(header), `| ${Array(width).fill('---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function renderList(items: ListItem[]): string {
  const counters: number[] = [];
  return items
    .map((it) => {
      counters.length = it.depth + 1;
      counters[it.depth] = (counters[it.depth] ?? 0) + 1;
      const marker = it.ordered ? `${counters[it.depth]}.` : '-';
      return `${'  '.repeat(it.depth)}${marker} ${it.text.replace(/\n/g, ' ')}`;
    })
    .join('\n');
}

export function renderBlock(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(Math.min(Math.max(b.level, 1), 6))} ${b.text}`;
    case 'paragraph':
      return b.text;
    case 'list':
      return renderList(b.items);
    case 'table':
      return (b.caption ? `${b.caption}\n\n` : '') + renderTable(b.header, b.rows);
    case 'code': {
      const fence = b.text.includes('```') ? '````' : '```';
      return `${fence}${b.lang ?? ''}\n${b.text}\n${fence}`;
    }
    case 'quote':
      return b.text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
    case 'image':
      return `![${b.caption}]()`;
  }
}

export function renderMarkdown(blocks: Block[]): string {
  return blocks.map(renderBlock).join('\n\n') + '\n';
}
