import { MikroIntegralLedger } from '../../../src/adapters/persistence/mikro-integral-ledger.js';
import { openOrm } from '../../../src/adapters/persistence/orm.js';
import { describeError, workerMain } from './worker-io.js';

export interface ReserveWorkerConfig {
  readonly databaseUrl: string;
  readonly uid: number;
  readonly amount: number;
  /** Distinct order numbers this worker tries to reserve coins for, all at once. */
  readonly outTradeNos: readonly string[];
}

export interface ReserveWorkerResult {
  readonly reserved: string[];
  readonly insufficient: number;
  readonly errors: number;
  readonly errorSamples: string[];
}

/** Many concurrent reservations of one user's coins, each for a different order. */
await workerMain<ReserveWorkerConfig, ReserveWorkerResult>(async (config) => {
  const orm = await openOrm(config.databaseUrl);
  const ledger = new MikroIntegralLedger(orm);
  return {
    go: async () => {
      const reserved: string[] = [];
      const errorSamples = new Set<string>();
      let insufficient = 0;
      let errors = 0;
      await Promise.all(
        config.outTradeNos.map(async (no) => {
          try {
            const outcome = await ledger.reserve(config.uid, no, config.amount, new Date());
            if (outcome.kind === 'reserved') reserved.push(no);
            else if (outcome.kind === 'insufficient') insufficient++;
          } catch (error) {
            errors++;
            errorSamples.add(describeError(error));
          }
        }),
      );
      return { reserved, insufficient, errors, errorSamples: [...errorSamples] };
    },
    close: () => orm.close(),
  };
});
