import type { Alerts } from '../../application/ports/alerts.js';
import type { UnavailableKind, UnavailableListener } from '../persistence/sql-session.js';

/**
 * An alert while the database refuses statements as a whole (gone, or read-only during a failover): at most one per
 * kind every `everyMs`, so a failover pages someone and keeps reminding while it lasts, without a line per request.
 * Requests meanwhile answer errors, and notifies FAIL so that WeChat retries them.
 */
export function databaseAlerts(alerts: Alerts, now: () => number = Date.now, everyMs = 10_000): UnavailableListener {
  const last = new Map<UnavailableKind, number>();
  return (kind, error) => {
    const at = now();
    const previous = last.get(kind);
    if (previous !== undefined && at - previous < everyMs) return;
    last.set(kind, at);
    alerts.raise({
      kind: 'databaseUnavailable',
      detail: { failure: kind, error: error instanceof Error ? error.message : String(error) },
    });
  };
}
