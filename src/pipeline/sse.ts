// Server-Sent Events on an Express response: headers sent once, each event flushed at once.
import type { Response } from 'express';

export interface EventStream {
  /** A named event (`event:` line) with a JSON body; without a name, a plain `data:` line. */
  send(event: string | null, data: unknown): void;
  /** A raw data line, as OpenAI's `data: [DONE]`. */
  raw(data: string): void;
  end(): void;
}

export function openEventStream(res: Response): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // Reverse proxies (nginx) buffer responses unless told not to, which would hold every token.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const write = (chunk: string) => {
    if (!res.writableEnded) res.write(chunk);
  };
  return {
    send: (event, data) => write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`),
    raw: (data) => write(`data: ${data}\n\n`),
    end: () => {
      if (!res.writableEnded) res.end();
    },
  };
}
