import type { SourceEntry } from './source-sink';

export interface DiskState {
  /** Indexable files: ref -> sha256. */
  files: Map<string, string>;
  /** Files that exist but were skipped (too large, mid-write): their documents must stay. */
  present: Set<string>;
  /** False when part of the tree could not be read; then nothing is removed or renamed away. */
  complete: boolean;
}

export interface ReconcilePlan {
  renames: { from: string; to: string }[];
  upserts: string[];
  removes: string[];
  unchanged: string[];
}

/**
 * Compares the disk with what the sink holds. A move is recognised by content: a new ref whose
 * sha256 equals that of a ref that vanished. Pairing is one-to-one and in sorted order so that
 * the same disk state always gives the same plan, whichever order the sink lists entries in.
 */
export function planReconcile(disk: DiskState, held: SourceEntry[], canRename: boolean): ReconcilePlan {
  const heldByRef = new Map(held.map((e) => [e.ref, e.sha256]));
  const plan: ReconcilePlan = { renames: [], upserts: [], removes: [], unchanged: [] };

  const added: string[] = [];
  for (const [ref, sha] of [...disk.files].sort(byKey)) {
    const heldSha = heldByRef.get(ref);
    if (heldSha === undefined) added.push(ref);
    else if (heldSha === sha) plan.unchanged.push(ref);
    else plan.upserts.push(ref);
  }

  const gone = disk.complete
    ? [...heldByRef.keys()].filter((ref) => !disk.files.has(ref) && !disk.present.has(ref)).sort()
    : [];

  const goneBySha = new Map<string, string[]>();
  if (canRename) {
    for (const ref of gone) {
      const sha = heldByRef.get(ref)!;
      goneBySha.set(sha, [...(goneBySha.get(sha) ?? []), ref]);
    }
  }
  const renamedAway = new Set<string>();
  for (const ref of added) {
    const from = goneBySha.get(disk.files.get(ref)!)?.shift();
    if (from === undefined) {
      plan.upserts.push(ref);
    } else {
      plan.renames.push({ from, to: ref });
      renamedAway.add(from);
    }
  }
  plan.removes = gone.filter((ref) => !renamedAway.has(ref));
  plan.upserts.sort();
  return plan;
}

function byKey(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
