// `npm run bench:parse`: per format, Fennel's structured parse against the raw text extraction
// of the same library (bench/raw-extractors.ts), over every corpus file, in the same run; and
// the peak memory of parsing the largest corpus file, measured in a fresh process.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/paths';
import type { DocumentFormat } from '../workers/parsers/parsed-document';
import { ParserRegistry } from '../workers/parsers/parser-registry';
import { RAW } from './raw-extractors';
import { writeSection } from './report';
import { log, runScript } from './script';

const CORPUS = join(PROJECT_ROOT, '..', 'shared', 'corpus');
const FOLDERS: [string, DocumentFormat][] = [
  ['pdf', 'pdf'],
  ['docx', 'docx'],
  ['xlsx', 'xlsx'],
  ['pptx', 'pptx'],
  ['html', 'html'],
  ['md', 'markdown'],
  ['txt', 'txt'],
];
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: module loading and JIT are not what we measure
  const t = performance.now();
  for (let i = 0; i < REPEAT; i++) await fn();
  return (performance.now() - t) / REPEAT / 1000;
}

async function main() {
  const registry = new ParserRegistry();
  const rows: string[] = [];
  let largest = { path: '', size: 0 };
  for (const [folder, format] of FOLDERS) {
    let parseSecs = 0;
    let rawSecs = 0;
    let bytes = 0;
    let units = 0;
    let files = 0;
    const failures: string[] = [];
    for (const name of readdirSync(join(CORPUS, folder)).sort()) {
      const path = join(CORPUS, folder, name);
      const data = readFileSync(path);
      if (data.length > largest.size) largest = { path, size: data.length };
      try {
        parseSecs += await time(() => registry.parse({ bytes: data, filename: name }));
        const raw = await RAW[format](data);
        rawSecs += await time(() => RAW[format](data));
        units += raw.units;
        bytes += data.length;
        files++;
      } catch (err) {
        failures.push(`${name} (${(err as Error).message.slice(0, 60)})`);
      }
    }
    const mb = bytes / 1e6;
    const unitName = format === 'pdf' ? 'pages' : format === 'pptx' ? 'slides' : format === 'xlsx' ? 'sheets' : 'docs';
    const unitCount = unitName === 'docs' ? files : units;
    rows.push(
      `| ${folder} | ${files} | ${mb.toFixed(2)} | ${(unitCount / parseSecs).toFixed(1)} ${unitName}/s | ${(mb / parseSecs).toFixed(2)} | ${(mb / rawSecs).toFixed(2)} | ${(parseSecs / rawSecs).toFixed(2)}× |${failures.length ? ' not measured: ' + failures.join('; ') : ''}`,
    );
    log(rows[rows.length - 1]!);
  }
  // Peak memory in a fresh process, so earlier files and the harness do not count.
  const script = `const {ParserRegistry}=require(${JSON.stringify(join(PROJECT_ROOT, 'dist/workers/parsers/parser-registry.js'))});
const fs=require('fs');const b=fs.readFileSync(${JSON.stringify(largest.path)});
const before=process.memoryUsage().rss;
new ParserRegistry().parse({bytes:b,filename:${JSON.stringify(largest.path.split('/').pop())}}).then(()=>{
console.log(JSON.stringify({maxRss:process.resourceUsage().maxRSS*1024,before}))});`;
  const mem = JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as {
    maxRss: number;
    before: number;
  };
  const body = [
    `Command: \`npm run bench:parse\` · ${new Date().toISOString().slice(0, 10)} · every file of ../shared/corpus/<format>/, each parsed ${REPEAT}× after a warm-up, in process (no sandbox thread).`,
    "Baseline: plain text from the same library in the same run (pdfjs getTextContent, mammoth.extractRawText, exceljs rows, the slides' <a:t> runs, jsdom textContent, remark parse, decoding) — the ratio is what structure costs.",
    '',
    '| format | files | MB | structured parse | structured MB/s | raw MB/s | parse / raw time |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Peak memory parsing the largest corpus file (${largest.path.split('/').slice(-2).join('/')}, ${(largest.size / 1e6).toFixed(2)} MB) in a fresh process: max RSS ${(mem.maxRss / 1e6).toFixed(0)} MB (${(mem.before / 1e6).toFixed(0)} MB before parsing).`,
  ];
  await writeSection('parsing', 'Parsing: seven formats', body.join('\n'));
  log('BENCHMARKS.md updated');
}

runScript(main);
