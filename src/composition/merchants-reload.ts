import type { Logger } from 'pino';
import type { Alerts } from '../application/ports/alerts.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import type { MerchantId } from '../domain/merchant.js';
import type { BuiltMerchant, MerchantRegistry } from './merchant-registry.js';
import type { Env } from './settings/fields.js';
import { readMerchantsFile } from './settings/merchants-file.js';
import type { MerchantsSettings } from './settings/merchants-settings.js';

export type ReloadOutcome =
  | {
      readonly ok: true;
      readonly added: readonly MerchantId[];
      readonly retired: readonly MerchantId[];
      readonly kept: readonly MerchantId[];
      /** Configured but not serving: their credentials did not check out. */
      readonly unavailable: readonly { readonly merchant: MerchantId; readonly problems: readonly string[] }[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface MerchantsReloadDeps {
  readonly registry: MerchantRegistry;
  /** What the process started with. */
  readonly settings: MerchantsSettings;
  /** The environment as it is now: `env:` references are read again at each reload. */
  readonly env: () => Env;
  readonly now: () => Date;
  /** WECHAT_GATEWAY=wechat (the file's notify-URL rules). */
  readonly live: boolean;
  /** NODE_ENV=production (the file's secrets held to production's rule). */
  readonly production: boolean;
  readonly build: (settings: MerchantsSettings) => readonly BuiltMerchant[];
  readonly metrics: Metrics;
  readonly alerts: Alerts;
  readonly logger: Logger;
}

/**
 * Reads MERCHANTS_FILE again and swaps the merchants in (SIGHUP, or an admin's button). A file that does not validate
 * changes nothing and says why (logged, alerted, returned); a merchant whose credentials fail is kept unavailable,
 * alerted and counted, while the others serve. Reloads run one at a time.
 */
export class MerchantsReloader {
  private current: MerchantsSettings;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: MerchantsReloadDeps) {
    this.current = deps.settings;
  }

  /** The merchants and mini-programs in force. */
  get settings(): MerchantsSettings {
    return this.current;
  }

  reload(actor: string): Promise<ReloadOutcome> {
    const next = this.running.then(() => this.reloadNow(actor));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** The metric and alerts for the merchants in service (at start, and after each reload). */
  announce(retired: readonly MerchantId[] = []): void {
    const { metrics, alerts, registry } = this.deps;
    for (const id of retired) metrics.merchantAvailable.remove({ merchant: id });
    for (const m of registry.health()) {
      if (m.state === 'retired') continue;
      metrics.merchantAvailable.set({ merchant: m.account.id }, m.state === 'available' ? 1 : 0);
      if (m.state === 'unavailable')
        alerts.raise({ kind: 'MerchantUnavailable', detail: { merchant: m.account.id, problems: m.problems } });
    }
  }

  private reloadNow(actor: string): ReloadOutcome {
    const { logger, alerts } = this.deps;
    const source = this.current.source;
    if (source.kind !== 'file') {
      const problems = ['no MERCHANTS_FILE: the merchant comes from the environment, which only a restart reads again'];
      logger.warn({ actor, problems }, 'merchants not reloaded');
      return { ok: false, problems };
    }
    const read = readMerchantsFile(source.path, {
      env: this.deps.env(),
      now: this.deps.now(),
      live: this.deps.live,
      production: this.deps.production,
    });
    if (!read.ok) {
      logger.error({ actor, problems: read.error }, 'merchants file did not validate: nothing changed');
      alerts.raise({ kind: 'MerchantsReloadRefused', detail: { actor, problems: read.error } });
      return { ok: false, problems: read.error };
    }
    let built: readonly BuiltMerchant[];
    try {
      built = this.deps.build(read.value);
    } catch (error) {
      const problems = [`the merchants could not be built: ${(error as Error).message}`];
      logger.error({ actor, err: error }, 'merchants file reload failed: nothing changed');
      alerts.raise({ kind: 'MerchantsReloadRefused', detail: { actor, problems } });
      return { ok: false, problems };
    }
    const swapped = this.deps.registry.replace(built);
    this.current = read.value;
    this.announce(swapped.retired);
    const unavailable = built.filter((m) => !m.gateway).map((m) => ({ merchant: m.account.id, problems: m.problems }));
    logger.info({ actor, ...swapped, unavailable: unavailable.map((u) => u.merchant) }, 'merchants reloaded');
    return { ok: true, ...swapped, unavailable };
  }
}
