import { describe, expect, it } from 'vitest';
import { hasTransientSegment, refOf } from '../../../connectors/sources/folder-paths';
import { planReconcile, type DiskState } from '../../../connectors/sources/folder-reconcile';

const disk = (files: Record<string, string>, extra: Partial<DiskState> = {}): DiskState => ({
  files: new Map(Object.entries(files)),
  present: new Set(),
  complete: true,
  ...extra,
});
const held = (entries: Record<string, string>) => Object.entries(entries).map(([ref, sha256]) => ({ ref, sha256 }));

describe('planReconcile', () => {
  it('sorts refs into new, changed, unchanged and gone', () => {
    const plan = planReconcile(
      disk({ 'a.md': 'A', 'b.md': 'B2', 'n.md': 'N' }),
      held({ 'a.md': 'A', 'b.md': 'B1', 'g.md': 'G' }),
      true,
    );
    expect(plan).toEqual({ renames: [], upserts: ['b.md', 'n.md'], removes: ['g.md'], unchanged: ['a.md'] });
  });

  it('pairs a vanished ref with a new ref of the same content as a rename, one to one', () => {
    const plan = planReconcile(
      disk({ 'x/one.md': 'S', 'x/two.md': 'S', 'c.md': 'C' }),
      held({ 'one.md': 'S', 'old-c.md': 'OTHER' }),
      true,
    );
    expect(plan.renames).toEqual([{ from: 'one.md', to: 'x/one.md' }]);
    expect(plan.upserts).toEqual(['c.md', 'x/two.md']);
    expect(plan.removes).toEqual(['old-c.md']);
  });

  it('falls back to remove + upsert when the sink cannot rename', () => {
    const plan = planReconcile(disk({ 'new.md': 'S' }), held({ 'old.md': 'S' }), false);
    expect(plan).toMatchObject({ renames: [], upserts: ['new.md'], removes: ['old.md'] });
  });

  it('keeps documents of files that exist but were skipped', () => {
    const plan = planReconcile(disk({}, { present: new Set(['huge.pdf']) }), held({ 'huge.pdf': 'H' }), true);
    expect(plan.removes).toEqual([]);
  });

  it('removes and renames nothing when the scan was incomplete', () => {
    const plan = planReconcile(
      disk({ 'moved.md': 'S' }, { complete: false }),
      held({ 'old.md': 'S', 'gone.md': 'G' }),
      true,
    );
    expect(plan).toMatchObject({ renames: [], removes: [], upserts: ['moved.md'] });
  });
});

describe('transient names', () => {
  it.each([
    ['.hidden.md', true],
    ['.git/config', true],
    ['docs/.#notes.md', true],
    ['~$report.docx', true],
    ['~WRL0001.tmp', true],
    ['notes.md~', true],
    ['#notes.md#', true],
    ['notes.md.swp', true],
    ['4913', true],
    ['upload.tmp', true],
    ['movie.crdownload', true],
    ['file.part', true],
    ['Thumbs.db', true],
    ['report.docx', false],
    ['sub/dir/readme.md', false],
    ['tmp/readme.md', false],
    ['a~b.md', false],
  ])('%s transient: %s', (ref, expected) => {
    expect(hasTransientSegment(ref)).toBe(expected);
  });

  it('makes POSIX refs relative to the root and rejects paths outside it', () => {
    expect(refOf('/srv/docs', '/srv/docs/a/b.md')).toBe('a/b.md');
    expect(refOf('/srv/docs', '/srv/docs')).toBeNull();
    expect(refOf('/srv/docs', '/srv/docs-other/x.md')).toBeNull();
    expect(refOf('/srv/docs', '/srv/x.md')).toBeNull();
  });
});
