import type { Logger } from 'pino';
import type { Alerts } from '../application/ports/alerts.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import type { MerchantId } from '../domain/merchant.js';
import type { BuiltMerchant, MerchantRegistry } from './merchant-registry.js';
import { inService, type MiniProgramDirectory } from './mini-program-list.js';
import type { Env } from './settings/fields.js';
import { readMerchantsFile } from './settings/merchants-file.js';
import { merchantSecrets, type MerchantsSettings } from './settings/merchants-settings.js';

export type ReloadOutcome =
  | {
      readonly ok: true;
      readonly added: readonly MerchantId[];
      readonly retired: readonly MerchantId[];
      readonly kept: readonly MerchantId[];
      /** Configured but not serving: their credentials did not check out. */
      readonly unavailable: readonly { readonly merchant: MerchantId; readonly problems: readonly string[] }[];
      readonly miniPrograms: MiniProgramChanges;
      /**
       * Merchants and mini-programs the file no longer names although they have orders: removed all the same (retired
       * for the process's life), with the advice to keep them `"retired": true`, which survives a restart.
       */
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The mini-programs (appids) a reload added and removed, and those whose AppSecret or merchant changed. */
export interface MiniProgramChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

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
  /** The mini-programs served (`/mp/{appid}/…`) and their logins, replaced with the merchants. */
  readonly miniPrograms: Pick<MiniProgramDirectory, 'replace'>;
  /**
   * Whether there is an order of one of these merchants (of that mini-program, when an appid is given): a move's
   * check (movedWithOrders), and a removal's (removedWithOrders).
   */
  readonly hasOrders: (appId: string | undefined, merchantIds: readonly MerchantId[]) => Promise<boolean>;
  /** Tells the log scrubber of the secrets a reload read (a new merchant's keys, a new AppSecret). */
  readonly learnSecrets: (secrets: readonly string[]) => void;
  /** Told of every set swapped in (sandbox mode: the embedded simulator learns its new mini-programs). */
  readonly swapped?: (settings: MerchantsSettings) => void;
  readonly metrics: Metrics;
  readonly alerts: Alerts;
  readonly logger: Logger;
}

/**
 * Reads MERCHANTS_FILE again and swaps the merchants and the mini-programs in (SIGHUP, or an admin's button). A file
 * that does not validate changes nothing and says why (logged, alerted, returned); a merchant whose credentials fail
 * is kept unavailable, alerted and counted, while the others serve. Reloads run one at a time. The merchants and the
 * mini-programs are swapped in one synchronous step, so no request sees a mini-program without its merchant.
 */
export class MerchantsReloader {
  private current: MerchantsSettings;
  private running: Promise<unknown> = Promise.resolve();
  /** The merchant each mini-program this process has served last sold through (removed ones too). */
  private readonly soldThrough = new Map<string, MerchantId>();
  /** Every appid each merchant has taken payments for in this process (removed mini-programs' too). */
  private readonly appIdsOf = new Map<MerchantId, Set<string>>();

