import { describe, expect, it } from 'vitest';
import { folderFilter, globToRegExp } from '../../workers/sync/folder-watchers';

describe('folder source filters', () => {
  it('turns globs into anchored path patterns', () => {
    expect(globToRegExp('docs/**/*.md').test('docs/a.md')).toBe(true);
    expect(globToRegExp('docs/**/*.md').test('docs/x/y/z.md')).toBe(true);
    expect(globToRegExp('docs/**/*.md').test('other/a.md')).toBe(false);
    expect(globToRegExp('*.txt').test('a/b.txt')).toBe(false);
    expect(globToRegExp('report-?.pdf').test('report-1.pdf')).toBe(true);
    expect(globToRegExp('a+b(1).md').test('a+b(1).md')).toBe(true);
  });

  it('keeps only document types, then the include patterns', () => {
    const all = folderFilter({ kind: 'folder', path: '/x' });
    expect(['a.md', 'b.PDF', 'c/d.docx', 'e.png', 'f'].filter(all)).toEqual(['a.md', 'b.PDF', 'c/d.docx']);
    const some = folderFilter({ kind: 'folder', path: '/x', include: ['handbook/**/*.md'] });
    expect(['handbook/a.md', 'handbook/x/b.md', 'other/c.md', 'handbook/d.pdf'].filter(some)).toEqual([
      'handbook/a.md',
      'handbook/x/b.md',
    ]);
  });
});
