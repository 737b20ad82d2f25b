import type { Logger } from 'pino';
import type { Alert, Alerts } from '../../application/ports/alerts.js';
import type { Metrics } from './metrics.js';

/** Alerts as operators receive them: an error-level log line marked `alert: true`, and a counter to page on. */
export class LogAlerts implements Alerts {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  raise(alert: Alert): void {
    this.metrics.alerts.inc({ kind: alert.kind });
    this.logger.error({ alert: true, kind: alert.kind, outTradeNo: alert.outTradeNo, ...alert.detail }, `alert: ${alert.kind}`);
  }
}
