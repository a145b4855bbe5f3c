import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { absoluteOf, isInside, isTransientName } from './folder-paths';
import { sha256Hex } from './source-sink';

export interface FolderScan {
  refs: string[];
  /** False when some directory could not be read: its files are unknown, not gone. */
  complete: boolean;
  problems: string[];
}

/**
 * Lists candidate files below `root` (a real path). Directory symlinks are not descended — that
 * avoids cycles and the same file appearing under two refs; file symlinks are listed and judged by
 * `inspectFile`, which refuses those escaping the root.
 */
export async function scanFolder(root: string, isCandidate: (ref: string) => boolean): Promise<FolderScan> {
  const scan: FolderScan = { refs: [], complete: true, problems: [] };
  // The root itself must be readable: an unmounted share must not read as "every file deleted".
  await fs.readdir(root);
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      scan.complete = false;
      scan.problems.push(`cannot read directory ${prefix || '.'}: ${(error as Error).message}`);
      return;
    }
    for (const entry of entries) {
      if (isTransientName(entry.name)) continue;
      const ref = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), ref);
      else if ((entry.isFile() || entry.isSymbolicLink()) && isCandidate(ref)) scan.refs.push(ref);
    }
  };
  await walk(root, '');
  scan.refs.sort();
  return scan;
}

export type FileInspection =
  /** Not there, not a regular file, or a symlink leading outside the root: not part of the source. */
  | { kind: 'absent' }
  /** There, but not indexable right now; an existing document for it stays as it is. */
  | { kind: 'skipped'; reason: string }
  | { kind: 'file'; sha256: string; bytes: Buffer; fingerprint: string };

/**
 * Reads one file for indexing. `knownFingerprint` lets a rescan trust an earlier hash when size,
 * mtime, ctime and inode all match, so periodic rescans of a large folder do not reread it all.
 */
export async function inspectFile(
  root: string,
  ref: string,
  maxFileBytes: number,
  known?: { fingerprint: string; sha256: string },
): Promise<FileInspection | { kind: 'unchanged'; sha256: string; fingerprint: string }> {
  const linkPath = absoluteOf(root, ref);
  let real: string;
  let before: Stats;
  try {
    real = await fs.realpath(linkPath);
    if (!isInside(root, real)) return { kind: 'absent' };
    before = await fs.stat(real);
  } catch (error) {
    if (isGoneError(error)) return { kind: 'absent' };
    throw error;
  }
  if (!before.isFile()) return { kind: 'absent' };
  if (before.size > maxFileBytes) {
    return { kind: 'skipped', reason: `${before.size} bytes is over the ${maxFileBytes}-byte limit` };
  }
  if (before.size === 0) return { kind: 'skipped', reason: 'empty file' };
  const fingerprint = fingerprintOf(before);
  if (known && known.fingerprint === fingerprint) return { kind: 'unchanged', sha256: known.sha256, fingerprint };

  let bytes: Buffer;
  let after: Stats;
  try {
    bytes = await fs.readFile(real);
    after = await fs.stat(real);
  } catch (error) {
    if (isGoneError(error)) return { kind: 'absent' };
    throw error;
  }
  // A writer still at work: the watcher will see its last write and come back.
  if (fingerprintOf(after) !== fingerprint || bytes.length !== before.size) {
    return { kind: 'skipped', reason: 'file is still being written' };
  }
  return { kind: 'file', sha256: sha256Hex(bytes), bytes, fingerprint };
}

function fingerprintOf(s: Stats): string {
  return `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
}

function isGoneError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}
