/**
 * `npm run operator -- <command>`: console operator accounts, on the server, against the configured database.
 *
 *   add <name> --role viewer|operator|admin   password asked on a terminal (checked, then confirmed), else stdin's first line
 *   list
 *   role <name> <viewer|operator|admin>
 *   disable <name> | enable <name>            disabling signs the operator out everywhere
 *   reset-password <name>                     password as for add; signs the operator out everywhere
 *   totp <name>                               a second factor: prints the otpauth:// URI and the secret, then asks
 *                                             for the app's first code (terminal, else stdin's first line)
 *   totp-remove <name>                        removes the second factor (a lost phone)
 *   shops <name> all|none|<id>[,<id>…]        a platform operator (every shop), or a shop operator of these merchants
 *
 * Every change goes through the ManageOperators use case and is audited with the actor `cli`.
 */
import 'reflect-metadata';
import { ManageOperators, type OperatorError } from '../application/operators/manage-operators.js';
import { ManageOperatorTotp, type TotpError } from '../application/operators/operator-totp.js';
import type { Operator } from '../application/ports/operators.js';
import { formatBeijingDateTime } from '../domain/beijing-time.js';
import { isOperatorRole, MIN_PASSWORD_LENGTH, OPERATOR_ROLES, passwordProblem } from '../domain/operator-role.js';
import type { Result } from '../domain/result.js';
import { PLATFORM, shopsScope, type ShopScope } from '../domain/shop-scope.js';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { configuredSecrets, createLogger } from './logging.js';
import { readLine, readPassword } from './password-prompt.js';
import { openResources } from './resources.js';

const USAGE = `usage: npm run operator -- <command>
  add <name> --role ${OPERATOR_ROLES.join('|')}   (password prompted, or read from stdin when not a terminal)
  list
  role <name> <${OPERATOR_ROLES.join('|')}>
  disable <name>
  enable <name>
  reset-password <name>
  totp <name>          (second factor: shows the otpauth:// URI and secret, then asks for the app's first code)
  totp-remove <name>
  shops <name> all|none|<merchant>[,<merchant>…]   (all: every shop, the platform; else only these merchants)`;

const MESSAGES: Readonly<Record<OperatorError['kind'] | TotpError['kind'], string>> = {
  InvalidName: 'a name is 2 to 32 characters: a-z 0-9 . _ - (starting with a letter or digit)',
  WeakPassword: `a password has ${MIN_PASSWORD_LENGTH} to 200 characters`,
  NameTaken: 'an operator of that name exists already',
  OperatorNotFound: 'no operator has that name',
  LastAdmin: 'at least one enabled admin must remain',
  NotDurable: 'SESSION_SECRET is not set: give this command the server’s SESSION_SECRET (environment or .env), which seals the secret',
  NothingPending: 'the enrolment was replaced by another one: run the command again',
  BadCode: 'that code is not right (check the app and the clocks): run the command again for a new secret',
  InvalidShop: 'a shop is a merchant id: 1 to 32 characters a-z 0-9 -',
};

class UsageError extends Error {}

const ACTOR = 'cli';

/** Times in Beijing time, as the console shows them, with the offset said (a server's clock is often UTC). */
function describe(o: Operator): string {
  const created = `${formatBeijingDateTime(o.createdAt)} +08:00`;
  return `${o.name.padEnd(24)} ${o.role.padEnd(9)} ${o.disabled ? 'disabled' : 'active  '} created ${created}`;
}

const shopsText = (shops: ShopScope): string =>
  shops.kind === 'platform' ? 'all (platform)' : shops.merchantIds.length ? shops.merchantIds.join(',') : 'none';

/** Asked on the terminal until one is long enough and typed the same twice; the use case checks again. */
const askPassword = (prompt: string): Promise<string> =>
  readPassword(prompt, { confirm: true, problem: (p) => (passwordProblem(p) ? MESSAGES.WeakPassword : undefined) });

async function run(
  manage: ManageOperators,
  totp: ManageOperatorTotp,
  args: readonly string[],
): Promise<Result<Operator, OperatorError | TotpError> | undefined> {
  const [command, name, ...rest] = args;
  const need = (value: string | undefined): string => {
    if (!value) throw new UsageError(USAGE);
    return value;
  };
  switch (command) {
    case 'list':
      for (const o of await manage.listWithShops()) console.log(`${describe(o.operator)} shops ${shopsText(o.shops)}`);
      return undefined;
    case 'shops': {
      const asked = need(rest[0]);
      const shops = asked === 'all' ? PLATFORM : shopsScope(asked === 'none' ? [] : asked.split(',').map((id) => id.trim()));
      const changed = await manage.setShops(need(name), shops, ACTOR);
      if (changed.ok) console.log(`shops: ${shopsText(changed.value.shops)}`);
      return changed.ok ? { ok: true, value: changed.value.operator } : changed;
    }
    case 'add': {
      const roleAt = rest.indexOf('--role');
      const role = roleAt >= 0 ? rest[roleAt + 1] : undefined;
      if (!isOperatorRole(role)) throw new UsageError(`--role must be one of ${OPERATOR_ROLES.join(', ')}\n${USAGE}`);
      const password = await askPassword(`password for ${need(name)}: `);
      return manage.add({ name: need(name), role, password }, ACTOR);
    }
    case 'role': {
      const role = rest[0];
      if (!isOperatorRole(role)) throw new UsageError(`the role must be one of ${OPERATOR_ROLES.join(', ')}\n${USAGE}`);
      return manage.setRole(need(name), role, ACTOR);
    }
    case 'disable':
    case 'enable':
      return manage.setDisabled(need(name), command === 'disable', ACTOR);
    case 'reset-password':
      return manage.resetPassword(need(name), await askPassword(`new password for ${need(name)}: `), ACTOR);
    case 'totp': {
      const begun = await totp.begin(need(name));
      if (!begun.ok) return begun;
      console.log(`Add this to the authenticator app (open it, or make a QR code of it):\n  ${begun.value.uri}`);
      console.log(`or type the key in: ${begun.value.secret}`);
      return totp.confirm(need(name), await readLine('first code from the app: '), ACTOR);
    }
    case 'totp-remove':
      return totp.remove(need(name), ACTOR);
    default:
      throw new UsageError(USAGE);
  }
}

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, configuredSecrets(config));
  const resources = await openResources(config, logger, { port: config.port, embedSimulator: false });
  const container = buildContainer(config, resources);
  try {
    const result = await run(container.get(ManageOperators), container.get(ManageOperatorTotp), process.argv.slice(2));
    if (result && !result.ok) {
      console.error(`refused: ${MESSAGES[result.error.kind]}`);
      process.exitCode = 1;
    } else if (result) {
      console.log(`ok: ${describe(result.value)}`);
    }
  } finally {
    await container.unbindAllAsync();
    await resources.close();
  }
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(error instanceof ConfigError ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
