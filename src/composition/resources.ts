import type { Logger } from 'pino';
import { isCallbackPath } from '../adapters/http/callback-paths.js';
import type { CheckedCertificate } from '../adapters/wechatpay/v2/merchant-certificate.js';
import type { Clock } from '../application/ports/clock.js';
import { Money } from '../domain/money.js';
import { MikroGoodsCatalog, type GoodsDraft } from '../adapters/persistence/mikro-goods-catalog.js';
import { migrate, openOrm, pendingMigrations, type SqlOrm } from '../adapters/persistence/orm.js';
import { connectRedis, describeRedisTarget, keepConnected, type RedisClient } from '../adapters/redis/redis-client.js';
import { OffsetClock } from '../adapters/system/offset-clock.js';
import { systemClock } from '../adapters/system/system-clock.js';
import type { Config } from './config.js';
import { Closers } from './closers.js';
import { openMerchantCertificate } from './merchant-certificate.js';
import { opening, StartupError } from './startup-errors.js';
// Types only: the sandbox itself is loaded with import() in sandbox mode, never by a production start.
import type { StoredSandboxIdentity, WechatPaySimulator } from '../sandbox/index.js';
import type { EmbeddedSandboxOptions, EmbeddedSandboxProvider } from '../sandbox/index.js';
import { SAMPLE_MERCHANT } from '../adapters/wechatpay/shared/sample-merchant.js';

/** What the adapters are built on: opened once per process, closed on shutdown. */
export interface Resources {
  readonly logger: Logger;
  /** Sandbox mode: a clock the embedded simulator shares and its control API can move forward. */
  readonly clock: Clock;
  /**
   * v3 signature timestamps (made and checked), here and in the embedded simulator: real time, whatever `clock`
   * says, because WeChat and outside SDKs check ±300 s against real time. Default: `clock`.
   */
  readonly signatureClock?: Clock;
  /** Where this service listens (for a command-line run, the running service): sandbox URLs point there. */
  readonly selfUrl: string;
  readonly orm?: SqlOrm;
  readonly redis?: RedisClient;
  /** The embedded WeChat Pay simulator (sandbox mode, server only). */
  readonly simulator?: WechatPaySimulator;
  /** Sandbox mode with API v3 and no v3 settings given: the generated keys both sides use. */
  readonly sandboxV3?: StoredSandboxIdentity;
  /** The merchant API certificate (refunds over API v2), checked at start-up. */
  readonly merchantCertificate?: CheckedCertificate;
}

export interface OpenedResources extends Resources {
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly port: number;
  /** The server embeds the sandbox simulator; a command-line run talks to the running service's. */
  readonly embedSimulator: boolean;
}

const DEMO_GOODS: readonly GoodsDraft[] = [
  { name: '瑜伽入门课 Yoga basics', marketPrice: Money.ofFen(9_900), salePrice: Money.ofFen(6_900), integral: 30, online: true },
  { name: '健康食谱 Healthy recipes', marketPrice: Money.ofFen(1_900), salePrice: Money.ofFen(900), integral: 10, online: true },
  { name: '冥想课 Meditation', marketPrice: Money.ofFen(100), salePrice: Money.ZERO, integral: 5, online: true },
];

/**
 * Opens what the configuration names: SQLite or MySQL (migrated), Redis when configured, and in sandbox mode the
 * embedded simulator. On failure, whatever was opened is closed again.
 */
export async function openResources(config: Config, logger: Logger, options: OpenOptions): Promise<OpenedResources> {
  const closers = new Closers(logger);
  try {
    const sandbox = config.gateway === 'sandbox';
    const clock: Clock = sandbox ? new OffsetClock() : systemClock;
    const signatureClock: Clock = systemClock;
    // First: a broken certificate is found before anything is opened, and named.
    const merchantCertificate = openMerchantCertificate(config, clock.now(), logger);
    const orm = await opening('database', config.databaseUrl, () => openOrm(config.databaseUrl, { createDatabase: config.createDatabase }));
    closers.add(() => orm.close(true));
    await migrateOrCheck(orm, config, logger);
    if (config.demoGoods) await createDemoGoods(orm, clock, logger);

    let redis: RedisClient | undefined;
    if (config.redis) {
      const target = config.redis;
      // Until connected, errors belong to the start-up failure (one line); afterwards each is logged.
      let connected = false;
      let lastError: unknown;
      const onError = (error: unknown): void => {
        if (connected) logger.warn({ err: error }, 'redis error');
        else lastError = error;
      };
      redis = await opening(
        'redis',
        describeRedisTarget(target),
        () => connectRedis(target, { onError }),
        () => lastError,
      );
      connected = true;
      const client = redis;
      const close = keepConnected(client, () => logger.error({ alert: true }, 'redis client stopped reconnecting; connecting again'));
      closers.add(close);
    }

    // Sandbox mode only: a production start never loads the sandbox.
    const embedded = sandbox
      ? (await import('../sandbox/index.js')).openEmbeddedSandbox({
          dataDir: config.sandboxDataDir,
          ...sandboxMerchants(config),
          clock,
          signatureClock,
          timeScale: config.sandboxTimeScale,
          notifyUrlAllowed: ownCallbackUrl(config),
          v3Keys: config.wechat.v3 !== undefined && !config.wechat.v3.credentials,
          simulator: options.embedSimulator,
          log: (level, event, message) => logger[level](event, message),
        })
      : undefined;
    if (embedded) closers.add(() => embedded.close());
    const simulator = embedded?.simulator;
    const sandboxV3 = embedded?.v3Identity;
    const resources = {
      logger,
      clock,
      signatureClock,
      selfUrl: `http://127.0.0.1:${options.port}`,
      orm,
      ...(redis ? { redis } : {}),
      ...(simulator ? { simulator } : {}),
      ...(sandboxV3 ? { sandboxV3 } : {}),
      ...(merchantCertificate ? { merchantCertificate } : {}),
    };
    return { ...resources, close: () => closers.closeAll() };
  } catch (error) {
    await closers.closeAll();
    throw error;
  }
}

