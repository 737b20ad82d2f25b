import { Container } from 'inversify';
import { ConfirmOrder } from '../application/confirm-order.js';
import { GetOrderStatus } from '../application/get-order-status.js';
import { HandleNotify } from '../application/handle-notify.js';
import { Login } from '../application/login.js';
import { PaymentRecorder } from '../application/payment-recorder.js';
import type { Clock, Random } from '../application/ports/clock.js';
import type { GoodsCatalog } from '../application/ports/goods-catalog.js';
import type { IntegralLedger } from '../application/ports/integral-ledger.js';
import type { JobLease } from '../application/ports/job-lease.js';
import type { Lock } from '../application/ports/lock.js';
import type { MerchantIdentity } from '../application/ports/merchant.js';
import type { NotifyLog } from '../application/ports/notify-log.js';
import type { OrderRepository } from '../application/ports/order-repository.js';
import type { EventOutbox, PaymentEvents } from '../application/ports/payment-events.js';
import type { PaymentGateway } from '../application/ports/payment-gateway.js';
import type { UserRepository } from '../application/ports/user-repository.js';
import { HandleRefundNotice } from '../application/handle-refund-notice.js';
import { ReconcilePending, type ReconcileOptions } from '../application/reconcile-pending.js';
import { ReconcileBill } from '../application/reconcile-bill.js';
import { RefundOrder } from '../application/refund-order.js';
import { RelayPaymentEvents } from '../application/relay-payment-events.js';
import { RequestPrepay } from '../application/request-prepay.js';
import { TOKENS } from './tokens.js';

/** The adapters chosen for this process, one per port. */
export interface Adapters {
  readonly clock: Clock;
  readonly random: Random;
  readonly merchant: MerchantIdentity;
  readonly orders: OrderRepository;
  readonly goods: GoodsCatalog;
  readonly users: UserRepository;
  readonly notifyLog: NotifyLog;
  /** Durable events awaiting delivery; order repositories write to it in their transactions. */
  readonly outbox: EventOutbox;
  /** Where the relay delivers events (webhook, log). */
  readonly eventSink: PaymentEvents;
  readonly reconcile?: Partial<ReconcileOptions>;
  readonly gateway: PaymentGateway;
  readonly lock: Lock;
  readonly jobLease: JobLease;
  readonly ledger: IntegralLedger;
}

/**
 * Binds the ports to the given adapters and the use cases to the ports. Use cases carry no decorators, so every
 * binding names its dependencies explicitly with toResolvedValue: nothing depends on emitted type metadata.
 */
