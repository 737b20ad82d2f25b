import { BaseSqlitePlatform } from '@mikro-orm/knex';
import type { SqlOrm } from './orm.js';
import { sqlFailureOf, type SqlFailureKind } from './sql-failure.js';

/**
 * The one way this service runs SQL it writes by hand: statements with `?` parameters on the ORM's own connection
 * pool (same connections, pool limits and session settings as MikroORM's), the same text on MariaDB and SQLite.
 * Failures are the drivers' own errors; `sqlFailureOf` (sql-failure.ts) is the one reading of them.
 *
 * Why not MikroORM's `Connection.execute`: it formats every parameter into the SQL text, builds a knex query and logs
 * it, which on the payment hot paths (prepay, notify: a handful of short statements each) cost more than the
 * statements themselves; here a statement goes straight to the driver (mysql2's `query`, better-sqlite3's prepared
 * statements, compiled once per connection). What this takes from the ORM is public: `getConnection().getKnex()`,
 * the knex instance MikroORM documents, and its pool's `acquireConnection`/`releaseConnection`.
 *
 * The entity manager stays where the ORM is used for what it does (listings built from filters, the entity tables'
 * simple reads and inserts); an adapter that writes SQL uses this session and no other path.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;
export type SqlDialect = 'mysql' | 'sqlite';

/** What a write statement did. */
export interface SqlWrite {
  readonly affectedRows: number;
}

/** Statements on one connection: the pool's, a transaction's, or a pinned one's. */
export interface SqlStatements {
  all<T = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlWrite>;
}

export interface SqlSession extends SqlStatements {
  /** For the few statements the two databases spell differently (INSERT IGNORE, integer division). */
  readonly dialect: SqlDialect;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T>;
  /** Runs `work` on one connection outside a transaction (a server-side named lock lives on its connection). */
  pinned<T>(work: (conn: SqlStatements) => Promise<T>): Promise<T>;
}

interface Driver {
  readonly dialect: SqlDialect;
  readonly begin: string;
  all(conn: unknown, sql: string, params: readonly SqlValue[]): Promise<unknown[]>;
  run(conn: unknown, sql: string, params: readonly SqlValue[]): Promise<SqlWrite>;
}

interface KnexPool {
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<unknown>;
}

/** The database as a whole is not taking writes: it is gone, or it is a read-only one (a primary being failed over). */
export type UnavailableKind = Extract<SqlFailureKind, 'readOnly' | 'connectionLost'>;
export type UnavailableListener = (kind: UnavailableKind, error: unknown) => void;

const sessions = new WeakMap<SqlOrm, PooledSession>();

function pooledSession(orm: SqlOrm): PooledSession {
  let session = sessions.get(orm);
  if (!session) {
    const knex = orm.em.getConnection().getKnex() as unknown as { client: KnexPool };
    session = new PooledSession(knex.client, orm.em.getPlatform() instanceof BaseSqlitePlatform ? sqlite : mysql);
    sessions.set(orm, session);
  }
  return session;
}

/** The SQL session of an open ORM (one per ORM). */
export function sqlSession(orm: SqlOrm): SqlSession {
  return pooledSession(orm);
}

/** Calls `listener` on every statement the database refused as a whole (see UnavailableKind); the alerts use it. */
export function onDatabaseUnavailable(orm: SqlOrm, listener: UnavailableListener): void {
  pooledSession(orm).listeners.add(listener);
}

class PooledSession implements SqlSession {
  readonly dialect: SqlDialect;
  readonly listeners = new Set<UnavailableListener>();

  constructor(
    private readonly pool: KnexPool,
    private readonly driver: Driver,
  ) {
    this.dialect = driver.dialect;
  }

  all<T = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.on((conn) => this.driver.all(conn, sql, params) as Promise<T[]>);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<SqlWrite> {
    return this.on((conn) => this.driver.run(conn, sql, params));
  }

  pinned<T>(work: (conn: SqlStatements) => Promise<T>): Promise<T> {
    return this.on((conn) => work(this.statementsOn(conn)));
  }

  transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    return this.on(async (conn) => {
      const driver = this.driver;
      await driver.run(conn, driver.begin, []);
      let result: T;
      try {
        result = await work(this.statementsOn(conn));
      } catch (error) {
        // A connection that broke mid-transaction is rolled back by the server; its error is the one worth reporting.
        await driver.run(conn, 'ROLLBACK', []).catch(() => undefined);
        throw error;
      }
      await driver.run(conn, 'COMMIT', []);
      return result;
    });
  }

  private statementsOn(conn: unknown): SqlStatements {
    const driver = this.driver;
    return {
      all: <R = SqlRow>(sql: string, params: readonly SqlValue[] = []) => driver.all(conn, sql, params) as Promise<R[]>,
      run: (sql, params = []) => driver.run(conn, sql, params),
    };
  }

  private async on<T>(use: (conn: unknown) => Promise<T>): Promise<T> {
    let conn: unknown;
    try {
      conn = await this.pool.acquireConnection();
      return await use(conn);
    } catch (error) {
      this.unavailable(conn, error);
      throw error;
    } finally {
      if (conn !== undefined) await this.pool.releaseConnection(conn);
    }
  }

  /**
   * A read-only answer means this connection reached a primary that was demoted (a failover, a switchover): the
   * connection is healthy and would be handed out again and again, each time refused, while new connections reach the
   * new primary at the same address. It is marked disposed, which knex's pool checks before handing a connection out:
   * the pool replaces it. (A broken connection the pool finds by itself: mysql2 marks it fatal.)
   */
  private unavailable(conn: unknown, error: unknown): void {
    const kind = sqlFailureOf(error)?.kind;
    if (kind !== 'readOnly' && kind !== 'connectionLost') return;
    if (kind === 'readOnly' && typeof conn === 'object' && conn !== null) {
      (conn as { __knex__disposed?: unknown }).__knex__disposed = 'the server is read-only (a demoted primary)';
    }
    for (const listener of this.listeners) listener(kind, error);
  }
}

interface MysqlConnection {
  query(sql: string, values: readonly SqlValue[], callback: (error: Error | null, result: unknown) => void): void;
  execute(sql: string, values: readonly SqlValue[], callback: (error: Error | null, result: unknown) => void): void;
}

const serverPrepared = new Set<string>();

/**
 * Marks a fixed statement of a hot path to run as a server-side prepared statement on MariaDB (mysql2's `execute`:
 * prepared once per connection, then only its parameters travel, in the binary protocol), instead of text MariaDB
 * parses and plans on every call. Measured on the order read with its refunds (a two-table join of 35 columns):
 * about 130 µs of MariaDB's CPU as text, about 85 prepared. Only for statements whose text never depends on data:
 * each one is a prepared statement held open on every pooled connection, and MariaDB caps them server-wide
 * (max_prepared_stmt_count). Values come back as they do over the text protocol (the pool's dateStrings and
 * supportBigNumbers hold for both). SQLite prepares every statement anyway.
 */
export function preparedOnMariadb(sql: string): string {
  serverPrepared.add(sql);
  return sql;
}

const mysql: Driver = {
  dialect: 'mysql',
  begin: 'START TRANSACTION',
  all: (conn, sql, params) => mysqlQuery(conn as MysqlConnection, sql, params) as Promise<unknown[]>,
  run: async (conn, sql, params) => {
    const header = (await mysqlQuery(conn as MysqlConnection, sql, params)) as { affectedRows?: number } | undefined;
    return { affectedRows: Number(header?.affectedRows ?? 0) };
  },
};

const mysqlQuery = (conn: MysqlConnection, sql: string, params: readonly SqlValue[]): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const done = (error: Error | null, result: unknown): void => (error ? reject(error) : resolve(result));
    if (serverPrepared.has(sql)) conn.execute(sql, params, done);
    else conn.query(sql, params, done);
  });

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

/** better-sqlite3 compiles a statement once; the service's fixed statements are reused for the connection's life. */
const statements = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

function prepared(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    // Statements built from data (a multi-row INSERT's length, a filter's columns) must not grow this without bound.
    if (cache.size < 500) cache.set(sql, statement);
  }
  return statement;
}

const sqlite: Driver = {
  dialect: 'sqlite',
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
