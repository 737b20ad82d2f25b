import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { SignInOperator } from '../../src/application/operators/sign-in-operator.js';
import { base32Decode } from '../../src/domain/base32.js';
import { totpAt } from '../../src/domain/totp.js';
import { operatorCli } from '../support/operator-cli.js';
import { tempSqliteUrl } from '../support/service-process.js';
import { containerOnDatabase } from '../support/test-container.js';

const hmacSha1 = (key: Uint8Array, message: Uint8Array): Uint8Array => createHmac('sha1', key).update(message).digest();
const SESSION_SECRET = 'operator-cli-totp-session-secret-0123456789';
const PASSWORD = 'a long enough password';

/**
 * `npm run operator -- totp <name>` on a database, as an admin enrols on the server: the secret it prints is the one
 * the service (same SESSION_SECRET) asks codes for, and without SESSION_SECRET it refuses rather than seal a secret
 * no later process could open.
 */
describe('npm run operator -- totp', () => {
  const databaseUrl = tempSqliteUrl();
  let orm: SqlOrm | undefined;
  afterAll(async () => orm?.close());

  it('enrols with a first code, and the service then asks for codes from that secret', async () => {
    const added = await operatorCli(databaseUrl, ['add', 'root', '--role', 'admin'], `${PASSWORD}\n`, { SESSION_SECRET });
    expect(added).toMatchObject({ code: 0 });

    const unsealable = await operatorCli(databaseUrl, ['totp', 'root'], '', { SESSION_SECRET: '' });
    expect(unsealable.code).toBe(1);
    expect(unsealable.stderr).toContain('SESSION_SECRET is not set');

    let secret: Uint8Array = new Uint8Array();
    const enrolled = await operatorCli(
      databaseUrl,
      ['totp', 'root'],
      (printed) => {
        const key = /type the key in: ([A-Z2-7]+)/.exec(printed)?.[1];
        if (!key) return undefined;
        secret = base32Decode(key) ?? new Uint8Array();
        return `${totpAt(hmacSha1, secret, new Date())}\n`;
      },
      { SESSION_SECRET },
    );
    expect(enrolled).toMatchObject({ code: 0 });
    expect(enrolled.stdout).toMatch(/otpauth:\/\/totp\/wxpay%20console:root\?secret=[A-Z2-7]{32}&issuer=wxpay%20console/);
    expect(enrolled.stdout).toContain('ok: root');

    orm = await openOrm(databaseUrl);
    await migrate(orm);
    const { container } = containerOnDatabase(orm, { env: { SESSION_SECRET } });
    const signIn = container.get(SignInOperator);
    const first = await signIn.execute({ name: 'root', password: PASSWORD, ip: '127.0.0.1' });
    if (first.result.ok || first.result.error.kind !== 'CodeRequired') throw new Error(`expected CodeRequired: ${JSON.stringify(first)}`);
    // The enrolment spent the code of its moment: the next step's code (within the window) signs in.
    const code = totpAt(hmacSha1, secret, new Date(Date.now() + 30_000));
    expect((await signIn.confirmCode({ challenge: first.result.error.challenge, code, ip: '127.0.0.1' })).result.ok).toBe(true);

    expect(await operatorCli(databaseUrl, ['totp-remove', 'root'], '', { SESSION_SECRET })).toMatchObject({ code: 0 });
  }, 60_000);
});
