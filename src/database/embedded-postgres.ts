// Embedded default: PGlite (Postgres compiled to WASM, with the real pgvector) served on a
// local port so the same `pg` driver and SQL run against it. PGlite is ONE session for all
// clients, so callers must use a single pooled connection and never rely on it for locking.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SESSION_OPTIONS } from './database';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir, extensions: { vector } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  // The socket server ignores startup options, and every client shares this one session.
  for (const [k, v] of SESSION_OPTIONS) await db.exec(`SET ${k} = '${v}'`);
  // maxConnections only bounds sockets; every socket still shares the one session.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 8 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Embedded Postgres cannot listen on 127.0.0.1:${port} (in use — is another Fennel running ` +
          `on ${dir}?). Set FENNEL_EMBEDDED_PG_PORT to a free port.`,
      );
    }
    throw err;
  }
  const actualPort = port === 0 ? Number(server.getServerConn().split(':').pop()) : port;
  return {
    url: `postgres://postgres@127.0.0.1:${actualPort}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
