// Live folder watching. Each folder source is watched by exactly one worker process: the one
// holding its Redis lease. Leases are renewed while the process lives; a crashed holder's lease
// expires and another process takes the folder over (its start() rescans, so nothing is lost).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FolderSource } from '../../connectors/sources/folder.source';
import type { DocumentsService } from '../../src/knowledge/documents.service';
import type { FolderSourceConfig, Source, SourcesRepository } from '../../src/knowledge/sources.repository';
import { EXTENSIONS, extensionOf } from '../parsers/detect-format';
import { DocumentsSink } from './documents.sink';

const LEASE_MS = 45_000;
const TICK_MS = 10_000;

// Renew only a lease we still hold.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

// Globs: `*` within one path segment, `**` followed by a slash across segments, `?` one character.
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function folderFilter(config: FolderSourceConfig): (ref: string) => boolean {
  const patterns = (config.include ?? []).map(globToRegExp);
  return (ref) => extensionOf(ref) in EXTENSIONS && (patterns.length === 0 || patterns.some((p) => p.test(ref)));
}

export class FolderWatchers {
  private readonly instance = randomUUID();
  private readonly watching = new Map<string, FolderSource>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly sources: SourcesRepository,
    private readonly docs: DocumentsService,
    private readonly maxFileBytes: number,
    private readonly log: Logger,
  ) {}

  private key(id: string) {
    return `${this.prefix}:source-lease:${id}`;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), TICK_MS);
    this.timer.unref();
  }

  /** Checks leases now (also called after a folder source is synced, so a new one is watched at once). */
  refresh(): Promise<void> {
    this.ticking = this.ticking
      .then(() => this.tick())
      .catch((err: Error) => this.log.warn({ err: err.message }, 'folder watchers: tick failed'));
    return this.ticking;
  }

  /** Waits for the current round of lease checks (tests use it to avoid sleeping). */
  settled(): Promise<void> {
    return this.ticking;
  }

  private async tick(): Promise<void> {
    const folders = await this.sources.all('folder');
    const ids = new Set(folders.map((s) => s.id));
    for (const [id, watcher] of this.watching) {
      const renewed = ids.has(id) && (await this.redis.eval(RENEW, 1, this.key(id), this.instance, LEASE_MS)) === 1;
      if (!renewed) await this.drop(id, watcher);
    }
    for (const source of folders) {
      if (this.watching.has(source.id)) continue;
      const got = await this.redis.set(this.key(source.id), this.instance, 'PX', LEASE_MS, 'NX');
      if (got === 'OK') await this.watch(source);
    }
  }

  private async watch(source: Source): Promise<void> {
    const config = source.config as FolderSourceConfig;
    const folder = new FolderSource({
      root: config.path,
      sink: new DocumentsSink(this.docs, source),
      maxFileBytes: this.maxFileBytes,
      include: folderFilter(config),
      logger: {
        info: (m) => this.log.info({ sourceId: source.id, kbId: source.kbId }, m),
        warn: (m) => this.log.warn({ sourceId: source.id, kbId: source.kbId }, m),
      },
      onError: (ref, err) =>
        this.log.warn({ sourceId: source.id, ref, err: err.message }, 'folder source: file failed'),
    });
    this.watching.set(source.id, folder);
    try {
      const report = await folder.start();
      await this.sources.recordSync(source.id, { ...report, trigger: 'watch-start' }, null);
      this.log.info({ sourceId: source.id, report }, 'folder source: watching');
    } catch (err) {
      this.watching.delete(source.id);
      await this.redis.eval(RELEASE, 1, this.key(source.id), this.instance);
      await this.sources.recordSync(source.id, {}, `Cannot watch ${config.path}: ${(err as Error).message}`);
    }
  }

  private async drop(id: string, watcher: FolderSource): Promise<void> {
    this.watching.delete(id);
    await watcher.stop();
    await this.redis.eval(RELEASE, 1, this.key(id), this.instance);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const [id, w] of [...this.watching]) await this.drop(id, w);
  }
}
