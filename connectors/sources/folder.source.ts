import { promises as fs } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { inspectFile, scanFolder } from './folder-files';
import { hasTransientSegment, refOf } from './folder-paths';
import { planReconcile, type DiskState } from './folder-reconcile';
import { errorMessage, type SourceLogger, type SourceSink } from './source-sink';

export interface FolderSourceOptions {
  root: string;
  sink: SourceSink;
  /** Larger files are skipped (reported through `onSkip`); an existing document for them is kept. */
  maxFileBytes: number;
  /** Quiet time per path before its change is sent to the sink. */
  debounceMs?: number;
  /** How long a file's size must stay unchanged before it counts as written (chokidar awaitWriteFinish). */
  stabilityMs?: number;
  /** Extra filter on POSIX refs of files (directories are always walked). */
  include?: (relPath: string) => boolean;
  /** Network shares and some container mounts deliver no inotify events; polling sees them. */
  usePolling?: boolean;
  logger?: SourceLogger;
  onSkip?: (ref: string, reason: string) => void;
  onError?: (ref: string | null, error: Error) => void;
}

export interface RescanReport {
  upserted: number;
  renamed: number;
  removed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Why removals were held back, e.g. an unreadable subdirectory. */
  problems: string[];
}

const SILENT: SourceLogger = { info: () => undefined, warn: () => undefined };

/**
 * Keeps a knowledge base in step with a directory tree. All state that matters lives in the sink
 * and on disk, so a fresh instance after a restart reconciles by path and sha256 in `start()`.
 * Every sink call goes through one queue: a rescan and watcher events never interleave.
 */
export class FolderSource {
  private readonly debounceMs: number;
  private readonly stabilityMs: number;
  private readonly pollMs: number;
  private readonly log: SourceLogger;
  private realRoot: string | null = null;
  private watcher: FSWatcher | null = null;
  private running = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** ref -> sha256 the sink holds, as of the last rescan plus what we sent since. */
  private readonly known = new Map<string, string>();
  /** Lets rescans skip rereading files whose stat is unchanged. */
  private readonly hashes = new Map<string, { fingerprint: string; sha256: string }>();
  private readonly debounceTimers = new Map<string, NodeJS.Timeout>();
  /** Vanished refs held back briefly: a move shows up as unlink first, add after the write settles. */
  private readonly pendingRemovals = new Map<string, { sha256: string; timer: NodeJS.Timeout }>();

  constructor(private readonly options: FolderSourceOptions) {
    if (!(options.maxFileBytes > 0)) throw new Error('FolderSource: maxFileBytes must be positive');
    this.debounceMs = options.debounceMs ?? 500;
    this.stabilityMs = options.stabilityMs ?? 1000;
    this.pollMs = Math.max(10, Math.min(100, this.stabilityMs));
    this.log = options.logger ?? SILENT;
  }

