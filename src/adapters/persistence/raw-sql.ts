import { BaseSqlitePlatform } from '@mikro-orm/knex';
import type { SqlOrm } from './orm.js';

export type SqlValue = string | number | null;

/** What a write statement did. */
export interface SqlWrite {
  readonly affectedRows: number;
}

/** Statements on one connection: the pool's, or a transaction's. */
export interface SqlSession {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlWrite>;
}

/**
 * Plain SQL on the ORM's own connection pool, for the few statements on the payment hot paths (prepay, notify):
 * MikroORM keeps the schema, the migrations and everything else, but its query building, hydration and identity
 * maps cost more than the statements themselves there. Same connections, same pool limits and session settings;
 * errors are the driver's own (see `violatedUniques`).
 */
export interface RawSql extends SqlSession {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
}

interface Driver {
  readonly begin: string;
  all(conn: unknown, sql: string, params: readonly SqlValue[]): Promise<unknown[]>;
  run(conn: unknown, sql: string, params: readonly SqlValue[]): Promise<SqlWrite>;
}

interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<unknown>;
}

const clients = new WeakMap<SqlOrm, RawSql>();

/** The raw-SQL view of an open ORM (one per ORM). */
export function rawSql(orm: SqlOrm): RawSql {
  let client = clients.get(orm);
  if (!client) {
    const knex = orm.em.getConnection().getKnex() as unknown as { client: KnexClient };
    client = new PooledRawSql(knex.client, orm.em.getPlatform() instanceof BaseSqlitePlatform ? sqlite : mysql);
    clients.set(orm, client);
  }
  return client;
}

class PooledRawSql implements RawSql {
  constructor(
    private readonly pool: KnexClient,
    private readonly driver: Driver,
  ) {}

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.on((conn) => this.driver.all(conn, sql, params) as Promise<T[]>);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<SqlWrite> {
    return this.on((conn) => this.driver.run(conn, sql, params));
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.on(async (conn) => {
      const driver = this.driver;
      const tx: SqlSession = {
        all: <R>(sql: string, params: readonly SqlValue[] = []) => driver.all(conn, sql, params) as Promise<R[]>,
        run: (sql, params = []) => driver.run(conn, sql, params),
      };
      await driver.run(conn, driver.begin, []);
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        // A connection that broke mid-transaction is rolled back by the server; its error is the one worth reporting.
        await driver.run(conn, 'ROLLBACK', []).catch(() => undefined);
        throw error;
      }
      await driver.run(conn, 'COMMIT', []);
      return result;
    });
  }

  private async on<T>(use: (conn: unknown) => Promise<T>): Promise<T> {
    const conn = await this.pool.acquireConnection();
    try {
      return await use(conn);
    } finally {
      await this.pool.releaseConnection(conn);
    }
  }
}

interface MysqlConnection {
  query(sql: string, values: readonly SqlValue[], callback: (error: Error | null, result: unknown) => void): void;
}

const mysql: Driver = {
  begin: 'START TRANSACTION',
  all: (conn, sql, params) => mysqlQuery(conn as MysqlConnection, sql, params) as Promise<unknown[]>,
  run: async (conn, sql, params) => {
    const header = (await mysqlQuery(conn as MysqlConnection, sql, params)) as { affectedRows?: number } | undefined;
    return { affectedRows: Number(header?.affectedRows ?? 0) };
  },
};

const mysqlQuery = (conn: MysqlConnection, sql: string, params: readonly SqlValue[]): Promise<unknown> =>
  new Promise((resolve, reject) => conn.query(sql, params, (error, result) => (error ? reject(error) : resolve(result))));

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

/** better-sqlite3 compiles a statement once; these few are reused for the connection's life. */
const statements = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

function prepared(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    // Only fixed statements come here, but a caller building SQL from data must not grow this without bound.
    if (cache.size < 500) cache.set(sql, statement);
  }
  return statement;
}

const sqlite: Driver = {
  begin: 'BEGIN',
  all: async (conn, sql, params) => prepared(conn as SqliteDatabase, sql).all(...params),
  run: async (conn, sql, params) => {
    const statement = prepared(conn as SqliteDatabase, sql);
    if (statement.reader) {
      statement.all(...params);
      return { affectedRows: 0 };
    }
    return { affectedRows: statement.run(...params).changes };
  },
};