export function buildContainer(a: Adapters): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TOKENS.Clock).toConstantValue(a.clock);
  c.bind(TOKENS.Random).toConstantValue(a.random);
  c.bind(TOKENS.Merchant).toConstantValue(a.merchant);
  c.bind(TOKENS.OrderRepository).toConstantValue(a.orders);
  c.bind(TOKENS.GoodsCatalog).toConstantValue(a.goods);
  c.bind(TOKENS.UserRepository).toConstantValue(a.users);
  c.bind(TOKENS.NotifyLog).toConstantValue(a.notifyLog);
  c.bind(TOKENS.EventOutbox).toConstantValue(a.outbox);
  c.bind(TOKENS.EventSink).toConstantValue(a.eventSink);
  c.bind(TOKENS.ReconcileOptions).toConstantValue(a.reconcile ?? {});
  c.bind(TOKENS.PaymentGateway).toConstantValue(a.gateway);
  c.bind(TOKENS.Lock).toConstantValue(a.lock);
  c.bind(TOKENS.JobLease).toConstantValue(a.jobLease);
  c.bind(TOKENS.IntegralLedger).toConstantValue(a.ledger);

  c.bind(PaymentRecorder).toResolvedValue(
    (orders: OrderRepository, outbox: EventOutbox, ledger: IntegralLedger) => new PaymentRecorder(orders, outbox, ledger),
    [TOKENS.OrderRepository, TOKENS.EventOutbox, TOKENS.IntegralLedger],
  );
  c.bind(ConfirmOrder).toResolvedValue(
    (orders: OrderRepository, gateway: PaymentGateway, recorder: PaymentRecorder, clock: Clock) =>
      new ConfirmOrder(orders, gateway, recorder, clock),
    [TOKENS.OrderRepository, TOKENS.PaymentGateway, PaymentRecorder, TOKENS.Clock],
  );
  c.bind(RequestPrepay).toResolvedValue(
    (confirm: ConfirmOrder, recorder: PaymentRecorder) =>
      new RequestPrepay({ goods: a.goods, users: a.users, orders: a.orders, gateway: a.gateway, confirm, recorder, ledger: a.ledger, lock: a.lock, clock: a.clock, random: a.random }),
    [ConfirmOrder, PaymentRecorder],
  );
  c.bind(HandleNotify).toResolvedValue(
    (merchant: MerchantIdentity, orders: OrderRepository, gateway: PaymentGateway, recorder: PaymentRecorder, clock: Clock) =>
      new HandleNotify(merchant, orders, gateway, recorder, clock),
    [TOKENS.Merchant, TOKENS.OrderRepository, TOKENS.PaymentGateway, PaymentRecorder, TOKENS.Clock],
  );
  c.bind(Login).toResolvedValue((gateway: PaymentGateway, users: UserRepository) => new Login(gateway, users), [
    TOKENS.PaymentGateway,
    TOKENS.UserRepository,
  ]);
  c.bind(GetOrderStatus).toResolvedValue(
    (orders: OrderRepository, confirm: ConfirmOrder, clock: Clock) => new GetOrderStatus(orders, confirm, clock),
    [TOKENS.OrderRepository, ConfirmOrder, TOKENS.Clock],
  );
  c.bind(RefundOrder).toResolvedValue(
    (orders: OrderRepository, gateway: PaymentGateway, recorder: PaymentRecorder, clock: Clock) => new RefundOrder(orders, gateway, recorder, clock),
    [TOKENS.OrderRepository, TOKENS.PaymentGateway, PaymentRecorder, TOKENS.Clock],
  );
  c.bind(HandleRefundNotice).toResolvedValue(
    (merchant: MerchantIdentity, orders: OrderRepository, gateway: PaymentGateway, recorder: PaymentRecorder, clock: Clock) =>
      new HandleRefundNotice(merchant, orders, gateway, recorder, clock),
    [TOKENS.Merchant, TOKENS.OrderRepository, TOKENS.PaymentGateway, PaymentRecorder, TOKENS.Clock],
  );
  c.bind(ReconcilePending).toResolvedValue(
    (orders: OrderRepository, gateway: PaymentGateway, confirm: ConfirmOrder, recorder: PaymentRecorder, ledger: IntegralLedger, clock: Clock, options: Partial<ReconcileOptions>) =>
      new ReconcilePending(orders, gateway, confirm, recorder, ledger, clock, options),
    [TOKENS.OrderRepository, TOKENS.PaymentGateway, ConfirmOrder, PaymentRecorder, TOKENS.IntegralLedger, TOKENS.Clock, TOKENS.ReconcileOptions],
  );
  c.bind(ReconcileBill).toResolvedValue(
    (orders: OrderRepository, gateway: PaymentGateway, confirm: ConfirmOrder, clock: Clock) => new ReconcileBill(orders, gateway, confirm, clock),
    [TOKENS.OrderRepository, TOKENS.PaymentGateway, ConfirmOrder, TOKENS.Clock],
  );
  c.bind(RelayPaymentEvents).toResolvedValue(
    (outbox: EventOutbox, sink: PaymentEvents, clock: Clock) => new RelayPaymentEvents(outbox, sink, clock),
    [TOKENS.EventOutbox, TOKENS.EventSink, TOKENS.Clock],
  );
  return c;
}
