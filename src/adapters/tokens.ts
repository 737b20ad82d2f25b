import type { ServiceIdentifier } from 'inversify';
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
import type { ReconcileOptions } from '../application/reconcile-pending.js';

const token = <T>(name: string): ServiceIdentifier<T> => Symbol.for(`wxpay.${name}`);

/** One identifier per port; only the container and the composition root use them. */
export const TOKENS = {
  Clock: token<Clock>('Clock'),
  Random: token<Random>('Random'),
  Merchant: token<MerchantIdentity>('Merchant'),
  OrderRepository: token<OrderRepository>('OrderRepository'),
  GoodsCatalog: token<GoodsCatalog>('GoodsCatalog'),
  UserRepository: token<UserRepository>('UserRepository'),
  NotifyLog: token<NotifyLog>('NotifyLog'),
  EventOutbox: token<EventOutbox>('EventOutbox'),
  EventSink: token<PaymentEvents>('EventSink'),
  ReconcileOptions: token<Partial<ReconcileOptions>>('ReconcileOptions'),
  PaymentGateway: token<PaymentGateway>('PaymentGateway'),
  Lock: token<Lock>('Lock'),
  JobLease: token<JobLease>('JobLease'),
  IntegralLedger: token<IntegralLedger>('IntegralLedger'),
} as const;
