// Databases for benchmarks: a fresh database on the native Postgres, or embedded PGlite in a
// temporary directory — both migrated, both behind the same Database class Fennel uses.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database } from '../src/database/database';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { migrate } from '../src/database/migrator';

export const ADMIN_URL = process.env.FENNEL_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDb {
  kind: 'native' | 'embedded';
  url: string;
  db: Database;
  close(): Promise<void>;
}

export async function nativeDb(): Promise<BenchDb> {
  const name = `fennel_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const db = new Database({ connectionString: u.toString(), maxConnections: 4, namedStatements: true });
  await migrate(db);
  return {
    kind: 'native',
    url: u.toString(),
    db,
    async close() {
      await db.close();
      const a = new Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function embeddedDb(): Promise<BenchDb> {
  const dir = await mkdtemp(join(tmpdir(), 'fennel-bench-'));
  const pg = await startEmbeddedPostgres(dir, 0);
  const db = new Database({ connectionString: pg.url, maxConnections: 1 });
  await migrate(db);
  return {
    kind: 'embedded',
    url: pg.url,
    db,
    async close() {
      await db.close();
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
