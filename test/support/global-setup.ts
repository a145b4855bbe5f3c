// Fails fast, with the fix, when the services integration tests need are missing.
import IORedis from 'ioredis';
import { Client } from 'pg';
import { PG_ADMIN_URL, REDIS_URL } from './services';

export default async function setup(): Promise<void> {
  const pg = new Client({ connectionString: PG_ADMIN_URL });
  try {
    await pg.connect();
  } catch (err) {
    throw new Error(`Integration tests need Postgres at ${PG_ADMIN_URL}: ${(err as Error).message}`);
  }
  const { rows } = await pg.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  await pg.end();
  if (!rows.length) throw new Error('Postgres lacks pgvector: run scripts/ensure-pgvector.sh (npm test does).');
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Integration tests need Redis at ${REDIS_URL}: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
