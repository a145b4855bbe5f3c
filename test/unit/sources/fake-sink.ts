import { createHash } from 'node:crypto';
import type { SourceEntry, SourceSink } from '../../../connectors/sources/source-sink';

export type SinkCall =
  | { op: 'upsert'; ref: string; filename: string; sha256: string }
  | { op: 'remove'; ref: string }
  | { op: 'rename'; ref: string; to: string };

/** An in-memory knowledge base that records every call, as Fennel's sink would see them. */
export class FakeSink implements SourceSink {
  readonly docs = new Map<string, { sha256: string; bytes: Buffer; filename: string }>();
  readonly calls: SinkCall[] = [];
  /** Refs whose upsert throws, to check one bad file does not stop the rest. */
  readonly failUpsertFor = new Set<string>();
  rename?: (fromRef: string, toRef: string) => Promise<void>;

  constructor(options: { rename?: boolean } = {}) {
    if (options.rename ?? true) {
      this.rename = async (fromRef, toRef) => {
        const doc = this.docs.get(fromRef);
        if (!doc) throw new Error(`rename of unknown ref ${fromRef}`);
        this.calls.push({ op: 'rename', ref: fromRef, to: toRef });
        this.docs.delete(fromRef);
        this.docs.set(toRef, doc);
      };
    }
  }

  async list(): Promise<SourceEntry[]> {
    return [...this.docs].map(([ref, d]) => ({ ref, sha256: d.sha256 }));
  }

  async upsert(ref: string, filename: string, bytes: Buffer): Promise<void> {
    if (this.failUpsertFor.has(ref)) throw new Error(`sink refused ${ref}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.calls.push({ op: 'upsert', ref, filename, sha256 });
    this.docs.set(ref, { sha256, bytes: Buffer.from(bytes), filename });
  }

  async remove(ref: string): Promise<void> {
    this.calls.push({ op: 'remove', ref });
    this.docs.delete(ref);
  }

  text(ref: string): string | undefined {
    return this.docs.get(ref)?.bytes.toString('utf8');
  }

  refs(): string[] {
    return [...this.docs.keys()].sort();
  }

  callsFor(ref: string, op?: SinkCall['op']): SinkCall[] {
    return this.calls.filter((c) => (c.ref === ref || (c.op === 'rename' && c.to === ref)) && (!op || c.op === op));
  }
}

/** Polls until `check` holds; fails with `what` at the deadline instead of sleeping a fixed time. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
