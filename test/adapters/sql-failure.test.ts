import { DeadlockException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { isRetryable, sqlFailureOf, violatedUniques } from '../../src/adapters/persistence/sql-failure.js';

/** Errors as mysql2 and better-sqlite3 raise them (code, errno, message), without a server. */
const mysql = (errno: number, code: string, message: string) => Object.assign(new Error(message), { errno, code, sqlState: 'HY000' });
const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('sqlFailureOf: one reading of both drivers, raw or wrapped by MikroORM', () => {
  it.each([
    [
      mysql(1062, 'ER_DUP_ENTRY', "Duplicate entry 'a' for key 'uq_t_name'"),
      { kind: 'uniqueViolation', constraints: ['uq_t_name', 'uq_t_name'] },
    ],
    [
      mysql(1062, 'ER_DUP_ENTRY', "Duplicate entry 'a' for key 't.uq_t_name'"),
      { kind: 'uniqueViolation', constraints: ['t.uq_t_name', 'uq_t_name'] },
    ],
    [sqlite('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: t.a, t.b'), { kind: 'uniqueViolation', constraints: ['t.a', 't.b'] }],
    [sqlite('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: t.id'), { kind: 'uniqueViolation', constraints: ['t.id'] }],
    [mysql(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock'), { kind: 'deadlock' }],
    [mysql(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded'), { kind: 'lockWaitTimeout' }],
    [sqlite('SQLITE_BUSY', 'database is locked'), { kind: 'lockWaitTimeout' }],
    [mysql(1792, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'Cannot execute statement in a READ ONLY transaction'), { kind: 'readOnly' }],
    [mysql(1290, 'ER_OPTION_PREVENTS_STATEMENT', 'The MariaDB server is running with the --read-only option'), { kind: 'readOnly' }],
    [mysql(1836, 'ER_READ_ONLY_MODE', 'Running in read-only mode'), { kind: 'readOnly' }],
    [sqlite('SQLITE_READONLY', 'attempt to write a readonly database'), { kind: 'readOnly' }],
    [mysql(1927, 'ER_CONNECTION_KILLED', 'Connection was killed'), { kind: 'connectionLost' }],
    [
      Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
      { kind: 'connectionLost' },
    ],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 }), { kind: 'connectionLost' }],
    [new Error("Can't add new command when connection is in closed state"), { kind: 'connectionLost' }],
  ])('%s', (error, expected) => {
    expect(sqlFailureOf(error)).toEqual(expected);
  });

  it('reads MikroORM exceptions by the driver error they wrap', () => {
    const unique = new UniqueConstraintViolationException(mysql(1062, 'ER_DUP_ENTRY', "Duplicate entry 'a' for key 'uq_x'"));
    expect(violatedUniques(unique)).toEqual(['uq_x', 'uq_x']);
    expect(isRetryable(new DeadlockException(mysql(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found')))).toBe(true);
  });

  it('leaves every other error to the caller: bad SQL, a full pool, a bug, an option other than read-only', () => {
    for (const error of [
      mysql(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax'),
      mysql(1290, 'ER_OPTION_PREVENTS_STATEMENT', 'The MariaDB server is running with the --secure-file-priv option'),
      sqlite('SQLITE_ERROR', 'no such table: t'),
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
      new TypeError('x is undefined'),
      'a string',
      null,
    ]) {
      expect(sqlFailureOf(error)).toBeUndefined();
      expect(isRetryable(error)).toBe(false);
    }
  });
});
