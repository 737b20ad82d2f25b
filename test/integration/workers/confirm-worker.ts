import { MikroIntegralLedger } from '../../../src/adapters/persistence/mikro-integral-ledger.js';
import { MikroEventOutbox } from '../../../src/adapters/persistence/mikro-event-outbox.js';
import { MikroOrderRepository } from '../../../src/adapters/persistence/mikro-order-repository.js';
import { openOrm } from '../../../src/adapters/persistence/orm.js';
import { PaymentRecorder, type RecordOutcome } from '../../../src/application/payment-recorder.js';
import { Money } from '../../../src/domain/money.js';
import { describeError, workerMain } from './worker-io.js';

export interface ConfirmWorkerConfig {
  readonly databaseUrl: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly amountFen: number;
  readonly paidAtMs: number;
  readonly attempts: number;
}

export interface ConfirmWorkerResult {
  readonly outcomes: Partial<Record<RecordOutcome['kind'], number>>;
  readonly errors: number;
  readonly errorSamples: string[];
}

/** One WeChat-confirmed payment applied `attempts` times concurrently, each with a freshly loaded order. */
await workerMain<ConfirmWorkerConfig, ConfirmWorkerResult>(async (config) => {
  const orm = await openOrm(config.databaseUrl);
  const orders = new MikroOrderRepository(orm);
  const recorder = new PaymentRecorder(orders, new MikroEventOutbox(orm), new MikroIntegralLedger(orm));
  const payment = { transactionId: config.transactionId, amount: Money.ofFen(config.amountFen), paidAt: new Date(config.paidAtMs) };

  return {
    go: async () => {
      const outcomes: Partial<Record<RecordOutcome['kind'], number>> = {};
      const errorSamples = new Set<string>();
      let errors = 0;
      await Promise.all(
        Array.from({ length: config.attempts }, async () => {
          try {
            const order = await orders.findByOutTradeNo(config.outTradeNo);
            if (!order) throw new Error(`order ${config.outTradeNo} not found`);
            const outcome = await recorder.recordPayment(order, payment, new Date());
            outcomes[outcome.kind] = (outcomes[outcome.kind] ?? 0) + 1;
          } catch (error) {
            errors++;
            errorSamples.add(describeError(error));
          }
        }),
      );
      return { outcomes, errors, errorSamples: [...errorSamples] };
    },
    close: () => orm.close(),
  };
});
