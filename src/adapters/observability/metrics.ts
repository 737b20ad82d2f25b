import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReconcileReport } from '../../application/reconciliation/reconcile-pending.js';

/** The service's Prometheus metrics; one registry per service instance so tests can build several. */
export class Metrics {
  readonly registry = new Registry();

  readonly notifyVerdicts = new Counter({
    name: 'wxpay_notify_total',
    help: 'WeChat callbacks received (kind pay or refund), by verdict (recorded, duplicate, refused reasons, rejected parse reasons, error)',
    labelNames: ['kind', 'verdict'] as const,
    registers: [this.registry],
  });

  readonly notifyLatency = new Histogram({
    name: 'wxpay_notify_ack_seconds',
    help: 'Time from receiving a WeChat callback (kind pay or refund) to answering it',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly alerts = new Counter({
    name: 'wxpay_alerts_total',
    help: 'Alerts raised for a person, by kind (OrderNeedsReview, ...)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly unreadableRows = new Counter({
    name: 'wxpay_unreadable_rows_total',
    help: 'Stored rows the service cannot read (written by other code or edited by hand), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly prepays = new Counter({
    name: 'wxpay_prepay_total',
    help: 'Prepay requests, by outcome (granted, reused, or the refusal kind)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly gatewayCalls = new Histogram({
    name: 'wxpay_gateway_seconds',
    help: 'WeChat Pay calls by operation and outcome (ok, unavailable, error)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly merchantAvailable = new Gauge({
    name: 'wxpay_merchant_available',
    help: 'Per configured merchant: 1 while it serves, 0 while its credentials fail (its requests answer 503); alert on 0',
    labelNames: ['merchant'] as const,
    registers: [this.registry],
  });

  readonly merchantRetired = new Gauge({
    name: 'wxpay_merchant_retired',
    help: 'Per retired merchant (marked "retired": true in MERCHANTS_FILE, or removed by a reload): 1; it opens no new order, its orders are still served',
    labelNames: ['merchant'] as const,
    registers: [this.registry],
  });

  readonly reconciliationFixes = new Counter({
    name: 'wxpay_reconciliation_fixes_total',
    help: 'Orders whose state the reconciliation job changed, by resulting status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly pendingOrders = new Gauge({
    name: 'wxpay_pending_orders',
    help: 'Unpaid orders with a prepay_id that the last reconciliation run looked at, and those it could not settle',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly oldestPendingAge = new Gauge({
    name: 'wxpay_pending_order_oldest_age_seconds',
    help: 'Age of the oldest unpaid order that has a prepay_id, as of the last reconciliation run',
    registers: [this.registry],
  });

  private certificateExpiry: { readonly validTo: Date; readonly now: () => Date } | undefined;

  readonly certificateDaysLeft = new Gauge({
    name: 'wxpay_merchant_certificate_days_left',
    help: 'Days until the merchant API certificate (refunds over API v2) expires; absent without one. Alert well before 0',
    registers: [this.registry],
    collect: () => {
      const expiry = this.certificateExpiry;
      if (expiry) this.certificateDaysLeft.set(Math.floor((expiry.validTo.getTime() - expiry.now().getTime()) / 86_400_000));
    },
  });

  /** Reports the certificate's remaining days at every scrape, counted down by the service's clock. */
  watchCertificate(validTo: Date, now: () => Date): void {
    this.certificateExpiry = { validTo, now };
  }

  /** Counts what one reconciliation run changed. */
  recordReconciliation(report: ReconcileReport): void {
    const paid = report.paid + report.abandoned.paid + report.abandoned.completed;
    const failed = report.failed + report.closed + report.abandoned.closed;
    if (paid > 0) this.reconciliationFixes.inc({ status: 'SUCC' }, paid);
    if (failed > 0) this.reconciliationFixes.inc({ status: 'FAILED' }, failed);
    if (report.refundsSettled > 0) this.reconciliationFixes.inc({ status: 'REFUND' }, report.refundsSettled);
    this.pendingOrders.set({ kind: 'checked' }, report.checked);
    this.pendingOrders.set({ kind: 'unsettled' }, report.unchanged + report.errors);
    this.pendingOrders.set({ kind: 'flagged' }, report.flagged);
    this.oldestPendingAge.set(report.oldestPendingSeconds);
  }

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
