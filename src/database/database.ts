// The pg pool: the only place SQL reaches Postgres (native or embedded PGlite).
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

export const SESSION_OPTIONS: [string, string][] = [
  ['hnsw.iterative_scan', 'relaxed_order'],
  ['hnsw.ef_search', '100'],
  // Named statements keep their parse, not their plan. After five runs Postgres may switch a
  // prepared statement to a generic plan when its estimate looks no worse; for BM25 the generic
  // plan misjudges the postings join and loops over every chunk: measured on the huixiangdou_zh
  // KB (9,225 chunks), the same query went from 20–30 ms (custom) to 1.8 s (generic). Custom
  // planning costs about 1 ms.
  ['plan_cache_mode', 'force_custom_plan'],
];

export interface Executor {
  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  prepared<T extends QueryResultRow = QueryResultRow>(
    name: string,
    sql: string,
    params: unknown[],
  ): Promise<QueryResult<T>>;
}

export interface DatabaseOptions {
  connectionString: string;
  /** Embedded PGlite is one session for every client: keep a single connection. */
  maxConnections: number;
  /**
   * Whether hot queries may be prepared once per connection under a name. Off for PGlite:
   * its one shared session outlives pooled clients, so a new client's PREPARE would collide.
   */
  namedStatements?: boolean;
}

export class Database {
  readonly pool: Pool;

  constructor(readonly options: DatabaseOptions) {
    this.pool = this.newPool();
  }

  private newPool(): Pool {
    const pool = new Pool({
      connectionString: this.options.connectionString,
      max: this.options.maxConnections,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      // Filtered HNSW scans (one KB among many) keep looking until they find enough rows;
      // a wider search list than the default 40 keeps recall high for topK up to 100.
      options: SESSION_OPTIONS.map(([k, v]) => `-c ${k}=${v}`).join(' '),
    });
    // An idle client dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    return pool;
  }

  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]) {
    return this.pool.query<T>(sql, params);
  }

  /**
   * A hot query prepared once per connection: Postgres keeps its parse and analysis; plans stay
   * per call (see plan_cache_mode in SESSION_OPTIONS).
   * Falls back to a plain query where named statements are off.
   */
  prepared<T extends QueryResultRow = QueryResultRow>(name: string, sql: string, params: unknown[]) {
    return this.executor(this.pool).prepared<T>(name, sql, params);
  }

  /** The same query/prepared pair bound to one connection (the pool, or a client in a tx). */
  executor(on: Pool | PoolClient): Executor {
    const named = this.options.namedStatements;
    return {
      query: <T extends QueryResultRow>(sql: string, params?: unknown[]) => on.query<T>(sql, params),
      prepared: <T extends QueryResultRow>(name: string, sql: string, params: unknown[]) =>
        named ? on.query<T>({ name, text: sql, values: params }) : on.query<T>(sql, params),
    };
  }

  /**
   * Runs several reads against ONE snapshot (a read-only REPEATABLE READ transaction), so they
   * agree with each other: hybrid search's lexical and vector queries must both see the old
   * version of a document or both the new one, never one each.
   */
  snapshot<T>(fn: (db: Executor) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const result = await fn(this.executor(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Like snapshot(), with a second connection in the same snapshot (pg_export_snapshot), so two
   * reads run at once and still agree. The second connection comes from a pool of its own: a
   * search holding a main connection never waits for another main one, so concurrent searches
   * cannot starve each other into a deadlock. With a single connection (embedded PGlite is one
   * session) both reads share it, in turn.
   */
  snapshotPair<T>(fn: (a: Executor, b: Executor) => Promise<T>): Promise<T> {
    if (this.options.maxConnections < 2) return this.snapshot((on) => fn(on, on));
    return this.withClient(async (main) => {
      const begun = (await main.query(
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot() AS id',
      )) as unknown as QueryResult<{ id: string }>[];
      const id = begun[1]!.rows[0]!.id;
      const side = await this.sidePool().connect();
      try {
        if (!/^[0-9A-F-]+$/i.test(id)) throw new Error(`unexpected snapshot id ${id}`);
        await side.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${id}'`);
        const result = await fn(this.executor(main), this.executor(side));
        await Promise.all([side.query('COMMIT'), main.query('COMMIT')]);
        return result;
      } catch (err) {
        await Promise.all([side.query('ROLLBACK'), main.query('ROLLBACK')]).catch(() => undefined);
        throw err;
      } finally {
        side.release();
      }
    });
  }

  private side: Pool | undefined;
  private sidePool(): Pool {
    this.side ??= this.newPool();
    return this.side;
  }

  async withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  /** Runs fn in one transaction; rolls back on any error and rethrows it. */
  tx<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.side?.end()]);
  }
}
