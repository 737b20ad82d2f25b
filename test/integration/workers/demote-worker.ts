import { MikroAuditLog } from '../../../src/adapters/persistence/mikro-audit-log.js';
import { MikroOperators, MikroOperatorSessions } from '../../../src/adapters/persistence/mikro-operators.js';
import { openOrm } from '../../../src/adapters/persistence/orm.js';
import { ScryptPasswordHasher } from '../../../src/adapters/system/scrypt-password-hasher.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { ManageOperators } from '../../../src/application/operators/manage-operators.js';
import { describeError, workerMain } from './worker-io.js';

export interface DemoteWorkerConfig {
  readonly databaseUrl: string;
  /** The admin this instance demotes (or disables), `attempts` times at once. */
  readonly target: string;
  readonly action: 'demote' | 'disable';
  readonly actor: string;
  readonly attempts: number;
}

export interface DemoteWorkerResult {
  readonly succeeded: number;
  readonly lastAdmin: number;
  readonly errors: number;
  readonly errorSamples: string[];
}

/** One console instance where an admin demotes or disables another admin, through the real use case and database. */
await workerMain<DemoteWorkerConfig, DemoteWorkerResult>(async (config) => {
  const orm = await openOrm(config.databaseUrl);
  const manage = new ManageOperators(
    new MikroOperators(orm),
    new MikroOperatorSessions(orm),
    new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }),
    new MikroAuditLog(orm),
    systemClock,
  );
  return {
    go: async () => {
      let succeeded = 0;
      let lastAdmin = 0;
      let errors = 0;
      const errorSamples = new Set<string>();
      await Promise.all(
        Array.from({ length: config.attempts }, async () => {
          try {
            const result =
              config.action === 'demote'
                ? await manage.setRole(config.target, 'viewer', config.actor)
                : await manage.setDisabled(config.target, true, config.actor);
            if (result.ok) succeeded++;
            else if (result.error.kind === 'LastAdmin') lastAdmin++;
            else errorSamples.add(result.error.kind);
          } catch (error) {
            errors++;
            errorSamples.add(describeError(error));
          }
        }),
      );
      return { succeeded, lastAdmin, errors, errorSamples: [...errorSamples] };
    },
    close: () => orm.close(),
  };
});