/**
 * Who the embedded simulator stands in WeChat for. The environment's merchant; or, with MERCHANTS_FILE, WeChat's
 * sample merchant as its own and every merchant and provider of the file beside it (their v2 keys as the file
 * resolves them, their v3 keys the ones the sandbox keeps by mch_id in SANDBOX_DATA_DIR), with every mini-program's
 * AppSecret for code2Session.
 */
function sandboxMerchants(config: Config): Pick<EmbeddedSandboxOptions, 'merchant' | 'merchants' | 'providers' | 'miniPrograms'> {
  const { merchants, miniPrograms, source } = config.merchants;
  if (source.kind === 'environment') return { merchant: config.wechat };
  const direct = merchants.filter((m) => m.mode === 'direct');
  const providers = new Map<string, EmbeddedSandboxProvider>();
  for (const m of merchants) {
    if (!m.provider || m.subMchId === undefined) continue;
    const known = providers.get(m.provider.id);
    const subMerchant = { subMchId: m.subMchId, subAppIds: m.appIds };
    providers.set(m.provider.id, {
      spMchId: m.provider.spMchId,
      spAppId: m.provider.spAppId,
      apiKey: known?.apiKey ?? m.credentials?.v2?.apiKey,
      v3Keys: known?.v3Keys || m.apiVersion === 'v3',
      subMerchants: [...(known?.subMerchants ?? []), subMerchant],
    });
  }
  return {
    merchant: SAMPLE_MERCHANT,
    merchants: direct.map((m) => ({
      mchId: m.mchId,
      appIds: m.appIds,
      apiKey: m.credentials?.v2?.apiKey,
      v3Keys: m.credentials?.v3 !== undefined || m.apiVersion === 'v3',
    })),
    providers: [...providers.values()],
    miniPrograms: miniPrograms.flatMap((p) => (p.appSecret === undefined ? [] : [{ appId: p.appId, appSecret: p.appSecret }])),
  };
}

/** Migrations pending while MIGRATE_ON_START is off: a configuration problem (exit 2), run `npm run migrate`. */
export class SchemaBehindError extends StartupError {
  override readonly name: string = 'SchemaBehindError';
  constructor(message: string) {
    super(message, { configuration: true });
  }
}

/**
 * MIGRATE_ON_START: apply pending migrations now; off (the default with NODE_ENV=production, where the service's
 * database user need not be allowed DDL): refuse to start on a schema this build does not match.
 */
async function migrateOrCheck(orm: SqlOrm, config: Config, logger: Logger): Promise<void> {
  if (config.migrateOnStart) {
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    return;
  }
  const pending = await pendingMigrations(orm);
  if (pending.length === 0) return;
  throw new SchemaBehindError(
    `the database schema is behind this build: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
      'MIGRATE_ON_START is off, so run `npm run migrate` (after a build: node dist/adapters/persistence/migrate-cli.js) ' +
      'with a database user allowed to alter tables, then start again',
  );
}

async function createDemoGoods(orm: SqlOrm, clock: Clock, logger: Logger): Promise<void> {
  const goods = new MikroGoodsCatalog(orm, clock);
  if ((await goods.listOnline()).length > 0) return;
  for (const draft of DEMO_GOODS) await goods.create(draft);
  logger.info({ count: DEMO_GOODS.length }, 'demo goods created');
}

/**
 * The embedded simulator notifies only this service: its configured notify URLs, or its own callback paths on a
 * loopback address (the port is known only once it listens), the seed's or a merchant's. Anything else a caller names is refused, so the sandbox
 * cannot be made to POST signed notifies to other hosts.
 */
function ownCallbackUrl(config: Config): (url: string) => boolean {
  const configured = new Set([config.wechat.notifyUrl, config.wechat.refundNotifyUrl].filter((u): u is string => u !== undefined));
  return (url) => {
    if (configured.has(url)) return true;
    try {
      const parsed = new URL(url);
      return ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname) && isCallbackPath(parsed.pathname);
    } catch {
      return false;
    }
  };
}
