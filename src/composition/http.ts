import { CALLBACK_PATHS } from '../adapters/http/callback-paths.js';
import { readFileSync } from 'node:fs';
import type { Express, Router } from 'express';
import type { Container } from 'inversify';
import { GetOrderStatus } from '../application/payments/get-order-status.js';
import { GrantCoins } from '../application/coins/grant-coins.js';
import { HandleNotify } from '../application/payments/handle-notify.js';
import { HandleRefundNotice } from '../application/refunds/handle-refund-notice.js';
import { Login } from '../application/users/login.js';
import { ManageGoods } from '../application/goods/manage-goods.js';
import { RefundOrder } from '../application/refunds/refund-order.js';
import { RequestPrepay } from '../application/payments/request-prepay.js';
import type { ReconcileReport } from '../application/reconciliation/reconcile-pending.js';
import { ResolveReview } from '../application/orders/resolve-review.js';
import { ReadDashboard } from '../application/reporting/dashboard.js';
import { ManageOperators } from '../application/operators/manage-operators.js';
import { ManageOperatorTotp } from '../application/operators/operator-totp.js';
import { ResumeOperatorSession, SignOutOperator } from '../application/operators/operator-session.js';
import { ReadOrderHistory } from '../application/orders/order-history.js';
import { SignInOperator } from '../application/operators/sign-in-operator.js';
import { consoleRouter } from '../adapters/console/router.js';
import { adminRoutes, type MerchantsAdmin } from '../adapters/http/admin-routes.js';
import { merchantCallbacks } from '../adapters/http/merchant-callbacks.js';
import { UnknownMerchantError } from '../application/ports/payment-gateways.js';
import { merchantHealthView, reloadView } from './merchant-views.js';
import { createHttpApp } from '../adapters/http/app.js';
import { callbackFront, type FrontHandler } from '../adapters/http/callback-front.js';
import { callbackAnswerer, callbackRoute, type CallbackRouteDeps } from '../adapters/http/callback-route.js';
import type { PaymentNotice, RefundNotice } from '../application/ports/notify-verifier.js';
import { goodsRoutes } from '../adapters/http/goods-routes.js';
import { metricsRoutes, probeRoutes, type ReadinessCheck } from '../adapters/http/ops-routes.js';
import { buildOpenApiDocument } from '../adapters/http/openapi/document.js';
import type { Audience } from '../adapters/http/openapi/operations.js';
import { openApiRoutes } from '../adapters/http/openapi/openapi-routes.js';
import { wechatRoutes } from '../adapters/http/wechat-routes.js';
import type { CallbackDialect } from '../adapters/wechatpay/shared/callback-dialect.js';
import type { Config } from './config.js';
import type { Jobs } from './jobs.js';
import type { Resources } from './resources.js';
import { TOKENS } from './tokens.js';

