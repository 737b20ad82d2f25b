import { openOrm } from '../../../src/adapters/persistence/orm.js';
import { connectRedis } from '../../../src/adapters/redis/redis-client.js';
import type { Lock } from '../../../src/application/ports/lock.js';
import { RequestPrepay } from '../../../src/application/payments/request-prepay.js';
import type { PaidType } from '../../../src/domain/paid-type.js';
import { containerOnDatabase } from '../../support/test-container.js';
import { describeError, workerMain } from './worker-io.js';

export interface PrepayWorkerConfig {
  readonly databaseUrl: string;
  /** null: a lock that grants everything, so only the database guards the key (a lost or expired lock). */
  readonly redisUrl: string | null;
  readonly lockPrefix: string;
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  readonly requests: number;
  /** Requests start at random moments within this window (0: all at once). */
  readonly spreadMs: number;
}

export interface PrepayWorkerResult {
  readonly ok: number;
  readonly refused: Record<string, number>;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly outTradeNos: string[];
  /** When each granted prepay was answered (epoch ms; the test compares it with the moment it cut Redis). */
  readonly okAt: number[];
}

const grantAll: Lock = { acquire: async (key) => ({ key, release: async () => {} }) };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

await workerMain<PrepayWorkerConfig, PrepayWorkerResult>(async (config) => {
  const orm = await openOrm(config.databaseUrl);
  const redis = config.redisUrl === null ? undefined : await connectRedis(config.redisUrl);
  // The service's own container: Redis locks under the test's prefix, or no lock at all so only the database guards.
  const { container } = containerOnDatabase(orm, {
    ...(redis ? { redis, env: { REDIS_KEY_PREFIX: config.lockPrefix } } : { lock: grantAll }),
  });
  const prepay = container.get(RequestPrepay);

  return {
    go: async () => {
      const refused: Record<string, number> = {};
      const errorSamples = new Set<string>();
      const numbers = new Set<string>();
      let ok = 0;
      let errors = 0;
      const okAt: number[] = [];
      await Promise.all(
        Array.from({ length: config.requests }, async () => {
          if (config.spreadMs > 0) await sleep(Math.random() * config.spreadMs);
          try {
            const result = await prepay.execute({
              uid: config.uid,
              goodsId: config.goodsId,
              paidType: config.paidType,
              clientIp: '127.0.0.1',
            });
            if (result.ok) {
              ok++;
              okAt.push(Date.now());
              numbers.add(result.value.outTradeNo);
            } else {
              refused[result.error.kind] = (refused[result.error.kind] ?? 0) + 1;
            }
          } catch (error) {
            errors++;
            errorSamples.add(describeError(error));
          }
        }),
      );
      return { ok, refused, errors, errorSamples: [...errorSamples].slice(0, 5), outTradeNos: [...numbers], okAt };
    },
    close: async () => {
      redis?.disconnect();
      await orm.close();
    },
  };
});
