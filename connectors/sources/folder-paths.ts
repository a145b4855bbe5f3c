import path from 'node:path';

// Names that editors, office suites, browsers and sync tools create next to real documents.
// Indexing them would add half-written or throwaway copies to the knowledge base.
const TRANSIENT_NAME_PATTERNS: RegExp[] = [
  /^\./, // dotfiles and dot-directories: .git, .DS_Store, .#lockfile (Emacs), .~lock.x# (LibreOffice)
  /^~\$/, // Microsoft Office owner files: ~$report.docx
  /^~.*\.tmp$/i, // Office autosave: ~WRL0001.tmp
  /~$/, // Emacs/gedit backups: notes.md~
  /^#.*#$/, // Emacs autosave: #notes.md#
  /\.(swp|swo|swx)$/i, // Vim swap files
  /^4913$/, // Vim probes directory writability with this name
  /\.(tmp|temp|bak|part|partial|crdownload|download|!ut)$/i, // temporaries and unfinished downloads
  /^(thumbs\.db|desktop\.ini)$/i, // Windows shell metadata
];

/** True for a single path segment (file or directory name) that is never a document. */
export function isTransientName(name: string): boolean {
  return TRANSIENT_NAME_PATTERNS.some((re) => re.test(name));
}

/** True when any segment of a POSIX ref is transient, so `.git/x` and `~$a/b` are both out. */
export function hasTransientSegment(ref: string): boolean {
  return ref.split('/').some(isTransientName);
}

/**
 * The ref of an absolute path under `root`: POSIX separators whatever the platform, so refs stay
 * stable if Fennel moves between Windows and Linux hosts. Null when the path is the root or outside it.
 */
export function refOf(root: string, absolutePath: string): string | null {
  const rel = path.relative(root, absolutePath);
  if (rel === '' || !isContained(rel)) return null;
  return rel.split(path.sep).join('/');
}

export function absoluteOf(root: string, ref: string): string {
  return path.join(root, ...ref.split('/'));
}

/** True when `candidate` is `root` itself or below it (both must already be real paths). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || isContained(rel);
}

function isContained(rel: string): boolean {
  return !path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`);
}
