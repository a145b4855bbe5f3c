import { createHash } from 'node:crypto';

/** One document the knowledge base holds from a live source. */
export interface SourceEntry {
  /** POSIX path relative to the watched root (folder source) or the absolute URL (URL source). */
  ref: string;
  /** Hex sha256 of the bytes of the document's newest version. */
  sha256: string;
}

/**
 * The only way a live source talks to Fennel. One sink serves one source of one knowledge base,
 * so `list()` returns exactly the refs this source created; the sources keep no state of their own
 * beyond what `list()` and the source itself (disk, URL state store) can tell them after a restart.
 */
export interface SourceSink {
  /** What the KB currently holds from this source (ref -> sha256 of its newest version). */
  list(): Promise<SourceEntry[]>;
  /** New or changed content: Fennel creates the document or a new version (same bytes = no-op). */
  upsert(ref: string, filename: string, bytes: Buffer): Promise<void>;
  /** The ref is gone at the source: Fennel deletes the document. */
  remove(ref: string): Promise<void>;
  /** Optional: the same bytes moved from one ref to another; keep the document, update its ref. */
  rename?(fromRef: string, toRef: string): Promise<void>;
}

/** Shaped so that pino, Nest's Logger and console all fit. */
export interface SourceLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Same digest Fennel stores for document versions, so it compares with `SourceEntry.sha256`. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
