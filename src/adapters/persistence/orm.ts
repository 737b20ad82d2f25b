import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type { AbstractSqlDriver } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import { MySqlDriver } from '@mikro-orm/mysql';
import { GoodsRecordSchema } from './goods-record.js';
import { MIGRATIONS } from './migrations/index.js';
import { OrderRecordSchema, RefundRecordSchema } from './order-record.js';
import { NotifyLogRecordSchema, OutboxRecordSchema, UserRecordSchema } from './service-records.js';
import { sqlSession } from './sql-session.js';

export type SqlOrm = MikroORM<AbstractSqlDriver>;

export type DatabaseTarget =
  | {
      readonly dialect: 'mysql';
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly dbName: string;
    }
  | { readonly dialect: 'sqlite'; readonly path: string };

export const DEFAULT_DATABASE_URL = 'sqlite:./data/wxpay.sqlite';

/**
 * `mysql://user:pass@host:port/db` (or `mariadb://`), `sqlite:./relative/file.sqlite`, `sqlite:/absolute/file.sqlite`.
 * Anything else is refused with a message that does not echo the password.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/wxpay.sqlite');
    return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('DATABASE_URL: expected mysql://user:pass@host:port/db or sqlite:./path/file.sqlite');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL: unsupported scheme '${url.protocol}' (mysql: or sqlite:)`);
  }
  const dbName = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]+$/.test(dbName)) throw new Error('DATABASE_URL: the mysql URL must name a database, e.g. /wxpay');
  return {
    dialect: 'mysql',
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    dbName,
  };
}

export interface OrmOptions {
  /** Connections per process (MySQL). Small pools fail fast under overload instead of queueing for a minute. */
  readonly poolMax?: number;
  /** How long a query may wait for a pooled connection, and a new connection may take to open. */
  readonly acquireTimeoutMs?: number;
  readonly debug?: boolean;
  /**
   * Create the database when it does not exist (the default: the sandbox and development). Off (production, unless
   * DATABASE_CREATE=yes), a DATABASE_URL naming a database that is not there fails with UnknownDatabaseError instead
   * of an empty database that then asks for migrations.
   */
  readonly createDatabase?: boolean;
}

/** DATABASE_URL names a database that does not exist, and creating it was not asked for. */
export class UnknownDatabaseError extends Error {
  override readonly name = 'UnknownDatabaseError';
  /** The MySQL server's own code for it, so that both databases read alike wherever errors are told apart. */
  readonly code = 'ER_BAD_DB_ERROR';
}

/** DATABASE_CREATE (auto, yes, no), read the same way by the service and the command-line tools. */
export function databaseCreateAllowed(setting: string | undefined, production: boolean): boolean {
  const value = setting?.trim() || 'auto';
  return value === 'auto' ? !production : value === 'yes';
}

/**
 * Opens MikroORM on the given database with the project's entity schemas and migrations registered. Does not migrate:
 * call `migrate(orm)` (or `npm run migrate`). Always work through `orm.em.fork()` or `em.transactional`.
 */
