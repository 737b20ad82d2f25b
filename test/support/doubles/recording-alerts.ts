import type { Alert, Alerts } from '../../../src/application/ports/alerts.js';

/** Keeps every alert raised, in order, for tests to assert on. */
export class RecordingAlerts implements Alerts {
  readonly raised: Alert[] = [];

  raise(alert: Alert): void {
    this.raised.push(alert);
  }
}
