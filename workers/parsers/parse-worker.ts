// Runs inside a worker thread: parses one document per message with the parser registry.
// Keeping parsing here means a pathological file can only exhaust this thread's heap or time.
import { parentPort } from 'node:worker_threads';
import { ParseError } from './parsed-document';
import { ParserRegistry } from './parser-registry';

export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  filename: string;
  password?: string;
}

export type ParseReply =
  | { id: number; ok: true; doc: Awaited<ReturnType<ParserRegistry['parse']>> }
  | { id: number; ok: false; code: string | null; message: string };

const registry = new ParserRegistry();
// Loading the parsers takes a while; the sandbox starts the clock only after this.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (req: ParseRequest) => {
  registry
    .parse({
      bytes: Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength),
      filename: req.filename,
      password: req.password,
    })
    .then(
      (doc) => parentPort!.postMessage({ id: req.id, ok: true, doc } satisfies ParseReply),
      (err: unknown) =>
        parentPort!.postMessage({
          id: req.id,
          ok: false,
          code: err instanceof ParseError ? err.code : null,
          message: err instanceof Error ? err.message : String(err),
        } satisfies ParseReply),
    );
});