export async function openOrm(databaseUrl: string, options: OrmOptions = {}): Promise<SqlOrm> {
  const target = parseDatabaseUrl(databaseUrl);
  const acquireTimeoutMs = options.acquireTimeoutMs ?? 5_000;
  const common = {
    entities: [OrderRecordSchema, RefundRecordSchema, GoodsRecordSchema, UserRecordSchema, NotifyLogRecordSchema, OutboxRecordSchema],
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: false, silent: true, snapshot: false },
    discovery: { disableDynamicFileAccess: true, warnWhenNoEntities: false },
    debug: options.debug ?? false,
  } satisfies Partial<Options>;

  const create = options.createDatabase ?? true;
  if (target.dialect === 'sqlite') {
    if (target.path !== ':memory:' && !create && !existsSync(target.path)) {
      throw new UnknownDatabaseError(`unknown database: no SQLite file ${target.path}`);
    }
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    return MikroORM.init<AbstractSqlDriver>({
      ...common,
      driver: BetterSqliteDriver,
      dbName: target.path,
      pool: {
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          // WAL lets readers proceed during a write; busy_timeout makes a second process wait instead of failing.
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }
  const init = () =>
    MikroORM.init<AbstractSqlDriver>({
      ...common,
      driver: MySqlDriver,
      // MikroORM creates a missing database at connect unless told not to.
      ensureDatabase: create,
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      dbName: target.dbName,
      charset: 'utf8mb4',
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        acquireTimeoutMillis: acquireTimeoutMs,
        idleTimeoutMillis: 30_000,
        // A transaction waiting on a row lock gives up after 5 s (InnoDB's default is 50), so a stuck writer costs one
        // retried request instead of a pile-up behind it.
        afterCreate: (
          conn: { query(sql: string, cb: (err: Error | null) => void): void },
          done: (err: Error | null, conn: unknown) => void,
        ) => {
          conn.query('SET SESSION innodb_lock_wait_timeout = 5', (err) => done(err, conn));
        },
      },
      driverOptions: { acquireConnectionTimeout: acquireTimeoutMs, connection: { connectTimeout: acquireTimeoutMs } },
    });
  let orm: SqlOrm;
  try {
    orm = await init();
  } catch (error) {
    // MikroORM creates a missing database at connect; an instance starting alongside may have just done so.
    if ((error as { code?: unknown }).code !== 'ER_DB_CREATE_EXISTS') throw error;
    orm = await init();
  }
  if (!create) {
    // Without ensureDatabase, MikroORM only logs a failed connection: ask, and fail with the server's reason.
    const check = await orm.checkConnection();
    if (!check.ok) {
      await orm.close(true);
      const code = (check.error as { code?: unknown } | undefined)?.code;
      if (code === 'ER_BAD_DB_ERROR') throw new UnknownDatabaseError(`unknown database ${target.dbName}`, { cause: check.error });
      throw check.error ?? new Error(check.reason);
    }
  }
  return orm;
}

const MIGRATION_LOCK_WAIT_S = 120;

/**
 * Applies pending migrations; returns the names applied (empty when up to date). On MySQL, instances that start
 * together take turns through a named server lock (GET_LOCK), so two never run one ALTER at once; the later ones
 * find nothing pending. Needs a pool of two connections or more (the lock pins one). SQLite serves one process.
 */
export async function migrate(orm: SqlOrm): Promise<string[]> {
  const run = async (): Promise<string[]> => (await orm.getMigrator().up()).map((m) => m.name);
  const sql = sqlSession(orm);
  if (sql.dialect === 'sqlite') return run();

  const lockName = `wxpay:migrate:${orm.config.get('dbName')}`.slice(0, 64);
  return sql.pinned(async (conn) => {
    const [row] = await conn.all<{ got: number | null }>('SELECT GET_LOCK(?, ?) AS got', [lockName, MIGRATION_LOCK_WAIT_S]);
    if (row?.got !== 1) throw new Error(`another process has been migrating for ${MIGRATION_LOCK_WAIT_S} s; giving up`);
    try {
      return await run();
    } finally {
      await conn.all('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  });
}

/**
 * The migrations this build knows that the database has not run, read without any DDL (a missing migrations table
 * means none has run), so a service whose database user may not alter tables can still tell that it is behind.
 */
export async function pendingMigrations(orm: SqlOrm): Promise<string[]> {
  const sql = sqlSession(orm);
  const tables = await sql.all<{ table_name: string }>(orm.em.getPlatform().getSchemaHelper()!.getListTablesSQL());
  const executed = tables.some((t) => t.table_name === 'mikro_orm_migrations')
    ? new Set((await sql.all<{ name: string }>('select name from mikro_orm_migrations')).map((r) => r.name.replace(/\.[jt]s$/, '')))
    : new Set<string>();
  return MIGRATIONS.map((m) => m.name).filter((name) => !executed.has(name));
}
