import { afterAll, describe, expect, it } from 'vitest';
import { MikroAuditLog } from '../../src/adapters/persistence/mikro-audit-log.js';
import { MikroOperators } from '../../src/adapters/persistence/mikro-operators.js';
import { openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { operatorCli } from '../support/operator-cli.js';
import { tempSqliteUrl } from '../support/service-process.js';

/** `npm run operator -- shops <name> …` on a database: a shop operator of some merchants, of none, or of every one. */
describe('npm run operator -- shops', () => {
  const databaseUrl = tempSqliteUrl();
  let orm: SqlOrm | undefined;
  afterAll(async () => orm?.close());

  it('grants and takes away shops, refuses a bad id, lists each scope, and audits every change as cli', async () => {
    expect(await operatorCli(databaseUrl, ['add', 'nora', '--role', 'operator'], 'a long enough password\n')).toMatchObject({ code: 0 });
    expect((await operatorCli(databaseUrl, ['list'])).stdout).toMatch(/^nora .* shops all \(platform\)$/m);

    const granted = await operatorCli(databaseUrl, ['shops', 'nora', 'north,east']);
    expect(granted).toMatchObject({ code: 0 });
    expect(granted.stdout).toContain('shops: east,north');
    expect((await operatorCli(databaseUrl, ['list'])).stdout).toMatch(/^nora .* shops east,north$/m);

    const refused = await operatorCli(databaseUrl, ['shops', 'nora', 'North Shop']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused: a shop is a merchant id');
    expect(await operatorCli(databaseUrl, ['shops', 'nora', 'none'])).toMatchObject({ code: 0 });
    expect(await operatorCli(databaseUrl, ['shops', 'nobody', 'all'])).toMatchObject({ code: 1 });
    expect((await operatorCli(databaseUrl, ['shops', 'nora'])).code).toBe(2); // usage

    orm = await openOrm(databaseUrl);
    const operators = new MikroOperators(orm);
    const nora = await operators.findByName('nora');
    expect(await operators.shopsOf(nora?.operator.id ?? 0)).toEqual({ kind: 'shops', merchantIds: [] });
    const lines = await new MikroAuditLog(orm).list({ subject: 'operator:nora', limit: 10, offset: 0 });
    expect(lines.filter((e) => e.action === 'operator.shops-changed').map((e) => [e.actor, e.before, e.after])).toEqual([
      ['cli', { shops: 'east,north' }, { shops: 'none' }],
      ['cli', { shops: 'all' }, { shops: 'east,north' }],
    ]);
  }, 120_000);
});
