import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchMariaDb, scratchSqlite } from '../support/databases.js';
import { describeIfServices } from '../support/integration.js';
import { deliver, observe, predicted, refundScenario, setUpRefunds } from '../support/properties/refund-reports.js';
import { PROPERTY_TIMEOUT_MS, runsOf } from '../support/properties/runs.js';
import { memoryBackend, openWorld, sqlBackend, type Backend } from '../support/properties/world.js';

/**
 * Issue #15, item 1 and "Done when": random sets of paid orders with full and partial refunds (some of WeChat's answers
 * lost, some refunds settled at WeChat unheard), then random refund notices, refundquery answers and refund API answers
 * whose identifiers (out_trade_no, transaction_id, out_refund_no, refund_id, refund_fee, total_fee) are genuine,
 * borrowed from another order or refund, or invented. A message settles a refund iff every identifier agrees with the
 * refund we asked for on that order (the oracle in refund-reports.ts decides, from the test's own model and WeChat's
 * side of the fake); otherwise it is refused, an alert is raised, and nothing changes: orders, refunds, coin balances
 * and outbox events are exactly as the model says after every message.
 */

function refundIdentity(backend: () => Backend, runs: number): void {
  it(
    `a report settles a refund iff every identifier matches it; otherwise refused, alerted, nothing changes (${runsOf(runs).numRuns} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(refundScenario, fc.integer({ min: 1, max: 2 ** 30 }), async (scenario, seed) => {
          const w = await openWorld(backend(), { seed });
          const model = await setUpRefunds(w, scenario);
          expect(await observe(w, model), 'after the setup').toEqual(predicted(model));
          for (const [i, spec] of scenario.reports.entries()) {
            const delivery = await deliver(w, model, spec);
            w.gateway.disarm();
            if (!delivery) continue;
            const what = `message ${i} (${delivery.channel}): ${JSON.stringify(delivery.message)} → ${JSON.stringify(delivery.outcome)}`;
            const { expected } = delivery;
            const verdict = expected.verdict === 'settles' ? 'settles' : expected.alert ? 'refused, alerted' : 'refused quietly';
            expect(delivery.verdict, `${what}: expected ${JSON.stringify(expected)}`).toBe(verdict);
            expect(await observe(w, model), what).toEqual(predicted(model));
          }
        }),
        runsOf(runs),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
}

describe('refund identity: in-memory adapters', () => {
  refundIdentity(() => memoryBackend, 1000);
});

const describeWith = await describeIfServices(['mariadb']);

describeWith('refund identity: MariaDB', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await sqlBackend('MariaDB', scratchMariaDb, 'refunds');
  });
  afterAll(async () => backend?.close());
  refundIdentity(() => backend, 40);
});

describe('refund identity: SQLite', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await sqlBackend('SQLite', scratchSqlite, 'refunds');
  });
  afterAll(async () => backend?.close());
  refundIdentity(() => backend, 40);
});
