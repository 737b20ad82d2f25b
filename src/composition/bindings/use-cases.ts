import type { Container } from 'inversify';
import { PruneHistory } from '../../application/housekeeping/prune-history.js';
import { CloseAbandonedOrders } from '../../application/reconciliation/close-abandoned-orders.js';
import { ConfirmOrder } from '../../application/payments/confirm-order.js';
import { GetOrderStatus } from '../../application/payments/get-order-status.js';
import { GrantCoins } from '../../application/coins/grant-coins.js';
import { HandleNotify } from '../../application/payments/handle-notify.js';
import { HandleRefundNotice } from '../../application/refunds/handle-refund-notice.js';
import { IssuePrepay } from '../../application/payments/issue-prepay.js';
import { Login } from '../../application/users/login.js';
import { ManageGoods } from '../../application/goods/manage-goods.js';
import { OpenOrder } from '../../application/payments/open-order.js';
import { PaymentRecorder } from '../../application/orders/payment-recorder.js';
import { ReconcileBill } from '../../application/reconciliation/reconcile-bill.js';
import { ReconcileDailyBill } from '../../application/reconciliation/reconcile-daily-bill.js';
import { ReconcileFundFlow } from '../../application/reconciliation/reconcile-fund-flow.js';
import { ReconcileRefundBill } from '../../application/reconciliation/reconcile-refund-bill.js';
import { ReconcilePayments } from '../../application/reconciliation/reconcile-payments.js';
import { ReconcilePending } from '../../application/reconciliation/reconcile-pending.js';
import { ReconcileRefunds } from '../../application/reconciliation/reconcile-refunds.js';
import { RefundOrder } from '../../application/refunds/refund-order.js';
import { RelayPaymentEvents } from '../../application/events/relay-payment-events.js';
import { RepairCoins } from '../../application/coins/repair-coins.js';
import { RequestPrepay } from '../../application/payments/request-prepay.js';
import { ResolveReview } from '../../application/orders/resolve-review.js';
import { SettleRefund } from '../../application/refunds/settle-refund.js';
import { SubmitRefund } from '../../application/refunds/submit-refund.js';
import { SupersedeOrder } from '../../application/payments/supersede-order.js';
import { ReadDashboard } from '../../application/reporting/dashboard.js';
import { ManageOperators } from '../../application/operators/manage-operators.js';
import { ResumeOperatorSession, SignOutOperator } from '../../application/operators/operator-session.js';
import { ReadOrderHistory } from '../../application/orders/order-history.js';
import { ManageOperatorTotp } from '../../application/operators/operator-totp.js';
import { SignInOperator } from '../../application/operators/sign-in-operator.js';
import { TOKENS } from '../tokens.js';

/** A factory for toResolvedValue: use cases carry no decorators, so every binding names its dependencies. */
const construct =
  <T, A extends unknown[]>(Use: new (...args: A) => T) =>
  (...args: A): T =>
    new Use(...args);

/**
 * The use cases, bound to ports only: whichever adapters the ports are bound to (production's, or a test's doubles),
 * the use cases are wired exactly the same way. Each is a singleton: some keep per-process state (back-off, rate
 * limits) that must be shared by every caller.
 */
