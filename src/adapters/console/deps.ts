import type { Logger } from 'pino';
import type { MiniPrograms } from '../../application/ports/mini-programs.js';
import type { ReadDashboard } from '../../application/reporting/dashboard.js';
import type { GrantCoins } from '../../application/coins/grant-coins.js';
import type { ManageGoods } from '../../application/goods/manage-goods.js';
import type { ManageOperators } from '../../application/operators/manage-operators.js';
import type { ManageOperatorTotp } from '../../application/operators/operator-totp.js';
import type { ResumeOperatorSession, SignOutOperator } from '../../application/operators/operator-session.js';
import type { ReadOrderHistory } from '../../application/orders/order-history.js';
import type { AuditLog } from '../../application/ports/audit-log.js';
import type { GoodsAdmin } from '../../application/ports/goods-catalog.js';
import type { IntegralLedger } from '../../application/ports/integral-ledger.js';
import type { LoginAttempts } from '../../application/ports/operators.js';
import type { OrderRepository } from '../../application/ports/order-repository.js';
import type { ReconcileRuns } from '../../application/ports/reconcile-runs.js';
import type { UserRepository } from '../../application/ports/user-repository.js';
import type { DayReports } from '../../application/reconciliation/day-reports.js';
import type { RefundOrder } from '../../application/refunds/refund-order.js';
import type { ResolveReview } from '../../application/orders/resolve-review.js';
import type { SignInOperator } from '../../application/operators/sign-in-operator.js';
import type { MerchantsAdmin } from '../http/admin-routes.js';
import type { Shop } from './shops.js';

/** What the console is built from: the same use cases and ports as the JSON API, plus its own account use cases. */
export interface ConsoleDeps {
  readonly logger: Logger;
  readonly signIn: SignInOperator;
  readonly resumeSession: ResumeOperatorSession;
  readonly signOut: SignOutOperator;
  readonly manageOperators: ManageOperators;
  /** Each operator's own second factor (TOTP). */
  readonly manageTotp: ManageOperatorTotp;
  readonly loginAttempts: LoginAttempts;
  readonly dashboard: ReadDashboard;
  readonly orders: OrderRepository;
  readonly orderHistory: ReadOrderHistory;
  readonly refundOrder: RefundOrder;
  readonly resolveReview: ResolveReview;
  readonly goods: GoodsAdmin;
  readonly manageGoods: ManageGoods;
  readonly users: UserRepository;
  readonly ledger: IntegralLedger;
  readonly grantCoins: GrantCoins;
  readonly audit: AuditLog;
  readonly runs: ReconcileRuns;
  /** Reconciles one day's trade bill now (yyyyMMdd) and records the run; the caller audits it. */
  readonly reconcileBill: (date: string) => Promise<DayReports>;
  /** The merchants' health and reloading MERCHANTS_FILE (the merchants page). */
  readonly merchants: MerchantsAdmin;
  /** Which merchant each mini-program sells through: goods and users are a shop's by their mini-program. */
  readonly miniPrograms: MiniPrograms;
  /**
   * The merchants this process knows, configured ones first, then those a reload retired: their names (the dashboard's
   * shop selector, an order's shop, the operators page's grants) and which are retired (their orders are read-only).
   */
  readonly shops: () => readonly Shop[];
  /** True when WeChat Pay is the built-in simulator (WECHAT_GATEWAY=sandbox): a banner on every page says so. */
  readonly sandbox: boolean;
  /** Seconds a session cookie may live (the session's absolute lifetime). */
  readonly sessionMaxAgeSeconds: number;
}
