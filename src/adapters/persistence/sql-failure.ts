/**
 * The one reading of a failed SQL statement, for MariaDB/MySQL (mysql2) and SQLite (better-sqlite3): from the driver's
 * own error, or from MikroORM's exception around it (which keeps the driver's `code`, `errno` and message). Adapters
 * decide on these kinds only, never on a driver's code or message.
 */
export type SqlFailure =
  /** A UNIQUE index refused the row. `constraints`: the index names (MariaDB) and `table.column` names (SQLite). */
  | { readonly kind: 'uniqueViolation'; readonly constraints: readonly string[] }
  /** The server chose this transaction as a deadlock victim and rolled it back: run the whole transaction again. */
  | { readonly kind: 'deadlock' }
  /** A lock held by another transaction (or, on SQLite, process) was not released in time: may be run again. */
  | { readonly kind: 'lockWaitTimeout' }
  /** The database refuses writes (a read-only replica, a read-only transaction or file). */
  | { readonly kind: 'readOnly' }
  /** The connection broke or never opened: the statement may or may not have taken effect. */
  | { readonly kind: 'connectionLost' };

export type SqlFailureKind = SqlFailure['kind'];

interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
}

/** MariaDB/MySQL server error numbers (mysql2 puts them in `errno`). */
const MYSQL_ERRNO: Readonly<Record<number, Exclude<SqlFailureKind, 'uniqueViolation'> | 'unique' | 'readOnlyOption'>> = {
  1062: 'unique', // ER_DUP_ENTRY
  1586: 'unique', // ER_DUP_ENTRY_WITH_KEY_NAME
  1213: 'deadlock', // ER_LOCK_DEADLOCK
  1205: 'lockWaitTimeout', // ER_LOCK_WAIT_TIMEOUT
  1290: 'readOnlyOption', // ER_OPTION_PREVENTS_STATEMENT: --read-only, among other options
  1792: 'readOnly', // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1836: 'readOnly', // ER_READ_ONLY_MODE (MariaDB)
  1053: 'connectionLost', // ER_SERVER_SHUTDOWN
  1927: 'connectionLost', // ER_CONNECTION_KILLED (MariaDB)
  2002: 'connectionLost', // CR_CONNECTION_ERROR
  2006: 'connectionLost', // CR_SERVER_GONE_ERROR
  2013: 'connectionLost', // CR_SERVER_LOST
  4031: 'connectionLost', // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
};

/** Errors of the socket under mysql2, which carry a Node `code` and no server errno. */
const CONNECTION_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

function sqliteKind(code: string): SqlFailureKind | undefined {
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'uniqueViolation';
  // SQLite has no deadlock detection of its own: a lock it cannot get in busy_timeout (or may never get) is BUSY.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'lockWaitTimeout';
  if (code.startsWith('SQLITE_READONLY')) return 'readOnly';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB') return 'connectionLost';
  return undefined;
}

function kindOf(error: DriverError): SqlFailureKind | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('SQLITE_')) return sqliteKind(code);
  if (CONNECTION_CODES.has(code)) return 'connectionLost';
  // mysql2 refuses a statement on a connection that already failed ("Can't add new command when connection is in
  // closed state"); the connection is gone just the same.
  if (code === '' && typeof error.message === 'string' && /connection is in closed state/.test(error.message)) return 'connectionLost';
  const errno = typeof error.errno === 'number' ? error.errno : undefined;
  const kind = errno === undefined ? undefined : MYSQL_ERRNO[errno];
  if (kind === 'unique') return 'uniqueViolation';
  if (kind === 'readOnlyOption') return typeof error.message === 'string' && /read.only/i.test(error.message) ? 'readOnly' : undefined;
  return kind;
}

/**
 * Which unique constraint a failed write hit, read from the driver's message rather than guessed from the SQL text
 * (which names every column): MariaDB/MySQL name the index ("Duplicate entry 'x' for key 'uq_name'", MySQL 8 as
 * 'table.uq_name'); SQLite names the columns ("UNIQUE constraint failed: table.column").
 */
function violatedConstraints(message: string): string[] {
  const names: string[] = [];
  const mysql = [...message.matchAll(/for key '([^']+)'/g)].at(-1)?.[1];
  if (mysql) names.push(mysql, mysql.slice(mysql.lastIndexOf('.') + 1));
  const sqlite = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(message)?.[1];
  if (sqlite) names.push(...sqlite.split(', '));
  return names;
}

/** What a statement's failure means, or undefined for any other error (a bug, bad SQL, a full pool): rethrow those. */
export function sqlFailureOf(error: unknown): SqlFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const kind = kindOf(error as DriverError);
  if (kind !== 'uniqueViolation') return kind === undefined ? undefined : { kind };
  return { kind, constraints: violatedConstraints(String((error as DriverError).message ?? '')) };
}

/** The unique constraints a write violated, or undefined when it failed otherwise. */
export function violatedUniques(error: unknown): readonly string[] | undefined {
  const failure = sqlFailureOf(error);
  return failure?.kind === 'uniqueViolation' ? failure.constraints : undefined;
}

/** A transaction that failed this way may simply be run again. */
export const isRetryable = (error: unknown): boolean => {
  const kind = sqlFailureOf(error)?.kind;
  return kind === 'deadlock' || kind === 'lockWaitTimeout';
};
