// Forward-only SQL migrations from migrations/, applied under a Postgres advisory lock.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/paths';
import type { Database } from './database';

// Arbitrary but fixed: every Fennel process contends for the same lock.
const MIGRATION_LOCK_KEY = 7_240_517_311;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (name) => {
      const sql = await readFile(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

async function assertVectorAvailable(db: Database): Promise<void> {
  const { rows } = await db.query<{ name: string }>(`SELECT name FROM pg_available_extensions WHERE name = 'vector'`);
  if (rows.length === 0) {
    throw new MigrationError(
      'The Postgres server has no "vector" extension (pgvector). Install pgvector on the server ' +
        '(docker-compose.yml uses the pgvector/pgvector image; scripts/ensure-pgvector.sh builds it ' +
        'for a local Debian Postgres), or unset DATABASE_URL to use the embedded database.',
    );
  }
}

/** Applies pending migrations; returns the names applied. Safe to call from many processes. */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  await assertVectorAvailable(db);
  return db.withClient(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ name: string; checksum: string }>(
        'SELECT name, checksum FROM schema_migrations',
      );
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      for (const [name, checksum] of applied) {
        const file = all.find((m) => m.name === name);
        if (file && file.checksum !== checksum) {
          throw new MigrationError(`Migration ${name} was edited after it was applied; add a new migration instead.`);
        }
      }
      const done: string[] = [];
      for (const m of all) {
        if (applied.has(m.name)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new MigrationError(`Migration ${m.name} failed: ${(err as Error).message}`);
        }
        done.push(m.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

/** Names of migrations on disk that the database has not applied. */
export async function pendingMigrations(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  const { rows } = await db.query<{ exists: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`);
  if (!rows[0]?.exists) return all.map((m) => m.name);
  const applied = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
  const names = new Set(applied.rows.map((r) => r.name));
  return all.filter((m) => !names.has(m.name)).map((m) => m.name);
}