  /** Starts watching, then reconciles the sink with the disk; resolves with that first rescan's report. */
  async start(): Promise<RescanReport> {
    if (this.running) throw new Error('FolderSource already started');
    const root = await this.resolveRoot();
    this.running = true;
    // Watch before scanning, so nothing written during the scan is missed; the queue orders both.
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.options.usePolling ?? false,
      awaitWriteFinish: { stabilityThreshold: this.stabilityMs, pollInterval: this.pollMs },
      ignored: (p: string) => {
        const ref = refOf(root, p);
        return ref !== null && hasTransientSegment(ref);
      },
    });
    this.watcher = watcher;
    watcher.on('add', (p) => this.onPathEvent(p));
    watcher.on('change', (p) => this.onPathEvent(p));
    watcher.on('unlink', (p) => this.onPathEvent(p));
    watcher.on('unlinkDir', (p) => this.onDirRemoved(p));
    watcher.on('error', (e) => this.fail(null, e));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
    try {
      return await this.rescan();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Full reconciliation; safe to call at any time, also without `start()`. */
  rescan(): Promise<RescanReport> {
    return this.enqueue(() => this.reconcile());
  }

  async stop(): Promise<void> {
    this.running = false;
    // Dropped timers lose nothing: the next start() rescans and catches up.
    for (const timer of this.debounceTimers.values()) clearTimeout(timer);
    for (const { timer } of this.pendingRemovals.values()) clearTimeout(timer);
    this.debounceTimers.clear();
    this.pendingRemovals.clear();
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
    await this.queue;
  }

  private async resolveRoot(): Promise<string> {
    // Symlinked roots are common (/data -> /mnt/share); containment checks compare real paths.
    this.realRoot ??= await fs.realpath(path.resolve(this.options.root));
    return this.realRoot;
  }

  private isCandidate(ref: string): boolean {
    return !hasTransientSegment(ref) && (this.options.include?.(ref) ?? true);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async reconcile(): Promise<RescanReport> {
    const root = await this.resolveRoot();
    const report: RescanReport = {
      upserted: 0,
      renamed: 0,
      removed: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      problems: [],
    };
    const scan = await scanFolder(root, (ref) => this.isCandidate(ref));
    report.problems.push(...scan.problems);
    for (const problem of scan.problems) this.log.warn(`folder source ${root}: ${problem}; nothing removed this time`);

    const disk: DiskState = { files: new Map(), present: new Set(), complete: scan.complete };
    for (const ref of scan.refs) {
      try {
        const found = await inspectFile(root, ref, this.options.maxFileBytes, this.hashes.get(ref));
        if (found.kind === 'absent') {
          this.hashes.delete(ref);
        } else if (found.kind === 'skipped') {
          disk.present.add(ref);
          report.skipped++;
          this.skip(ref, found.reason);
        } else {
          disk.files.set(ref, found.sha256);
          this.hashes.set(ref, { fingerprint: found.fingerprint, sha256: found.sha256 });
        }
      } catch (error) {
        // Unreadable now is not deleted: keep whatever document exists.
        disk.present.add(ref);
        report.failed++;
        this.fail(ref, error);
      }
    }

    const held = await this.options.sink.list();
    this.known.clear();
    for (const entry of held) this.known.set(entry.ref, entry.sha256);
    const plan = planReconcile(disk, held, typeof this.options.sink.rename === 'function');
    report.unchanged = plan.unchanged.length;

    for (const { from, to } of plan.renames) {
      if (await this.attempt(to, () => this.renameRef(from, to, disk.files.get(to)!))) report.renamed++;
      else report.failed++;
    }
    for (const ref of plan.upserts) {
      const outcome = await this.attempt(ref, () => this.upsertFromDisk(root, ref));
      if (outcome === 'upserted') report.upserted++;
      else if (outcome === 'skipped') report.skipped++;
      else if (outcome === false) report.failed++;
    }
    for (const ref of plan.removes) {
      if (await this.attempt(ref, () => this.removeRef(ref))) report.removed++;
      else report.failed++;
    }
    return report;
  }

  private onPathEvent(absolutePath: string): void {
    const ref = this.realRoot && refOf(this.realRoot, absolutePath);
    if (ref && this.isCandidate(ref)) this.schedule(ref);
  }

  private onDirRemoved(absolutePath: string): void {
    const prefix = this.realRoot && refOf(this.realRoot, absolutePath);
    if (!prefix) return;
    for (const ref of this.known.keys()) if (ref.startsWith(`${prefix}/`)) this.schedule(ref);
  }

  /** A burst of events on one path collapses into one sync after `debounceMs` of quiet. */
  private schedule(ref: string): void {
    if (!this.running) return;
    clearTimeout(this.debounceTimers.get(ref));
    const timer = setTimeout(() => {
      this.debounceTimers.delete(ref);
      void this.enqueue(() => this.syncPath(ref));
    }, this.debounceMs);
    this.debounceTimers.set(ref, timer);
  }

  private async syncPath(ref: string): Promise<void> {
    if (!this.running || !this.realRoot) return;
    const root = this.realRoot;
    let found;
    try {
      found = await inspectFile(root, ref, this.options.maxFileBytes);
    } catch (error) {
      this.fail(ref, error);
      return;
    }
    if (found.kind === 'absent') {
      this.hashes.delete(ref);
      await this.stageRemoval(ref);
      return;
    }
    this.cancelRemoval(ref); // deleted and recreated under the same name: an update, not a removal
    if (found.kind === 'skipped') return this.skip(ref, found.reason);
    if (found.kind !== 'file') return;
    this.hashes.set(ref, { fingerprint: found.fingerprint, sha256: found.sha256 });
    if (this.known.get(ref) === found.sha256) return;

    const movedFrom = this.takeRemovalWithSha(found.sha256);
    await this.attempt(ref, async () => {
      if (movedFrom !== undefined) await this.renameRef(movedFrom, ref, found.sha256);
      else await this.upsertBytes(ref, found.bytes, found.sha256);
      return true;
    });
  }

  private async stageRemoval(ref: string): Promise<void> {
    const sha256 = this.known.get(ref);
    if (sha256 === undefined || this.pendingRemovals.has(ref)) return;
    if (typeof this.options.sink.rename !== 'function') {
      await this.removeIfRootReachable(ref);
      return;
    }
    // Longer than a new path takes to pass awaitWriteFinish and the debounce, so a move pairs up.
    const windowMs = this.stabilityMs + this.pollMs + 500;
    const timer = setTimeout(() => {
      void this.enqueue(async () => {
        if (!this.running || this.pendingRemovals.get(ref)?.timer !== timer) return;
        this.pendingRemovals.delete(ref);
        await this.removeIfRootReachable(ref);
      });
    }, windowMs);
    this.pendingRemovals.set(ref, { sha256, timer });
  }

  private cancelRemoval(ref: string): void {
    const pending = this.pendingRemovals.get(ref);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingRemovals.delete(ref);
  }

  private takeRemovalWithSha(sha256: string): string | undefined {
    for (const [ref, pending] of this.pendingRemovals) {
      if (pending.sha256 !== sha256) continue;
      this.cancelRemoval(ref);
      return ref;
    }
    return undefined;
  }

  private async removeIfRootReachable(ref: string): Promise<void> {
    try {
      await fs.readdir(this.realRoot!);
    } catch (error) {
      // An unmounted share fires an unlink for every file; that is not the user deleting them.
      this.log.warn(`folder source ${this.realRoot}: root unreadable (${errorMessage(error)}); not removing ${ref}`);
      return;
    }
    await this.attempt(ref, () => this.removeRef(ref));
  }

  private async upsertFromDisk(root: string, ref: string): Promise<'upserted' | 'skipped' | 'gone'> {
    const found = await inspectFile(root, ref, this.options.maxFileBytes);
    if (found.kind === 'absent') return 'gone'; // vanished since the scan; the watcher reports it
    if (found.kind === 'skipped') {
      this.skip(ref, found.reason);
      return 'skipped';
    }
    if (found.kind !== 'file') return 'gone';
    this.hashes.set(ref, { fingerprint: found.fingerprint, sha256: found.sha256 });
    await this.upsertBytes(ref, found.bytes, found.sha256);
    return 'upserted';
  }

  private async upsertBytes(ref: string, bytes: Buffer, sha256: string): Promise<void> {
    await this.options.sink.upsert(ref, path.posix.basename(ref), bytes);
    this.known.set(ref, sha256);
    this.log.info(`folder source ${this.realRoot}: upserted ${ref}`);
  }

  private async renameRef(from: string, to: string, sha256: string): Promise<true> {
    await this.options.sink.rename!(from, to);
    this.known.delete(from);
    this.known.set(to, sha256);
    this.log.info(`folder source ${this.realRoot}: renamed ${from} -> ${to}`);
    return true;
  }

  private async removeRef(ref: string): Promise<true> {
    await this.options.sink.remove(ref);
    this.known.delete(ref);
    this.log.info(`folder source ${this.realRoot}: removed ${ref}`);
    return true;
  }

  /** Runs one file's sink work; a failure is reported and the rest carries on. */
  private async attempt<T>(ref: string, work: () => Promise<T>): Promise<T | false> {
    try {
      return await work();
    } catch (error) {
      this.fail(ref, error);
      return false;
    }
  }

  private skip(ref: string, reason: string): void {
    this.log.info(`folder source ${this.realRoot}: skipped ${ref}: ${reason}`);
    this.options.onSkip?.(ref, reason);
  }

  private fail(ref: string | null, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.log.warn(`folder source ${this.realRoot}: ${ref ?? 'watcher'}: ${err.message}`);
    this.options.onError?.(ref, err);
  }
}
