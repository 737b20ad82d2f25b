import type { Logger } from 'pino';
import type { CheckedCertificate } from '../adapters/wechatpay/v2/merchant-certificate.js';
import type { Clock } from '../application/ports/clock.js';
import { Money } from '../domain/money.js';
import { MikroGoodsCatalog, type GoodsDraft } from '../adapters/persistence/mikro-goods-catalog.js';
import { migrate, openOrm, pendingMigrations, type SqlOrm } from '../adapters/persistence/orm.js';
import { connectRedis, type RedisClient } from '../adapters/redis/redis-client.js';
import { OffsetClock } from '../adapters/system/offset-clock.js';
import { systemClock } from '../adapters/system/system-clock.js';
import type { Config } from './config.js';
import { Closers } from './closers.js';
import { openMerchantCertificate } from './merchant-certificate.js';
import { opening, StartupError } from './startup-errors.js';
// Types only: the sandbox itself is loaded with import() in sandbox mode, never by a production start.
import type { StateFileLog, StoredSandboxIdentity, WechatPaySimulator } from '../sandbox/index.js';

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
    const orm = await opening('database', config.databaseUrl, () => openOrm(config.databaseUrl));
    closers.add(() => orm.close(true));
    await migrateOrCheck(orm, config, logger);
    if (config.demoGoods) await createDemoGoods(orm, clock, logger);

    let redis: RedisClient | undefined;
    if (config.redisUrl) {
      const url = config.redisUrl;
      // Until connected, errors belong to the start-up failure (one line); afterwards each is logged.
      let connected = false;
      let lastError: unknown;
      const onError = (error: unknown): void => {
        if (connected) logger.warn({ err: error }, 'redis error');
        else lastError = error;
      };
      redis = await opening(
        'redis',
        url,
        () => connectRedis(url, { onError }),
        () => lastError,
      );
      connected = true;
      const client = redis;
      closers.add(() => void client.disconnect());
    }

    const sandboxKit = sandbox ? await import('../sandbox/index.js') : undefined;
    let sandboxV3: StoredSandboxIdentity | undefined;
    if (sandboxKit && config.wechat.v3 && !config.wechat.v3.credentials) {
      const loaded = sandboxKit.loadOrCreateSandboxIdentity(config.sandboxDataDir, config.wechat.mchId, clock.now());
      if (loaded.created) logger.info({ path: loaded.path }, 'sandbox API v3 keys generated');
      sandboxV3 = loaded.identity;
    }

    let simulator: WechatPaySimulator | undefined;
    if (sandboxKit && options.embedSimulator) {
      // Kept next to the SQLite file (or in ./data), like the v3 sandbox keys: an order outlives a restart.
      const path = sandboxKit.simulatorStatePath(config.sandboxDataDir, config.wechat.mchId, 'embedded');
      const stateFile = new sandboxKit.SimulatorStateFile(path, pinoStateLog(logger));
      simulator = sandboxKit.createWechatPaySimulator({
        ...(sandboxV3 ? { v3: sandboxKit.simulatorV3Options(sandboxV3) } : {}),
        appId: config.wechat.appId,
        mchId: config.wechat.mchId,
        apiKey: config.wechat.apiKey,
        appSecret: config.wechat.appSecret,
        clock,
        // /control/clock moves business time only: signatures stay on real time, which outside SDKs check.
        signatureClock,
        timeScale: config.sandboxTimeScale,
        logger: (event) => logger.debug({ sandbox: event }, 'sandbox event'),
        onStateChange: () => stateFile.changed(),
      });
      stateFile.attach(simulator);
      const sim = simulator;
      closers.add(() => {
        sim.close();
        stateFile.flush();
      });
    }
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

const pinoStateLog =
  (logger: Logger): StateFileLog =>
  (level, event, message) =>
    logger[level](event, message);

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