export function bindUseCases(c: Container): void {
  const { OrderRepository, PaymentGateways, Clock, Random, Merchants, IntegralLedger, EventOutbox, Alerts } = TOKENS;
  c.bind(PaymentRecorder).toResolvedValue(construct(PaymentRecorder), [OrderRepository, EventOutbox, IntegralLedger, Alerts]);
  c.bind(ConfirmOrder).toResolvedValue(construct(ConfirmOrder), [PaymentGateways, PaymentRecorder, Clock]);
  c.bind(SupersedeOrder).toResolvedValue(construct(SupersedeOrder), [OrderRepository, PaymentGateways, ConfirmOrder, Clock]);
  c.bind(OpenOrder).toResolvedValue(construct(OpenOrder), [OrderRepository, IntegralLedger, SupersedeOrder, Clock, Random]);
  c.bind(IssuePrepay).toResolvedValue(construct(IssuePrepay), [PaymentGateways, OrderRepository, ConfirmOrder, SupersedeOrder, Clock]);
  c.bind(RequestPrepay).toResolvedValue(construct(RequestPrepay), [
    TOKENS.GoodsCatalog,
    TOKENS.UserRepository,
    TOKENS.Lock,
    OpenOrder,
    IssuePrepay,
    PaymentRecorder,
    Clock,
    TOKENS.MiniPrograms,
    TOKENS.PrepayLockTiming,
  ]);
  c.bind(HandleNotify).toResolvedValue(construct(HandleNotify), [Merchants, OrderRepository, ConfirmOrder]);
  c.bind(Login).toResolvedValue(construct(Login), [TOKENS.MiniProgramLogins, TOKENS.UserRepository, TOKENS.MiniPrograms]);
  c.bind(GetOrderStatus).toResolvedValue(construct(GetOrderStatus), [OrderRepository, ConfirmOrder, Clock]);
  c.bind(SettleRefund).toResolvedValue(construct(SettleRefund), [PaymentGateways, PaymentRecorder, Clock]);
  c.bind(SubmitRefund).toResolvedValue(construct(SubmitRefund), [PaymentGateways, PaymentRecorder, Clock]);
  c.bind(RefundOrder).toResolvedValue(construct(RefundOrder), [
    OrderRepository,
    SubmitRefund,
    PaymentRecorder,
    TOKENS.AuditLog,
    Clock,
    TOKENS.Lock,
    TOKENS.RefundLockTiming,
  ]);
  c.bind(ResolveReview).toResolvedValue(construct(ResolveReview), [OrderRepository, TOKENS.AuditLog, Clock]);
  c.bind(GrantCoins).toResolvedValue(construct(GrantCoins), [
    TOKENS.UserRepository,
    IntegralLedger,
    TOKENS.AuditLog,
    Clock,
    TOKENS.MiniPrograms,
  ]);
  c.bind(ManageGoods).toResolvedValue(construct(ManageGoods), [TOKENS.GoodsCatalog, TOKENS.AuditLog, Clock, TOKENS.MiniPrograms]);
  c.bind(HandleRefundNotice).toResolvedValue(construct(HandleRefundNotice), [Merchants, OrderRepository, SettleRefund]);
  c.bind(ReconcilePayments).toResolvedValue(construct(ReconcilePayments), [
    OrderRepository,
    PaymentGateways,
    ConfirmOrder,
    Clock,
    TOKENS.ReconcileOptions,
  ]);
  c.bind(CloseAbandonedOrders).toResolvedValue(construct(CloseAbandonedOrders), [
    OrderRepository,
    PaymentGateways,
    ConfirmOrder,
    PaymentRecorder,
    Clock,
  ]);
  c.bind(ReconcileRefunds).toResolvedValue(construct(ReconcileRefunds), [OrderRepository, SettleRefund, SubmitRefund]);
  c.bind(RepairCoins).toResolvedValue(construct(RepairCoins), [IntegralLedger, OrderRepository, PaymentRecorder, Clock]);
  c.bind(ReconcilePending).toResolvedValue(construct(ReconcilePending), [
    ReconcilePayments,
    CloseAbandonedOrders,
    ReconcileRefunds,
    RepairCoins,
  ]);
  c.bind(ReconcileBill).toResolvedValue(construct(ReconcileBill), [OrderRepository, PaymentGateways, ConfirmOrder, TOKENS.Alerts, Clock]);
  c.bind(ReconcileDailyBill).toResolvedValue(construct(ReconcileDailyBill), [ReconcileBill, Clock]);
  c.bind(ReconcileRefundBill).toResolvedValue(construct(ReconcileRefundBill), [
    OrderRepository,
    PaymentGateways,
    SettleRefund,
    PaymentRecorder,
    TOKENS.Alerts,
    Clock,
  ]);
  c.bind(ReconcileFundFlow).toResolvedValue(construct(ReconcileFundFlow), [
    OrderRepository,
    PaymentGateways,
    PaymentRecorder,
    TOKENS.Alerts,
    Clock,
  ]);
  c.bind(PruneHistory).toResolvedValue(construct(PruneHistory), [TOKENS.ReconcileRuns, TOKENS.OperatorSessions, Clock]);
  c.bind(RelayPaymentEvents).toResolvedValue(construct(RelayPaymentEvents), [EventOutbox, TOKENS.EventSink, Clock]);
  bindConsoleUseCases(c);
}

/** The operator console's own use cases: accounts and sessions, and the reads behind its pages. */
function bindConsoleUseCases(c: Container): void {
  const { Operators, OperatorSessions, SessionSecrets, Clock } = TOKENS;
  c.bind(SignInOperator).toResolvedValue(construct(SignInOperator), [
    Operators,
    OperatorSessions,
    TOKENS.LoginAttempts,
    TOKENS.PasswordHasher,
    SessionSecrets,
    Clock,
    TOKENS.SecondFactor,
    TOKENS.LoginLimits,
    TOKENS.SessionPolicy,
  ]);
  c.bind(ManageOperatorTotp).toResolvedValue(construct(ManageOperatorTotp), [
    Operators,
    OperatorSessions,
    TOKENS.TotpSecrets,
    TOKENS.AuditLog,
    Clock,
    TOKENS.TotpIssuer,
  ]);
  c.bind(ResumeOperatorSession).toResolvedValue(construct(ResumeOperatorSession), [
    Operators,
    OperatorSessions,
    SessionSecrets,
    Clock,
    TOKENS.SessionPolicy,
  ]);
  c.bind(SignOutOperator).toResolvedValue(construct(SignOutOperator), [OperatorSessions, SessionSecrets, Clock]);
  c.bind(ManageOperators).toResolvedValue(construct(ManageOperators), [
    Operators,
    OperatorSessions,
    TOKENS.PasswordHasher,
    TOKENS.AuditLog,
    Clock,
  ]);
  c.bind(ReadOrderHistory).toResolvedValue(construct(ReadOrderHistory), [
    TOKENS.OrderRepository,
    TOKENS.NotifyHistory,
    TOKENS.OutboxHistory,
    TOKENS.IntegralLedger,
    TOKENS.AuditLog,
  ]);
  c.bind(ReadDashboard).toResolvedValue(construct(ReadDashboard), [TOKENS.OrderStatistics, TOKENS.NotifyHistory, Clock]);
}
