import { openOrm } from '../../../src/adapters/persistence/orm.js';
import { PaymentRecorder } from '../../../src/application/orders/payment-recorder.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { containerOnDatabase } from '../../support/test-container.js';
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

type Outcome = Awaited<ReturnType<PaymentRecorder['recordPayment']>>['kind'];

export interface ConfirmWorkerResult {
  readonly outcomes: Partial<Record<Outcome, number>>;
  readonly errors: number;
  readonly errorSamples: string[];
}

/** One WeChat-confirmed payment applied `attempts` times concurrently, each with a freshly loaded order. */
await workerMain<ConfirmWorkerConfig, ConfirmWorkerResult>(async (config) => {
  const orm = await openOrm(config.databaseUrl);
  const { container } = containerOnDatabase(orm);
  const orders = container.get(TOKENS.OrderRepository);
  const recorder = container.get(PaymentRecorder);
  const payment = { transactionId: config.transactionId, amount: Money.ofFen(config.amountFen), paidAt: new Date(config.paidAtMs) };

  return {
    go: async () => {
      const outcomes: Partial<Record<Outcome, number>> = {};
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