  constructor(private readonly deps: MerchantsReloadDeps) {
    this.current = deps.settings;
    this.remember(deps.settings);
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
      if (m.state === 'retired') {
        metrics.merchantRetired.set({ merchant: m.account.id }, 1);
        continue;
      }
      metrics.merchantRetired.remove({ merchant: m.account.id });
      metrics.merchantAvailable.set({ merchant: m.account.id }, m.state === 'available' ? 1 : 0);
      if (m.state === 'unavailable')
        alerts.raise({ kind: 'MerchantUnavailable', detail: { merchant: m.account.id, problems: m.problems } });
    }
  }

  private async reloadNow(actor: string): Promise<ReloadOutcome> {
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
    const refuse = (problems: readonly string[]): ReloadOutcome => {
      logger.error({ actor, problems }, 'merchants file did not validate: nothing changed');
      alerts.raise({ kind: 'MerchantsReloadRefused', detail: { actor, problems } });
      return { ok: false, problems };
    };
    if (!read.ok) return refuse(read.error);
    const next = read.value;
    // Before anything is built (building may log): a secret first read now is masked from the first line on.
    this.deps.learnSecrets(merchantSecrets(next));
    const problems = [...this.defaultKept(next), ...(await this.movedWithOrders(next))];
    if (problems.length > 0) return refuse(problems.map((p) => `MERCHANTS_FILE ${p}`));
    let built: readonly BuiltMerchant[];
    try {
      built = this.deps.build(this.withFormerAppIds(next));
    } catch (error) {
      const problems = [`the merchants could not be built: ${(error as Error).message}`];
      logger.error({ actor, err: error }, 'merchants file reload failed: nothing changed');
      alerts.raise({ kind: 'MerchantsReloadRefused', detail: { actor, problems } });
      return { ok: false, problems };
    }
    const warnings = await this.removedWithOrders(next);
    // One synchronous step: the list cannot refuse now (its default was checked above).
    const swapped = this.deps.registry.replace(built);
    this.deps.miniPrograms.replace(next.miniPrograms);
    const miniPrograms = this.miniProgramChanges(next);
    this.remember(next);
    this.current = next;
    this.deps.swapped?.(next);
    this.announce(swapped.retired);
    const unavailable = built.filter((m) => !m.gateway).map((m) => ({ merchant: m.account.id, problems: m.problems }));
    logger.info({ actor, ...swapped, unavailable: unavailable.map((u) => u.merchant), miniPrograms }, 'merchants reloaded');
    if (warnings.length > 0) logger.warn({ actor, warnings }, 'merchants file removed merchants or mini-programs that have orders');
    return { ok: true, ...swapped, unavailable, miniPrograms, warnings };
  }

  private remember(settings: MerchantsSettings): void {
    for (const p of settings.miniPrograms) this.soldThrough.set(p.appId, p.merchantId);
    for (const m of settings.merchants) {
      const known = this.appIdsOf.get(m.id) ?? new Set<string>();
      for (const appId of m.appIds) known.add(appId);
      this.appIdsOf.set(m.id, known);
    }
  }

  /**
   * Each merchant keeps the appids of the mini-programs it sold through in this process, removed ones too: an order
   * opened before a mini-program left the file is still paid, queried and refunded under that appid, and WeChat's
   * notice names it (a merchant's gateway and verifier refuse an appid that is not one of its). New orders cannot
   * name it: the mini-program's paths answer 404.
   */
  private withFormerAppIds(next: MerchantsSettings): MerchantsSettings {
    return {
      ...next,
      merchants: next.merchants.map((m) => ({ ...m, appIds: [...new Set([...m.appIds, ...(this.appIdsOf.get(m.id) ?? [])])] })),
    };
  }

  /**
   * The default mini-program stays the one the process started with: its tokens carry no appid (the seed's format),
   * so under another default they would be taken as that mini-program's, a uid of one acting in another. Only a
   * restart changes it.
   */
  private defaultKept(next: MerchantsSettings): string[] {
    const before = this.current.miniPrograms.find((p) => p.default)?.appId;
    const index = next.miniPrograms.findIndex((p) => p.default);
    const after = next.miniPrograms[index]?.appId;
    if (before === undefined || after === before) return [];
    return [
      `miniPrograms[${index}].default: the default mini-program is ${before} until a restart (its tokens carry no appid, ` +
        `so they would be taken as ${after ?? 'another'}'s); keep ${before} "default": true`,
    ];
  }

  /**
   * A mini-program moved to another merchant is refused while it has orders under the merchant it sold through: its
   * users, goods and coins belong to its merchant's shop (an operator's scope), so they would move to the new shop
   * while those orders, which keep their merchant for good, stay in the old one (the old shop's operators would see
   * orders of users and goods they can no longer open, and the new shop's would gain users whose payments are not
   * theirs). Without orders nothing stays behind: the move is taken, and its next orders are the new merchant's.
   */
  private async movedWithOrders(next: MerchantsSettings): Promise<string[]> {
    const problems: string[] = [];
    for (const [index, p] of next.miniPrograms.entries()) {
      const before = this.soldThrough.get(p.appId);
      if (before === undefined || before === p.merchantId) continue;
      const others = [...new Set([before, ...this.deps.registry.merchantIds])].filter((id) => id !== p.merchantId);
      let has: boolean;
      try {
        has = await this.deps.hasOrders(p.appId, others);
      } catch (error) {
        // Not knowing is not a yes: refused, and a SIGHUP never turns into an unhandled rejection. The error is logged,
        // not returned: the answer goes to the admin API and the console, which never show SQL.
        this.deps.logger.error({ err: error, appId: p.appId }, 'could not look for the orders of a moved mini-program');
        problems.push(
          `miniPrograms[${index}].merchant: moving ${p.appId} from ${before} to ${p.merchantId} needs to know whether it has ` +
            'orders there, and the database did not answer; try again',
        );
        continue;
      }
      if (!has) continue;
      problems.push(
        `miniPrograms[${index}].merchant: ${p.appId} sells through ${before} and has orders there; moving it to ` +
          `${p.merchantId} would split its users, goods and coins from those orders (which keep ${before}); ` +
          `keep it at ${before}, or give ${p.merchantId} a mini-program of its own`,
      );
    }
    return problems;
  }

  /**
   * The merchants and mini-programs the new file no longer names that have orders. The removal is taken (as before):
   * retired, they are served for this process's life; but after a restart nothing knows them, so their open orders
   * could be neither reconciled nor refunded (no credentials) and their late notices would be refused. Kept in the
   * file as `"retired": true`, they stay served across restarts: that is the advice. Not knowing (the database did not
   * answer) is said too, with the same advice.
   */
  private async removedWithOrders(next: MerchantsSettings): Promise<string[]> {
    const warnings: string[] = [];
    const KEEP = 'only until a restart; keep it in MERCHANTS_FILE with "retired": true';
    const ask = async (what: string, appId: string | undefined, merchantIds: readonly MerchantId[]): Promise<void> => {
      try {
        if (await this.deps.hasOrders(appId, merchantIds))
          warnings.push(`${what} was removed but has orders: they are reconciled and refundable ${KEEP}`);
      } catch (error) {
        this.deps.logger.error({ err: error, what }, 'could not look for the orders of a removed merchant or mini-program');
        warnings.push(
          `${what} was removed, and whether it has orders is unknown (the database did not answer): if it has, they are served ${KEEP}`,
        );
      }
    };
    const merchants = new Set(next.merchants.map((m) => m.id));
    for (const m of this.current.merchants) if (!merchants.has(m.id)) await ask(`merchant ${m.id}`, undefined, [m.id]);
    const appIds = new Set(next.miniPrograms.map((p) => p.appId));
    for (const p of this.current.miniPrograms) {
      if (appIds.has(p.appId)) continue;
      const all = [...new Set([p.merchantId, ...this.deps.registry.merchantIds])];
      await ask(`mini-program ${p.appId}`, p.appId, all);
    }
    return warnings;
  }

  /** Retired mini-programs count as absent: one marked retired is removed from service, one unmarked is added back. */
  private miniProgramChanges(next: MerchantsSettings): MiniProgramChanges {
    const serving = inService(next.miniPrograms);
    const before = new Map(inService(this.current.miniPrograms).map((p) => [p.appId, p]));
    const after = new Set(serving.map((p) => p.appId));
    return {
      added: serving.filter((p) => !before.has(p.appId)).map((p) => p.appId),
      removed: [...before.keys()].filter((appId) => !after.has(appId)),
      // Its AppSecret or its merchant: the next login, the next order use the new one.
      changed: serving
        .filter((p) => {
          const old = before.get(p.appId);
          return old !== undefined && (old.appSecret !== p.appSecret || old.merchantId !== p.merchantId);
        })
        .map((p) => p.appId),
    };
  }
}
