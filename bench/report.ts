// BENCHMARKS.md is shared by every benchmark: each rewrites only its own marked section.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/paths';

const FILE = join(PROJECT_ROOT, 'BENCHMARKS.md');

export async function writeSection(id: string, title: string, body: string): Promise<void> {
  let text = '';
  try {
    text = await readFile(FILE, 'utf8');
  } catch {
    text =
      '# Benchmarks\n\nEach section is written by a benchmark in `bench/`; the command that produced it heads the section.\n';
  }
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const section = `${start}\n## ${title}\n\n${body}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(FILE, text);
}
