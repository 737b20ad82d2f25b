import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { MARIADB_URL } from './integration.js';

export interface ScratchDatabase {
  readonly url: string;
  /** Runs raw SQL against the database (one statement per call). */
  exec(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** The seed's two CREATE TABLE statements, verbatim (test/fixtures/seed-schema.sql). */
export const SEED_SCHEMA_SQL = readFileSync(new URL('../fixtures/seed-schema.sql', import.meta.url), 'utf8');

export const seedStatements = (sql: string): string[] =>
  sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * The seed's DDL, mechanically made SQLite-compatible: comments and table options dropped, double-quoted literals
 * single-quoted, `int(n) NOT NULL AUTO_INCREMENT` + PRIMARY KEY(id) turned into a rowid alias. Columns unchanged.
 */
export function seedSchemaForSqlite(sql: string): string[] {
  return seedStatements(sql).map((statement) =>
    statement
      .replace(/\s+COMMENT\s+"[^"]*"/g, '')
      .replace(/"([^"]*)"/g, "'$1'")
      .replace(/int\(\d+\) NOT NULL AUTO_INCREMENT/g, 'INTEGER NOT NULL')
      .replace(/\)\s*ENGINE=.*$/s, ')'),
  );
}

const uniqueName = (label: string): string => `wxpay_t_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;

/** A new, uniquely named MariaDB database on the shared server; drop() removes it. */
export async function scratchMariaDb(label: string): Promise<ScratchDatabase> {
  const name = uniqueName(label);
  const admin = await openOrm(MARIADB_URL, { poolMax: 1 });
  await admin.em.getConnection().execute(`CREATE DATABASE \`${name}\``);
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  let orm: SqlOrm | undefined;
  return {
    url: url.toString(),
    exec: async (sql, params = []) => {
      orm ??= await openOrm(url.toString(), { poolMax: 1 });
      return orm.em.getConnection().execute(sql, params);
    },
    drop: async () => {
      await orm?.close();
      await admin.em.getConnection().execute(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.close();
    },
  };
}

/** A new SQLite file in a temporary directory; drop() deletes the directory. */
export async function scratchSqlite(label: string): Promise<ScratchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `wxpay-${label}-`));
  const url = `sqlite:${join(dir, 'nested', 'wxpay.sqlite')}`;
  let orm: SqlOrm | undefined;
  const get = async (): Promise<SqlOrm> => (orm ??= await openOrm(url));
  return {
    url,
    exec: async (sql, params = []) => (await get()).em.getConnection().execute(sql, params),
    drop: async () => {
      await orm?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
