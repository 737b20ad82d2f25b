import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { sqlFailureOf, type SqlFailure } from '../../src/adapters/persistence/sql-failure.js';
import { sqlSession, type SqlSession, type SqlStatements } from '../../src/adapters/persistence/sql-session.js';

/** What the statement's failure reads as (it must fail). */
async function failureOf(statement: Promise<unknown>): Promise<SqlFailure | undefined> {
  try {
    await statement;
  } catch (error) {
    return sqlFailureOf(error);
  }
  throw new Error('the statement was expected to fail');
}

/** Resolves once `pinned` has taken a connection and run `setup` on it; `release` then ends the work. */
function holdConnection(sql: SqlSession, setup: (conn: SqlStatements) => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let ready!: () => void;
  const held = new Promise<void>((resolve) => (ready = resolve));
  const done = sql.pinned(async (conn) => {
    await setup(conn);
    ready();
    await released;
    await conn.run('ROLLBACK');
  });
  return { held, release, done };
}

/**
 * The SQL session and the one reading of its failures, on a real database: every failure kind each engine can
 * produce is produced and read the same way on both.
 */
export function sqlSessionSuite(name: string, dialect: 'mysql' | 'sqlite', database: () => { orm: SqlOrm; url: string }): void {
  describe(`${name}: the SQL session reads each failure the same way`, () => {
    let sql: SqlSession;
    const table = `t_sql_failure_${Math.floor(Math.random() * 1e9)}`;

    beforeAll(async () => {
      sql = sqlSession(database().orm);
      await sql.run(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name VARCHAR(32) NOT NULL, n INTEGER NOT NULL)`);
      await sql.run(`CREATE UNIQUE INDEX uq_${table}_name ON ${table} (name)`);
      await sql.run(`INSERT INTO ${table} (id, name, n) VALUES (1, 'one', 0), (2, 'two', 0)`);
    });
    afterAll(async () => {
      await sql?.run(`DROP TABLE ${table}`);
    });

    it('a unique violation, naming the constraint', async () => {
      const failure = await failureOf(sql.run(`INSERT INTO ${table} (id, name, n) VALUES (3, 'one', 0)`));
      expect(failure?.kind).toBe('uniqueViolation');
      const constraints = failure?.kind === 'uniqueViolation' ? failure.constraints : [];
      expect(constraints.some((c) => c === `uq_${table}_name` || c === `${table}.name`)).toBe(true);
      // The primary key too, and a transaction that hit it is rolled back whole.
      const row = sql.transaction(async (tx) => {
        await tx.run(`UPDATE ${table} SET n = 7 WHERE id = 2`);
        await tx.run(`INSERT INTO ${table} (id, name, n) VALUES (1, 'uno', 0)`);
      });
      expect((await failureOf(row))?.kind).toBe('uniqueViolation');
      expect(await sql.all(`SELECT n FROM ${table} WHERE id = 2`)).toEqual([{ n: 0 }]);
    });

    it('a write refused as read-only', async () => {
      const failure = await sql.pinned(async (conn) => {
        if (sql.dialect === 'mysql') await conn.run('START TRANSACTION READ ONLY');
        else await conn.run('PRAGMA query_only = 1');
        try {
          return await failureOf(conn.run(`UPDATE ${table} SET n = n + 1 WHERE id = 1`));
        } finally {
          if (sql.dialect === 'mysql') await conn.run('ROLLBACK');
          else await conn.run('PRAGMA query_only = 0');
        }
      });
      expect(failure).toEqual({ kind: 'readOnly' });
    });

    it('a lock another transaction holds, not released in time', async () => {
      if (dialect === 'mysql') {
        const holder = holdConnection(sql, async (conn) => {
          await conn.run('START TRANSACTION');
          await conn.run(`UPDATE ${table} SET n = n + 1 WHERE id = 1`);
        });
        await holder.held;
        const failure = await sql.pinned(async (conn) => {
          await conn.run('SET SESSION innodb_lock_wait_timeout = 1');
          try {
            return await failureOf(conn.run(`UPDATE ${table} SET n = n + 1 WHERE id = 1`));
          } finally {
            await conn.run('SET SESSION innodb_lock_wait_timeout = 5');
          }
        });
        holder.release();
        await holder.done;
        expect(failure).toEqual({ kind: 'lockWaitTimeout' });
      } else {
        // SQLite locks the file: a second process's ORM (its own connection) meets the first one's write lock.
        const other = await openOrm(database().url);
        try {
          const holder = holdConnection(sql, async (conn) => {
            await conn.run('BEGIN IMMEDIATE');
          });
          await holder.held;
          const failure = await sqlSession(other).pinned(async (conn) => {
            await conn.run('PRAGMA busy_timeout = 0');
            return failureOf(conn.run(`UPDATE ${table} SET n = n + 1 WHERE id = 1`));
          });
          holder.release();
          await holder.done;
          expect(failure).toEqual({ kind: 'lockWaitTimeout' });
        } finally {
          await other.close();
        }
      }
    });

    it.runIf(dialect === 'mysql')('a deadlock victim (SQLite has one writer at a time and reports BUSY instead)', async () => {
      let lockedFirst!: () => void;
      let lockedSecond!: () => void;
      const firstLocked = new Promise<void>((resolve) => (lockedFirst = resolve));
      const secondLocked = new Promise<void>((resolve) => (lockedSecond = resolve));
      // Each locks one row, then wants the other's: InnoDB rolls one of the two back at once.
      const crosswise = (mine: number, theirs: number, locked: () => void, other: Promise<void>) =>
        sql.pinned(async (conn) => {
          await conn.run('START TRANSACTION');
          try {
            await conn.run(`UPDATE ${table} SET n = n + 1 WHERE id = ?`, [mine]);
            locked();
            await other;
            return await failureOf(conn.run(`UPDATE ${table} SET n = n + 1 WHERE id = ?`, [theirs])).catch(() => undefined);
          } finally {
            await conn.run('ROLLBACK');
          }
        });
      const outcomes = await Promise.all([crosswise(1, 2, lockedFirst, secondLocked), crosswise(2, 1, lockedSecond, firstLocked)]);
      expect(outcomes).toContainEqual({ kind: 'deadlock' });
    });

    it.runIf(dialect === 'mysql')('a connection the server dropped (an SQLite file has no server to drop it)', async () => {
      const failure = await sql.pinned(async (conn) => {
        const [me] = await conn.all<{ id: number }>('SELECT CONNECTION_ID() AS id');
        const sleeping = failureOf(conn.all('SELECT SLEEP(30)'));
        // Another connection ends this one while it waits on the server.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql.run(`KILL CONNECTION ${Number(me?.id)}`);
        return sleeping;
      });
      expect(failure).toEqual({ kind: 'connectionLost' });
      // The pool drops the dead connection and hands out a live one.
      expect(await sql.all('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });
  });
}
