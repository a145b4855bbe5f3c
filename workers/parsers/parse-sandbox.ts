// Parses documents in worker threads with a time limit and a heap cap, so a pathological file
// fails alone (ParseError 'timeout' / 'out_of_memory') and never takes the worker process down.
// Threads are reused for many parses and replaced after a failure or every `recycleAfter` jobs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../../src/config/paths';
import { ParseError, type ParsedDocument, type ParserInput, type DocumentFormat } from './parsed-document';
import type { ParseReply, ParseRequest } from './parse-worker';

export interface SandboxLimits {
  timeoutMs: number;
  maxHeapMb: number;
  threads: number;
  recycleAfter: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 120_000,
  maxHeapMb: 1024,
  threads: 2,
  recycleAfter: 50,
};

// The thread always runs the compiled script, also under the test runner (npm test builds first).
const SCRIPT = join(PROJECT_ROOT, 'dist', 'workers', 'parsers', 'parse-worker.js');

interface Slot {
  worker: Worker;
  /** Resolves once the thread has loaded its parsers; a parse's time limit starts after. */
  ready: Promise<void>;
  jobs: number;
  busy: boolean;
}

const STARTUP_TIMEOUT_MS = 60_000;

function asOutOfMemory(err: Error & { code?: string }, maxHeapMb: number): Error {
  return err.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? new ParseError('out_of_memory', `Parsing needed more than ${maxHeapMb} MB of memory and was stopped.`)
    : err;
}

export class ParseSandbox {
  private readonly slots: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS) {
    if (!existsSync(SCRIPT)) throw new Error(`Parser thread script missing: ${SCRIPT}. Run \`npm run build\`.`);
  }

  private spawn(): Slot {
    const worker = new Worker(SCRIPT, {
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxHeapMb, maxYoungGenerationSizeMb: 64 },
    });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('parser thread did not start within 60 s')), STARTUP_TIMEOUT_MS);
      const done = (err?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const onMessage = (m: { ready?: boolean }) => m.ready && done();
      worker.on('message', onMessage);
      worker.once('error', done);
    });
    ready.catch(() => undefined);
    return { worker, ready, jobs: 0, busy: false };
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.slots.length < this.limits.threads) {
      const slot = this.spawn();
      slot.busy = true;
      this.slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot, healthy: boolean): void {
    if (!healthy || slot.jobs >= this.limits.recycleAfter) {
      void slot.worker.terminate();
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (this.closed) return;
      slot = this.spawn();
      this.slots.push(slot);
    }
    const next = this.waiting.shift();
    if (next) {
      slot.busy = true;
      next(slot);
    } else slot.busy = false;
  }

  async parse(input: ParserInput): Promise<ParsedDocument & { format: DocumentFormat }> {
    if (this.closed) throw new Error('parse sandbox is closed');
    const slot = await this.acquire();
    slot.jobs++;
    const id = this.nextId++;
    let healthy = true;
    try {
      try {
        await slot.ready;
      } catch (err) {
        healthy = false;
        throw asOutOfMemory(err as Error & { code?: string }, this.limits.maxHeapMb);
      }
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          healthy = false;
          reject(
            new ParseError(
              'timeout',
              `Parsing took longer than ${Math.round(this.limits.timeoutMs / 1000)} s and was stopped.`,
            ),
          );
        }, this.limits.timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          slot.worker.off('message', onMessage);
          slot.worker.off('error', onError);
          slot.worker.off('exit', onExit);
        };
        const onMessage = (reply: ParseReply) => {
          if (reply.id !== id) return;
          cleanup();
          if (reply.ok) resolve(reply.doc);
          else if (reply.code) reject(new ParseError(reply.code as ParseError['code'], reply.message));
          else reject(new Error(reply.message));
        };
        const onError = (err: Error & { code?: string }) => {
          cleanup();
          healthy = false;
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new ParseError(
                  'out_of_memory',
                  `Parsing needed more than ${this.limits.maxHeapMb} MB of memory and was stopped.`,
                )
              : err,
          );
        };
        const onExit = (code: number) => {
          cleanup();
          healthy = false;
          reject(new Error(`parser thread exited with code ${code}`));
        };
        slot.worker.on('message', onMessage);
        slot.worker.once('error', onError);
        slot.worker.once('exit', onExit);
        const bytes = new Uint8Array(input.bytes);
        slot.worker.postMessage(
          { id, bytes, filename: input.filename, password: input.password } satisfies ParseRequest,
          [bytes.buffer],
        );
      });
    } finally {
      this.release(slot, healthy);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}
