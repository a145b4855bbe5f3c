// Real services for integration tests: the machine's native Postgres (with pgvector built by
// scripts/ensure-pgvector.sh) and Redis. Each suite gets its own database and queue prefix.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Database } from '../../src/database/database';
import { migrate } from '../../src/database/migrator';

export const PG_ADMIN_URL = process.env.FENNEL_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function dbUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh, empty database with the vector extension; returns its URL and a dropper. */
export async function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fennel_test_${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = dbUrl(name);
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE EXTENSION IF NOT EXISTS vector');
  await c.end();
  return {
    url,
    drop: () => admin((a) => a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh database with every migration applied, behind Fennel's Database; close() drops it. */
export async function migratedTestDatabase(label: string): Promise<{ db: Database; close: () => Promise<void> }> {
  const t = await createTestDatabase(label);
  const db = new Database({ connectionString: t.url, maxConnections: 2 });
  await migrate(db);
  return {
    db,
    close: async () => {
      await db.close();
      await t.drop();
    },
  };
}

export const uniquePrefix = (label: string) => `fennel-test-${label}-${randomBytes(4).toString('hex')}`;
