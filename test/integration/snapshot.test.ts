// Database.snapshotPair: two connections reading one snapshot at the same time, so hybrid
// search's lexical and vector queries agree while documents change under them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database';
import { migratedTestDatabase } from '../support/services';

let db: Database;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await migratedTestDatabase('snapshot'));
  await db.query('CREATE TABLE t (x int)');
  await db.query('INSERT INTO t VALUES (1)');
});
afterAll(() => close?.());

const count = async (on: { query: Database['query'] }) =>
  (await on.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n;

describe('Database.snapshotPair', () => {
  it('gives two different connections the same snapshot, blind to commits made after it began', async () => {
    const seen = await db.snapshotPair(async (a, b) => {
      const pids = await Promise.all(
        [a, b].map(async (on) => (await on.query('SELECT pg_backend_pid() AS p')).rows[0]!.p),
      );
      const before = await count(a);
      await db.query('INSERT INTO t VALUES (2)'); // committed by a third connection
      return { pids, before, a: await count(a), b: await count(b) };
    });
    expect(seen.pids[0]).not.toBe(seen.pids[1]);
    expect(seen).toMatchObject({ before: 1, a: 1, b: 1 });
    expect(await count(db)).toBe(2);
  });

  it('runs both reads at once', async () => {
    const SLEEP = 'SELECT pg_sleep(0.5) /* pair */';
    const [, seen] = await db.snapshotPair((a, b) =>
      Promise.all([
        b.query(SLEEP),
        // On one connection this would wait for the sleep to end, and find nothing running.
        new Promise((r) => setTimeout(r, 100)).then(() =>
          a.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query = $1`,
            [SLEEP],
          ),
        ),
      ]),
    );
    expect(seen.rows[0]!.n).toBe(1);
  });

  it('rolls both back and rethrows when a read fails, leaving the connections usable', async () => {
    await expect(
      db.snapshotPair((a, b) => Promise.all([a.query('SELECT 1'), b.query('SELECT no_such_column FROM t')])),
    ).rejects.toThrow(/no_such_column/);
    expect(await db.snapshotPair(async (a, b) => [await count(a), await count(b)])).toEqual([2, 2]);
  });
});