export interface HttpApps {
  /** What the reverse proxy publishes (and, without ADMIN_PORT, everything). */
  readonly public: Express;
  /** ADMIN_PORT's listener: the admin API and /metrics, which the public one then answers 404 for. */
  readonly admin?: Express;
  /** Tried before `public` on its listener: WeChat's callbacks, answered without Express (callback-front.ts). */
  readonly callbacks: FrontHandler;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The Express apps: every route, its use cases from the container. Each app serves its own /openapi.json and /docs,
 * describing exactly what that listener serves.
 */
export function buildHttpApps(container: Container, resources: Resources, jobs: Jobs): HttpApps {
  const get = container.get.bind(container);
  const config = get(TOKENS.Config);
  const logger = get(TOKENS.Logger);
  const metrics = get(TOKENS.Metrics);
  const clock = get(TOKENS.Clock);
  const verifier = get(TOKENS.NotifyVerifier);
  const dialects = callbackDialects(config);
  const callbackDeps = { notifyLog: get(TOKENS.NotifyLog), clock, metrics, logger, dialects };
  const handleNotify = get(HandleNotify);
  const handleRefundNotice = get(HandleRefundNotice);
  const registry = get(TOKENS.MerchantRegistry);
  const merchantsAdmin = merchantsAdminOf(container);
  const probes = probeRoutes(readinessChecks(resources));
  const metricsRouter = metricsRoutes(metrics, config.metricsToken);
  const docs = (audiences: Audience[]): Router =>
    openApiRoutes(buildOpenApiDocument({ audiences, metricsToken: config.metricsToken !== undefined, version: VERSION }));
  const adminAudience: Audience[] = config.adminToken ? ['admin'] : [];
  const app = (routers: Router[], sandbox: boolean): Express =>
    createHttpApp({
      logger,
      trustProxyHops: config.trustProxyHops,
      callbackDialects: dialects,
      ...(sandbox && resources.simulator ? { sandbox: resources.simulator.router } : {}),
      routers,
    });
  // First in every app: WeChat's callbacks and the mini-program's calls are the traffic, and Express tries routers in order.
  const payNotify: CallbackRouteDeps<PaymentNotice> = {
    ...callbackDeps,
    path: CALLBACK_PATHS.pay,
    kind: 'pay',
    acceptGet: true,
    verify: (callback) => verifier.payment(callback),
    handle: (notice) => handleNotify.execute(notice),
    orderOf: (notice) => notice.outTradeNo,
  };
  const refundNotify: CallbackRouteDeps<RefundNotice> = {
    ...callbackDeps,
    path: CALLBACK_PATHS.refund,
    kind: 'refund',
    verify: (callback) => verifier.refund(callback),
    handle: (notice) => handleRefundNotice.execute(notice),
    orderOf: (notice) => notice.outTradeNo,
  };
  // Each merchant's own callback paths: its verifier alone, and the use case told which merchant it must be.
  const perMerchant = merchantCallbacks({
    ...callbackDeps,
    verifierOf: (merchantId) => {
      try {
        return registry.notifyVerifierOf(merchantId);
      } catch (error) {
        if (error instanceof UnknownMerchantError) return undefined;
        throw error;
      }
    },
    handlePayment: (notice, merchantId) => handleNotify.execute(notice, merchantId),
    handleRefund: (notice, merchantId) => handleRefundNotice.execute(notice, merchantId),
  });
  // The front handler answers the callbacks; their Express routes stay for what it leaves to Express.
  const callbacks = callbackFront({
    logger,
    trustProxyHops: config.trustProxyHops,
    dialects,
    endpoints: [
      { path: payNotify.path, acceptGet: true, answer: callbackAnswerer(payNotify) },
      { path: refundNotify.path, acceptGet: false, answer: callbackAnswerer(refundNotify) },
    ],
    endpointOf: perMerchant.endpointOf,
  });
  const publicRouters = [
    callbackRoute(payNotify),
    callbackRoute(refundNotify),
    ...perMerchant.router,
    wechatRoutes({
      login: get(Login),
      requestPrepay: get(RequestPrepay),
      getOrderStatus: get(GetOrderStatus),
      ledger: get(TOKENS.IntegralLedger),
      tokens: get(TOKENS.SessionTokens),
      miniPrograms: get(TOKENS.MiniPrograms),
      metrics,
      logger,
    }),
    goodsRoutes(get(TOKENS.GoodsCatalog), get(TOKENS.MiniPrograms)),
  ];
  const adminRouter = adminRoutes({
    ...(config.adminToken ? { adminToken: config.adminToken } : {}),
    orders: get(TOKENS.OrderRepository),
    goods: get(TOKENS.GoodsCatalog),
    manageGoods: get(ManageGoods),
    refundOrder: get(RefundOrder),
    resolveReview: get(ResolveReview),
    grantCoins: get(GrantCoins),
    audit: get(TOKENS.AuditLog),
    reconcileNow: () => jobs.runNow('reconcile-pending') as Promise<ReconcileReport | undefined>,
    reconcileBill: (date) => jobs.reconcileBill(date),
    merchants: merchantsAdmin,
    logger,
  });
  // The operator console goes with the admin API: on ADMIN_PORT when there is one, so the public proxy never serves it.
  const operatorConsole = buildConsole(container, jobs).router;
  if (!config.adminListener) {
    return {
      public: app(
        [...publicRouters, probes, metricsRouter, docs(['probe', 'public', 'metrics', ...adminAudience]), adminRouter, operatorConsole],
        true,
      ),
      callbacks,
    };
  }
  return {
    public: app([...publicRouters, probes, docs(['probe', 'public'])], true),
    admin: app([probes, metricsRouter, docs(['probe', 'metrics', ...adminAudience]), adminRouter, operatorConsole], false),
    callbacks,
  };
}

/** The operator console, on the same use cases and ports as the admin API. */
export function buildConsole(container: Container, jobs: Pick<Jobs, 'reconcileBill'>) {
  const get = container.get.bind(container);
  const clock = get(TOKENS.Clock);
  return consoleRouter(
    {
      logger: get(TOKENS.Logger),
      signIn: get(SignInOperator),
      resumeSession: get(ResumeOperatorSession),
      signOut: get(SignOutOperator),
      manageOperators: get(ManageOperators),
      manageTotp: get(ManageOperatorTotp),
      loginAttempts: get(TOKENS.LoginAttempts),
      dashboard: get(ReadDashboard),
      orders: get(TOKENS.OrderRepository),
      orderHistory: get(ReadOrderHistory),
      refundOrder: get(RefundOrder),
      resolveReview: get(ResolveReview),
      goods: get(TOKENS.GoodsCatalog),
      manageGoods: get(ManageGoods),
      users: get(TOKENS.UserRepository),
      ledger: get(TOKENS.IntegralLedger),
      grantCoins: get(GrantCoins),
      audit: get(TOKENS.AuditLog),
      runs: get(TOKENS.ReconcileRuns),
      reconcileBill: (date) => jobs.reconcileBill(date),
      merchants: merchantsAdminOf(container),
      shops: () =>
        get(TOKENS.MerchantRegistry)
          .health()
          .map((h) => ({ id: h.account.id, name: h.account.name ?? h.account.id, retired: h.state === 'retired' })),
      miniPrograms: get(TOKENS.MiniPrograms),
      sessionMaxAgeSeconds: Math.floor(get(TOKENS.SessionPolicy).absoluteMs / 1000),
      sandbox: get(TOKENS.Config).gateway === 'sandbox',
    },
    () => clock.now(),
  );
}

/** The callback dialects this service speaks: every API some merchant's credentials are configured for. */
function callbackDialects(config: Config): CallbackDialect[] {
  const merchants = config.merchants.merchants;
  return [
    ...(merchants.some((m) => m.credentials?.v2) ? ['v2' as const] : []),
    ...(merchants.some((m) => m.credentials?.v3) ? ['v3' as const] : []),
  ];
}

/** The merchants' health and reload, as the admin API and the console offer them. */
export function merchantsAdminOf(container: Container): MerchantsAdmin {
  const registry = container.get(TOKENS.MerchantRegistry);
  const reloader = container.get(TOKENS.MerchantsReloader);
  return {
    health: () => registry.health().map(merchantHealthView),
    reload: async (actor) => reloadView(await reloader.reload(actor)),
  };
}

function readinessChecks(resources: Resources): Record<string, ReadinessCheck> {
  const { orm, redis } = resources;
  return {
    ...(orm ? { database: async () => (await orm.isConnected()) === true } : {}),
    ...(redis ? { redis: async () => (await redis.ping()) === 'PONG' } : {}),
  };
}
