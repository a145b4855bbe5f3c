// `fennel ingest <kb> <paths…>`: upload files (folders recursively) and show one progress bar
// until every document is ready or failed, then what failed and what was read despite damage.
// Returns the number of failures.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { ApiError, type ApiClient } from './api-client';

async function expand(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) {
      const entries = (await readdir(p)).filter((e) => !e.startsWith('.')).sort();
      out.push(...(await expand(entries.map((e) => join(p, e)))));
    } else if (s.isFile()) out.push(p);
  }
  return out;
}

export async function ingestCommand(api: ApiClient, kb: string, paths: string[]): Promise<number> {
  const files = await expand(paths);
  if (!files.length) throw new Error('No files found in the given paths.');
  await api.ensureKb(kb);
  const tty = process.stderr.isTTY;
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} done | {file}',
      stream: process.stderr,
      noTTYOutput: !tty,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  const failures: string[] = [];
  const warnings: string[] = [];
  const waiting = new Map<string, string>();
  bar.start(files.length, 0, { file: '' });
  let done = 0;
  for (const f of files) {
    try {
      const r = await api.upload(kb, f);
      waiting.set(r.documentId, f);
    } catch (err) {
      failures.push(`${f}: ${err instanceof ApiError ? err.message : (err as Error).message}`);
      bar.update(++done, { file: f });
    }
  }
  while (waiting.size) {
    for (const [id, f] of [...waiting]) {
      const doc = await api.document(kb, id);
      if (doc.latest.status === 'ready' || doc.latest.status === 'failed') {
        if (doc.latest.status === 'failed') failures.push(`${f}: ${doc.latest.error ?? 'failed'}`);
        for (const w of doc.latest.warnings ?? []) warnings.push(`${f}: ${w}`);
        waiting.delete(id);
        bar.update(++done, { file: f });
      }
    }
    if (waiting.size) await new Promise((r) => setTimeout(r, 300));
  }
  bar.stop();
  process.stdout.write(`${files.length - failures.length} ready, ${failures.length} failed\n`);
  for (const f of failures) process.stdout.write(`  failed: ${f}\n`);
  for (const w of warnings) process.stdout.write(`  warning: ${w}\n`);
  return failures.length;
}
