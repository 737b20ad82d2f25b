import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openOrm } from '../../src/adapters/persistence/orm.js';
import { describeIfServices, MARIADB_URL } from '../support/integration.js';
import { productionEnv } from '../support/production-env.js';

const run = promisify(execFile);

/** Runs an entry point as its own process; resolves with its exit code and output. */
async function start(entry: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', entry], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const orm = await openOrm(MARIADB_URL, { poolMax: 1 });
  try {
    const rows = await orm.em.getConnection().execute('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    return rows.length > 0;
  } finally {
    await orm.close();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const orm = await openOrm(MARIADB_URL, { poolMax: 1 });
  await orm.em.getConnection().execute(`DROP DATABASE IF EXISTS \`${name}\``);
  await orm.close();
}

const describeWithMariaDb = await describeIfServices(['mariadb']);

/**
 * Issue 21 #4: a production DATABASE_URL naming a database that does not exist is reported as such (exit 2, not
 * restarted), and nothing is created, unless DATABASE_CREATE=yes; the sandbox keeps creating it.
 */
describeWithMariaDb('a DATABASE_URL naming a database that does not exist', () => {
  const mysqlUrl = (name: string): string => {
    const url = new URL(MARIADB_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };

  it.each([
    ['the service', 'src/main.ts'],
    ['npm run migrate', 'src/adapters/persistence/migrate-cli.ts'],
  ])(
    'MySQL in production: %s says unknown database, exits 2 and creates nothing',
    async (_what, entry) => {
      const name = `wxpay_t_unknown_${randomBytes(4).toString('hex')}`;
      try {
        const { code, stderr } = await start(entry, productionEnv({ DATABASE_URL: mysqlUrl(name) }));
        expect(stderr).toContain('unknown database');
        expect(code).toBe(2);
        expect(await databaseExists(name)).toBe(false);
      } finally {
        await dropDatabase(name);
      }
    },
    120_000,
  );

  it('SQLite in production: a missing file is an unknown database too', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wxpay-unknown-')), 'wxpay.sqlite');
    const { code, stderr } = await start('src/main.ts', productionEnv({ DATABASE_URL: `sqlite:${path}` }));
    expect(stderr).toContain(`sqlite:${path}: unknown database`);
    expect(code).toBe(2);
    expect(existsSync(path)).toBe(false);
  }, 120_000);

  it('DATABASE_CREATE=yes in production creates it (then migrates with npm run migrate)', async () => {
    const name = `wxpay_t_create_${randomBytes(4).toString('hex')}`;
    try {
      const { code, stdout } = await start(
        'src/adapters/persistence/migrate-cli.ts',
        productionEnv({ DATABASE_URL: mysqlUrl(name), DATABASE_CREATE: 'yes' }),
      );
      expect(stdout).toContain('applied');
      expect(code).toBe(0);
      expect(await databaseExists(name)).toBe(true);
    } finally {
      await dropDatabase(name);
    }
  }, 120_000);
});
