import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../src/adapters/persistence/orm.js';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { MARIADB_URL, describeIfServices } from '../support/integration.js';
import { MiniProgramUser } from '../support/mini-program.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';

const run = promisify(execFile);

/** `npm run migrate`, as the README's operators run it (tsx, the same entry point). */
const migrateCli = (databaseUrl: string) =>
  run(process.execPath, ['--import', 'tsx', 'src/adapters/persistence/migrate-cli.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    timeout: 60_000,
  });

async function startFails(env: Record<string, string>): Promise<string> {
  const started = await startService(env).then(
    async (service) => {
      await service.stop();
      return undefined;
    },
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  expect(started, 'the service started although it should not have').toBeDefined();
  return started ?? '';
}

describe('MIGRATE_ON_START (issue 14 §3)', () => {
  let service: ServiceProcess | undefined;
  afterAll(async () => service?.stop());

  it('off and the schema behind: start-up fails, naming the pending migrations and npm run migrate; after it, the service starts', async () => {
    const databaseUrl = tempSqliteUrl();
    const message = await startFails({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'no' });
    // Issue 21 #5: a configuration problem (exit 2), not restarted by the systemd unit.
    expect(message).toMatch(/exited with 2/);
    expect(message).toContain('the database schema is behind this build');
    expect(message).toContain('Migration20260601000001SeedTables');
    expect(message).toContain('npm run migrate');

    const { stdout } = await migrateCli(databaseUrl);
    expect(stdout).toContain('applied');
    service = await startService({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'no' });
    expect((await fetch(`${service.baseUrl}/readyz`)).status).toBe(200);
  });
});

const describeWithMariaDb = await describeIfServices(['mariadb']);

describeWithMariaDb('a database user without DDL rights (MariaDB)', () => {
  const user = `wxpay_dml_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let db: ScratchDatabase | undefined;
  let service: ServiceProcess | undefined;

  const asRoot = async (sql: string) => {
    const orm = await openOrm(MARIADB_URL, { poolMax: 1 });
    try {
      await orm.em.getConnection().execute(sql);
    } finally {
      await orm.close();
    }
  };

  afterAll(async () => {
    await service?.stop();
    await asRoot(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`).catch(() => undefined);
    await db?.drop();
  });

  it('serves with SELECT/INSERT/UPDATE/DELETE only, once npm run migrate has run with a user that may alter tables', async () => {
    db = await scratchMariaDb('nodll');
    const name = new URL(db.url).pathname.slice(1);
    await asRoot(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
    await asRoot(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${name}\`.* TO '${user}'@'127.0.0.1'`);
    const restricted = new URL(db.url);
    restricted.username = user;
    restricted.password = password;
    const env = { DATABASE_URL: restricted.toString(), MIGRATE_ON_START: 'no', DEMO_GOODS: 'yes' };

    // Behind: a clear refusal, not a permission error from a CREATE TABLE it was never allowed to run.
    const message = await startFails(env);
    expect(message).toContain('npm run migrate');
    expect(message).not.toMatch(/denied/i);

    await migrateCli(db.url);
    service = await startService(env);
    const buyer = await new MiniProgramUser(service.baseUrl).login();
    const goods = (await (await fetch(`${service.baseUrl}/goods`)).json()) as { data: { id: number }[] };
    expect((await buyer.prepay(goods.data[0]!.id)).outTradeNo).toMatch(/^\d{28}$/);
  });
});
