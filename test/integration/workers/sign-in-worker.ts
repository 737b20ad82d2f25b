import { MikroLoginAttempts } from '../../../src/adapters/persistence/mikro-login-attempts.js';
import { MikroOperators, MikroOperatorSessions } from '../../../src/adapters/persistence/mikro-operators.js';
import { openOrm } from '../../../src/adapters/persistence/orm.js';
import { ScryptPasswordHasher } from '../../../src/adapters/system/scrypt-password-hasher.js';
import { cryptoSessionSecrets } from '../../../src/adapters/system/session-secrets.js';
import { HmacSignInChallenges, SealedTotpSecrets } from '../../../src/adapters/system/second-factor.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import type { LoginOutcome } from '../../../src/application/ports/operators.js';
import { SignInOperator } from '../../../src/application/operators/sign-in-operator.js';
import { describeError, workerMain } from './worker-io.js';

export interface SignInWorkerConfig {
  readonly databaseUrl: string;
  /** One sign-in per entry, all at once. */
  readonly guesses: readonly { readonly name: string; readonly password: string; readonly ip: string }[];
  /** Second steps (a code for a challenge), all at once with the guesses. */
  readonly codes?: readonly { readonly challenge: string; readonly code: string; readonly ip: string }[];
  /** The service's SESSION_SECRET: what TOTP secrets are sealed and challenges signed with. */
  readonly sessionSecret: string;
}

export interface SignInWorkerResult {
  readonly outcomes: Partial<Record<LoginOutcome, number>>;
  readonly errors: number;
  readonly errorSamples: string[];
}

/** Many concurrent console sign-ins through the real use case, on the real database, as one instance of the service. */
await workerMain<SignInWorkerConfig, SignInWorkerResult>(async (config) => {
  const orm = await openOrm(config.databaseUrl);
  const signIn = new SignInOperator(
    new MikroOperators(orm),
    new MikroOperatorSessions(orm),
    new MikroLoginAttempts(orm),
    // The production cost would make the test slow on a shared machine; the race does not depend on it.
    new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }),
    cryptoSessionSecrets,
    systemClock,
    {
      secrets: new SealedTotpSecrets(config.sessionSecret, true),
      challenges: new HmacSignInChallenges(config.sessionSecret),
      requiredForAdmins: false,
      challengeTtlMs: 300_000,
    },
  );
  return {
    go: async () => {
      const outcomes: Partial<Record<LoginOutcome, number>> = {};
      const errorSamples = new Set<string>();
      let errors = 0;
      const attempt = async (run: () => Promise<{ outcome: LoginOutcome }>) => {
        try {
          const { outcome } = await run();
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        } catch (error) {
          errors++;
          errorSamples.add(describeError(error));
        }
      };
      await Promise.all([
        ...config.guesses.map((guess) => attempt(() => signIn.execute(guess))),
        ...(config.codes ?? []).map((code) => attempt(() => signIn.confirmCode(code))),
      ]);
      return { outcomes, errors, errorSamples: [...errorSamples] };
    },
    close: () => orm.close(),
  };
});
