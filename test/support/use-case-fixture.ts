import type { Lock } from '../../src/application/ports/lock.js';
import { ConfirmOrder } from '../../src/application/confirm-order.js';
import { HandleNotify } from '../../src/application/handle-notify.js';
import { PaymentRecorder } from '../../src/application/payment-recorder.js';
import { HandleRefundNotice } from '../../src/application/handle-refund-notice.js';
import { ReconcilePending } from '../../src/application/reconcile-pending.js';
import { RefundOrder } from '../../src/application/refund-order.js';
import { RequestPrepay } from '../../src/application/request-prepay.js';
import { FakePaymentGateway } from '../../src/adapters/memory/fake-payment-gateway.js';
import { InMemoryIntegralLedger } from '../../src/adapters/memory/in-memory-integral-ledger.js';
import { InMemoryGoodsCatalog } from '../../src/adapters/memory/in-memory-goods-catalog.js';
import { InMemoryLock } from '../../src/adapters/memory/in-memory-lock.js';
import { InMemoryOrderRepository } from '../../src/adapters/memory/in-memory-order-repository.js';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository.js';
import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { cryptoRandom } from '../../src/adapters/system/crypto-random.js';
import { aGoods } from './builders.js';

export interface FixtureOptions {
  /** Wraps each port before the use cases see it, e.g. to hand every await to a fast-check scheduler. */
  readonly wrap?: <T extends object>(port: T) => T;
  readonly lock?: Lock;
}

/** The use cases wired to the in-memory adapters, as the embedded default wires them, plus handles for tests. */
export async function useCaseFixture(options: FixtureOptions = {}) {
  const wrap = options.wrap ?? (<T,>(port: T) => port);
  const clock = new ManualClock(new Date(Date.UTC(2026, 0, 15, 4, 0, 0)));
  const orders = new InMemoryOrderRepository();
  const outbox = orders.outbox;
  const goods = new InMemoryGoodsCatalog([aGoods()]);
  const users = new InMemoryUserRepository();
  const user = await users.findOrCreate('openid-alice');
  const gateway = new FakePaymentGateway(clock);
  /** What the use cases recorded for fulfilment, in order (the outbox's contents). */
  const events = { get published() { return outbox.events(); } };
  const lock = options.lock ?? new InMemoryLock();

  const wrappedOrders = wrap(orders);
  const wrappedGateway = wrap(gateway);
  const ledger = new InMemoryIntegralLedger();
  const recorder = new PaymentRecorder(wrappedOrders, wrap(outbox), wrap(ledger));
  const confirm = new ConfirmOrder(wrappedOrders, wrappedGateway, recorder, clock);
  const requestPrepay = new RequestPrepay({
    goods: wrap(goods),
    users: wrap(users),
    orders: wrappedOrders,
    gateway: wrappedGateway,
    confirm,
    recorder,
    ledger: wrap(ledger),
    lock,
    clock,
    random: cryptoRandom,
    lockTiming: { ttlMs: 15_000, waitMs: 2_000 },
  });
  const handleNotify = new HandleNotify(gateway.merchant, wrappedOrders, wrappedGateway, recorder, clock);
  const refundOrder = new RefundOrder(wrappedOrders, wrappedGateway, recorder, clock);
  const handleRefundNotice = new HandleRefundNotice(gateway.merchant, wrappedOrders, wrappedGateway, recorder, clock);
  const reconcile = new ReconcilePending(wrappedOrders, wrappedGateway, confirm, recorder, wrap(ledger), clock, { retryBaseMs: 30_000 });

  return { clock, orders, outbox, ledger, goods, users, user, gateway, events, lock, recorder, confirm, requestPrepay, handleNotify, refundOrder, handleRefundNotice, reconcile };
}

export type UseCaseFixture = Awaited<ReturnType<typeof useCaseFixture>>;

/** Every promise a port method returns is released by the scheduler, in an order fast-check chooses. */
export function scheduledBy(s: { schedule<T>(task: Promise<T>): Promise<T> }) {
  return <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? s.schedule(result) : result;
        };
      },
    });
}
