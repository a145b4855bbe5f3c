import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderSource, type FolderSourceOptions } from '../../../connectors/sources/folder.source';
import { delay, FakeSink, waitFor } from './fake-sink';

const DEBOUNCE_MS = 80;
const STABILITY_MS = 120;
/** Long enough for any event still in flight to reach the sink (debounce, write-finish, rename window). */
const SETTLE_MS = DEBOUNCE_MS + 2 * STABILITY_MS + 800;

let base: string;
let root: string;
const sources: FolderSource[] = [];

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'fennel-folder-'));
  root = path.join(base, 'root');
  mkdirSync(root);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  rmSync(base, { recursive: true, force: true });
});

function put(ref: string, content: string | Buffer): void {
  const file = path.join(root, ref);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function source(sink: FakeSink, extra: Partial<FolderSourceOptions> = {}): FolderSource {
  const s = new FolderSource({
    root,
    sink,
    maxFileBytes: 1000,
    debounceMs: DEBOUNCE_MS,
    stabilityMs: STABILITY_MS,
    ...extra,
  });
  sources.push(s);
  return s;
}

describe('FolderSource initial scan', () => {
  it('upserts indexable files and ignores dot, temp and oversized files', async () => {
    put('a.md', '# A');
    put('sub/deeper/b.txt', 'bee');
    for (const junk of ['.hidden.md', '.git/config', '~$a.docx', '.#a.md', 'a.md.swp', 'x.tmp', 'y.crdownload'])
      put(junk, 'junk');
    put('big.pdf', Buffer.alloc(1001, 1));
    put('skip.log', 'not included');
    const sink = new FakeSink();
    const skipped: [string, string][] = [];
    const report = await source(sink, {
      include: (ref) => !ref.endsWith('.log'),
      onSkip: (ref, reason) => skipped.push([ref, reason]),
    }).start();

    expect(sink.refs()).toEqual(['a.md', 'sub/deeper/b.txt']);
    expect(sink.docs.get('sub/deeper/b.txt')?.filename).toBe('b.txt');
    expect(report).toMatchObject({ upserted: 2, skipped: 1, removed: 0, renamed: 0, failed: 0 });
    expect(skipped).toEqual([['big.pdf', expect.stringContaining('over the 1000-byte limit')]]);
  });

  it('does not follow symlinks that leave the root but does follow those inside it', async () => {
    mkdirSync(path.join(base, 'outside'));
    writeFileSync(path.join(base, 'outside', 'secret.md'), 'secret');
    put('real.md', 'real');
    symlinkSync(path.join(base, 'outside', 'secret.md'), path.join(root, 'escape.md'));
    symlinkSync(path.join(base, 'outside'), path.join(root, 'escape-dir'));
    symlinkSync(path.join(root, 'real.md'), path.join(root, 'alias.md'));
    const sink = new FakeSink();
    await source(sink).start();
    expect(sink.refs()).toEqual(['alias.md', 'real.md']);
  });

  it('does not call the sink again for files it already holds', async () => {
    put('a.md', 'A');
    const sink = new FakeSink();
    const s = source(sink);
    await s.start();
    const report = await s.rescan();
    expect(report).toMatchObject({ upserted: 0, unchanged: 1 });
    expect(sink.calls).toHaveLength(1);
  });
});

describe('FolderSource watching', () => {
  it('sees create, a burst of writes as one upsert, rename and delete', async () => {
    const sink = new FakeSink();
    await source(sink).start();

    put('notes/c.md', 'v0');
    await waitFor('create', () => sink.text('notes/c.md') === 'v0');

    const before = sink.callsFor('notes/c.md', 'upsert').length;
    for (let i = 1; i <= 6; i++) {
      put('notes/c.md', `v${i} ${'x'.repeat(i * 10)}`);
      await delay(15);
    }
    await waitFor('burst', () => sink.text('notes/c.md')?.startsWith('v6') ?? false);
    await delay(SETTLE_MS);
    expect(sink.callsFor('notes/c.md', 'upsert').length - before).toBe(1);

    renameSync(path.join(root, 'notes/c.md'), path.join(root, 'notes/d.md'));
    await waitFor('rename', () => sink.refs().includes('notes/d.md') && !sink.refs().includes('notes/c.md'));
    expect(sink.calls.at(-1)).toEqual({ op: 'rename', ref: 'notes/c.md', to: 'notes/d.md' });
    expect(sink.callsFor('notes/c.md', 'remove')).toEqual([]);

    unlinkSync(path.join(root, 'notes/d.md'));
    await waitFor('delete', () => sink.refs().length === 0);
    expect(sink.calls.at(-1)).toEqual({ op: 'remove', ref: 'notes/d.md' });
  });

  it('turns a move into remove + upsert when the sink cannot rename', async () => {
    put('old.md', 'same bytes');
    const sink = new FakeSink({ rename: false });
    await source(sink).start();
    renameSync(path.join(root, 'old.md'), path.join(root, 'new.md'));
    await waitFor('move', () => sink.refs().join() === 'new.md');
    expect(
      sink.calls
        .slice(1)
        .map((c) => c.op)
        .sort(),
    ).toEqual(['remove', 'upsert']);
  });

  it('removes the files of a deleted directory', async () => {
    put('dir/one.md', '1');
    put('dir/two.md', '2');
    put('keep.md', 'k');
    const sink = new FakeSink();
    await source(sink).start();
    rmSync(path.join(root, 'dir'), { recursive: true });
    await waitFor('directory removal', () => sink.refs().join() === 'keep.md');
  });

  it('ignores temp, swap and dot files created while watching', async () => {
    const sink = new FakeSink();
    await source(sink).start();
    for (const junk of ['~$c.docx', '.#c.md', 'c.md.swp', 'dl.crdownload', 'w.tmp', '.cache/x.md']) put(junk, 'junk');
    put('real.md', 'real');
    await waitFor('real file', () => sink.refs().includes('real.md'));
    await delay(SETTLE_MS);
    expect(sink.refs()).toEqual(['real.md']);
  });

  it('keeps watching after the sink fails for one file', async () => {
    const sink = new FakeSink();
    sink.failUpsertFor.add('bad.md');
    const errors: (string | null)[] = [];
    await source(sink, { onError: (ref) => errors.push(ref) }).start();
    put('bad.md', 'bad');
    put('good.md', 'good');
    await waitFor('good file and error', () => sink.refs().includes('good.md') && errors.includes('bad.md'));
    put('later.md', 'later');
    await waitFor('file after the failure', () => sink.refs().includes('later.md'));
    expect(sink.refs()).not.toContain('bad.md');
  });

  it('does not remove anything when the root itself disappears', async () => {
    put('a.md', 'A');
    put('b.md', 'B');
    const sink = new FakeSink();
    const warnings: string[] = [];
    await source(sink, { logger: { info: () => undefined, warn: (m) => warnings.push(m) } }).start();
    rmSync(root, { recursive: true });
    await waitFor('refused removals', () => warnings.some((w) => w.includes('root unreadable')));
    await delay(SETTLE_MS);
    expect(sink.refs()).toEqual(['a.md', 'b.md']);
    expect(sink.calls.filter((c) => c.op === 'remove')).toEqual([]);
  });
});

describe('FolderSource restart', () => {
  it('reconciles changes made while it was stopped', async () => {
    put('a.md', 'A1');
    put('b.md', 'B');
    put('f.md', 'moving content');
    put('same.md', 'same');
    const sink = new FakeSink();
    const first = source(sink);
    await first.start();
    await first.stop();
    expect(sink.refs()).toEqual(['a.md', 'b.md', 'f.md', 'same.md']);

    put('a.md', 'A2');
    unlinkSync(path.join(root, 'b.md'));
    put('e.md', 'E');
    mkdirSync(path.join(root, 'moved'));
    renameSync(path.join(root, 'f.md'), path.join(root, 'moved/f.md'));
    sink.calls.length = 0;

    // A new instance: nothing carried over but the sink and the disk.
    const report = await source(sink).start();
    expect(report).toMatchObject({ upserted: 2, renamed: 1, removed: 1, unchanged: 1, failed: 0 });
    expect(sink.refs()).toEqual(['a.md', 'e.md', 'moved/f.md', 'same.md']);
    expect(sink.text('a.md')).toBe('A2');
    expect(sink.calls).toContainEqual({ op: 'rename', ref: 'f.md', to: 'moved/f.md' });
    expect(sink.calls).toContainEqual({ op: 'remove', ref: 'b.md' });
  });
});
