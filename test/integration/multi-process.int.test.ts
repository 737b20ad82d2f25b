import { afterAll, beforeAll, expect, it } from 'vitest';
import { MikroIntegralLedger } from '../../src/adapters/persistence/mikro-integral-ledger.js';
import type { ReserveWorkerConfig, ReserveWorkerResult } from './workers/reserve-worker.js';
import { MikroGoodsCatalog } from '../../src/adapters/persistence/mikro-goods-catalog.js';
import { MikroOrderRepository } from '../../src/adapters/persistence/mikro-order-repository.js';
import { MikroUserRepository } from '../../src/adapters/persistence/mikro-user-repository.js';
import { migrate, openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { connectRedis } from '../../src/adapters/redis/redis-client.js';
import { Money } from '../../src/domain/money.js';
import { aGoods, anOrder } from '../support/builders.js';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { describeIfServices, REDIS_URL } from '../support/integration.js';
import { startSwitchableProxy, type SwitchableProxy } from '../support/switchable-proxy.js';
import { spawnWorkers, type WorkerGroup } from '../support/workers.js';
import type { PrepayWorkerConfig, PrepayWorkerResult } from './workers/prepay-worker.js';
import type { ConfirmWorkerConfig, ConfirmWorkerResult } from './workers/confirm-worker.js';
import type { SignInWorkerConfig, SignInWorkerResult } from './workers/sign-in-worker.js';
import type { DemoteWorkerConfig, DemoteWorkerResult } from './workers/demote-worker.js';
import { MikroOperators } from '../../src/adapters/persistence/mikro-operators.js';
import { ScryptPasswordHasher } from '../../src/adapters/system/scrypt-password-hasher.js';
import { HmacSignInChallenges, SealedTotpSecrets } from '../../src/adapters/system/second-factor.js';
import { totpAt } from '../../src/domain/totp.js';

const describeWith = await describeIfServices(['mariadb', 'redis']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const PREPAY_WORKER = 'test/integration/workers/prepay-worker.ts';
const CONFIRM_WORKER = 'test/integration/workers/confirm-worker.ts';
const RESERVE_WORKER = 'test/integration/workers/reserve-worker.ts';
const SIGN_IN_WORKER = 'test/integration/workers/sign-in-worker.ts';
const DEMOTE_WORKER = 'test/integration/workers/demote-worker.ts';
const GOODS_ID = 3;
const SESSION_SECRET = 'multi-process-session-secret-0123456789';
const LOCK_PREFIX = `wxpay-test:${process.pid}:`;

describeWith('Two processes on one MariaDB and Redis', () => {
  let db: ScratchDatabase;
  let orm: SqlOrm;
  const groups: WorkerGroup<unknown>[] = [];
  const proxies: SwitchableProxy[] = [];

  beforeAll(async () => {
    db = await scratchMariaDb('procs');
    orm = await openOrm(db.url);
    await migrate(orm);
    await new MikroGoodsCatalog(orm).save(aGoods({ id: GOODS_ID }));
  });
  afterAll(async () => {
    for (const g of groups) g.kill();
    for (const p of proxies) await p.close();
    // A lease whose release the Redis cut swallowed would only expire by its TTL: remove it now.
    const redis = await connectRedis(REDIS_URL);
    const keys = await redis.keys(`${LOCK_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await orm?.close();
    await db?.drop();
  });

  const newUser = async (): Promise<number> =>
    (await new MikroUserRepository(orm).findOrCreate(`openid-${Math.random().toString(36).slice(2)}`)).uid;

  const rowsOf = (uid: number) =>
    db.exec('SELECT out_trade_no, paid_status, open_key FROM shop_goods_order WHERE uid = ? ORDER BY id', [uid]);

  const prepayWorkers = async (uid: number, redisUrl: string | null, spreadMs: number) => {
    const config: PrepayWorkerConfig = {
      databaseUrl: db.url,
      redisUrl,
      lockPrefix: LOCK_PREFIX,
      uid,
      goodsId: GOODS_ID,
      paidType: 'WXPAY',
      requests: 50,
      spreadMs,
    };
    const group = await spawnWorkers<PrepayWorkerConfig, PrepayWorkerResult>(PREPAY_WORKER, [config, config]);
    groups.push(group);
    return group;
  };

  it('100 concurrent prepays for one key across two processes leave exactly one open order', async () => {
    const uid = await newUser();
    const results = await (await prepayWorkers(uid, REDIS_URL, 0)).go();
    console.info('[prepay x2 processes, Redis lock]', JSON.stringify(results));

    const rows = await rowsOf(uid);
    expect(rows).toEqual([{ out_trade_no: expect.any(String), paid_status: 'CHECKED', open_key: `${uid}:${GOODS_ID}:WXPAY` }]);
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBeGreaterThan(0);
    expect(new Set(results.flatMap((r) => r.outTradeNos))).toEqual(new Set([rows[0]!.out_trade_no]));
  });

  it('with the lock granting everything (a lost lock), the database alone still keeps one open order', async () => {
    const uid = await newUser();
    const results = await (await prepayWorkers(uid, null, 0)).go();
    console.info('[prepay x2 processes, no lock]', JSON.stringify(results));

    const rows = await rowsOf(uid);
    expect(rows.filter((r) => r.open_key !== null)).toHaveLength(1);
    expect(rows.filter((r) => r.paid_status === 'CHECKED' && r.open_key !== null)).toHaveLength(1);
    expect(new Set(results.flatMap((r) => r.outTradeNos)).size).toBeLessThanOrEqual(1);
  });

  it('cutting the Redis connection mid-run: prepays go on, guarded by the database alone, never a second open order', async () => {
    const uid = await newUser();
    const proxy = await startSwitchableProxy(Number(new URL(REDIS_URL).port || 6379));
    proxies.push(proxy);
    const group = await prepayWorkers(uid, `redis://127.0.0.1:${proxy.port}`, 600);
    const finished = group.go();
    await sleep(250);
    proxy.down();
    const cutAt = Date.now();
    const results = await finished;
    console.info('[prepay x2 processes, Redis cut at 250 ms]', JSON.stringify(results));

    const rows = await rowsOf(uid);
    expect(rows.filter((r) => r.open_key !== null)).toHaveLength(1);
    expect(rows.filter((r) => r.paid_status === 'CHECKED')).toHaveLength(1);
    expect(new Set(results.flatMap((r) => r.outTradeNos))).toEqual(new Set([rows[0]!.out_trade_no]));
    // They go on: requests that started after the cut (most of the 600 ms spread) are granted that same order.
    expect(results.flatMap((r) => r.okAt).filter((at) => at > cutAt).length).toBeGreaterThan(0);
    // The prepay lock fails open (it saves work, not correctness): the cut costs no request.
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(results.reduce((n, r) => n + r.ok + r.errors + Object.values(r.refused).reduce((a, b) => a + b, 0), 0)).toBe(100);
  });

  it('60 duplicate confirmations of one payment across two processes make one transition and one OrderPaid', async () => {
    const uid = await newUser();
    const order = anOrder({ uid, goodsId: GOODS_ID, cash: Money.ofFen(9900) });
    expect(await new MikroOrderRepository(orm).insert(order)).toBe('inserted');
    const config: ConfirmWorkerConfig = {
      databaseUrl: db.url,
      outTradeNo: order.state.outTradeNo.value,
      transactionId: '4200000123202601150000000042',
      amountFen: 9900,
      paidAtMs: Date.UTC(2026, 0, 15, 4, 30, 0),
      attempts: 30,
    };
    const group = await spawnWorkers<ConfirmWorkerConfig, ConfirmWorkerResult>(CONFIRM_WORKER, [config, config]);
    groups.push(group);
    const results = await group.go();
    console.info('[confirm x2 processes x30]', JSON.stringify(results));

    expect(results.reduce((n, r) => n + (r.outcomes.changed ?? 0), 0)).toBe(1);
    expect(results.reduce((n, r) => n + (r.outcomes.unchanged ?? 0), 0)).toBe(59);
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    // The event is committed with the change (outbox): exactly one row for the one real transition.
    const events = await db.exec('SELECT type FROM payment_event_outbox WHERE out_trade_no = ?', [order.state.outTradeNo.value]);
    expect(events).toEqual([{ type: 'OrderPaid' }]);
    const [row] = await db.exec('SELECT paid_status, bill_no, version, open_key FROM shop_goods_order WHERE out_trade_no = ?', [
      order.state.outTradeNo.value,
    ]);
    expect(row).toEqual({ paid_status: 'SUCC', bill_no: config.transactionId, version: 1, open_key: null });
  });

  it('health coins: 2 processes × 20 concurrent reservations against a balance that covers one → exactly one succeeds', async () => {
    const uid = await newUser();
    const ledger = new MikroIntegralLedger(orm);
    expect(await ledger.grant(uid, 30, `race-${uid}`, new Date())).toBe('granted');
    const numbers = (worker: number) =>
      Array.from(
        { length: 20 },
        (_, i) => `20260115120000000298${worker}${String(uid % 10_000).padStart(4, '0')}${String(i).padStart(3, '0')}`,
      );
    const configs: ReserveWorkerConfig[] = [1, 2].map((w) => ({ databaseUrl: db.url, uid, amount: 30, outTradeNos: numbers(w) }));
    const group = await spawnWorkers<ReserveWorkerConfig, ReserveWorkerResult>(RESERVE_WORKER, configs);
    groups.push(group);
    const results = await group.go();
    console.info('[reserve x2 processes x20]', JSON.stringify(results.map((r) => ({ ...r, reserved: r.reserved.length }))));

    expect(results.flatMap((r) => r.reserved)).toHaveLength(1);
    expect(results.reduce((n, r) => n + r.insufficient, 0)).toBe(39);
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(await ledger.balanceOf(uid)).toBe(0);
    const [sum] = await db.exec('SELECT SUM(delta) AS total FROM wx_integral_journal WHERE uid = ?', [uid]);
    expect(Number(sum?.total)).toBe(0);
  });

  it('console sign-in: 2 processes × 15 concurrent guesses for one name from one address check 5 passwords, not 30', async () => {
    const name = `op${Math.random().toString(36).slice(2, 10)}`;
    const password = 'correct horse battery';
    const added = await new MikroOperators(orm).add({
      name,
      role: 'operator',
      passwordHash: await new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }).hash(password),
      at: new Date(),
    });
    expect(added).not.toBe('nameTaken');
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${process.pid}`;
    const guesses = (worker: number) =>
      Array.from({ length: 15 }, (_, i) => ({ name, ip, password: worker === 2 && i === 14 ? password : `wrong-${worker}-${i}-guess` }));
    const group = await spawnWorkers<SignInWorkerConfig, SignInWorkerResult>(
      SIGN_IN_WORKER,
      [1, 2].map((w) => ({ databaseUrl: db.url, guesses: guesses(w), sessionSecret: SESSION_SECRET })),
    );
    groups.push(group);
    const results = await group.go();
    console.info('[sign-in x2 processes x15]', JSON.stringify(results));

    const total = (outcome: keyof SignInWorkerResult['outcomes']) => results.reduce((n, r) => n + (r.outcomes[outcome] ?? 0), 0);
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(total('badCredentials')).toBe(5);
    expect(total('badCredentials') + total('succeeded') + total('rateLimited')).toBe(30);
    const rows = await db.exec('SELECT outcome FROM wx_operator_login WHERE name = ?', [name]);
    expect(rows.filter((r) => r.outcome === 'pending')).toEqual([]);
    expect(rows).toHaveLength(30);
  });

  it('console sign-in: 2 processes × 15 concurrent guesses from one address at 30 names check 20 passwords', async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${process.pid}-b`;
    const guesses = (worker: number) =>
      Array.from({ length: 15 }, (_, i) => ({
        name: `nobody${worker}x${i}${Math.random().toString(36).slice(2, 8)}`,
        ip,
        password: 'a guess',
      }));
    const group = await spawnWorkers<SignInWorkerConfig, SignInWorkerResult>(
      SIGN_IN_WORKER,
      [1, 2].map((w) => ({ databaseUrl: db.url, guesses: guesses(w), sessionSecret: SESSION_SECRET })),
    );
    groups.push(group);
    const results = await group.go();
    console.info('[sign-in by address x2 processes x15]', JSON.stringify(results));
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(results.reduce((n, r) => n + (r.outcomes.badCredentials ?? 0), 0)).toBe(20);
    expect(results.reduce((n, r) => n + (r.outcomes.rateLimited ?? 0), 0)).toBe(10);
  });

  it('console sign-in: 2 processes × 3 concurrent second steps with one TOTP code open one session (the code is spent once)', async () => {
    const operators = new MikroOperators(orm);
    const added = await operators.add({
      name: `totp${Math.random().toString(36).slice(2, 10)}`,
      role: 'admin',
      passwordHash: 'x',
      at: new Date(),
    });
    if (added === 'nameTaken') throw new Error('name taken');
    const secrets = new SealedTotpSecrets(SESSION_SECRET, true);
    const secret = secrets.newSecret();
    const sealed = secrets.seal(added.id, secret);
    await operators.setPendingTotp(added.id, sealed, new Date());
    await operators.activateTotp(added.id, sealed, 0, new Date());
    // Six challenges, as six password steps would have handed out; each carries the same code of now.
    const challenges = new HmacSignInChallenges(SESSION_SECRET);
    const claim = { operatorId: added.id, passwordChangedAt: added.passwordChangedAt, expiresAt: new Date(Date.now() + 120_000) };
    const code = totpAt(secrets.hmacSha1, secret, new Date());
    const codes = Array.from({ length: 3 }, (_, i) => ({ challenge: challenges.issue(claim), code, ip: `192.0.2.${i}-${process.pid}-c` }));
    const group = await spawnWorkers<SignInWorkerConfig, SignInWorkerResult>(
      SIGN_IN_WORKER,
      [1, 2].map(() => ({ databaseUrl: db.url, guesses: [], codes, sessionSecret: SESSION_SECRET })),
    );
    groups.push(group);
    const results = await group.go();
    console.info('[totp code x2 processes x3]', JSON.stringify(results));
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(results.reduce((n, r) => n + (r.outcomes.succeeded ?? 0), 0)).toBe(1);
    // The others: a spent code, or (when five failures were already counted for the name) the growing delay.
    expect(results.reduce((n, r) => n + (r.outcomes.badCode ?? 0) + (r.outcomes.rateLimited ?? 0), 0)).toBe(5);
    expect(await db.exec('SELECT COUNT(*) AS n FROM wx_operator_session WHERE operator_id = ?', [added.id])).toEqual([{ n: 1 }]);
  });

  it('operators: two instances where two admins demote and disable each other at once leave exactly one enabled admin', async () => {
    const operators = new MikroOperators(orm);
    // Only these two are enabled admins in this database, so each change is the other's "last admin" check.
    await db.exec("UPDATE wx_operator SET disabled = 1 WHERE role = 'admin'");
    const suffix = Math.random().toString(36).slice(2, 8);
    const [a, b] = [`admina${suffix}`, `adminb${suffix}`];
    for (const name of [a, b]) {
      expect(await operators.add({ name, role: 'admin', passwordHash: 'not-used', at: new Date() })).not.toBe('nameTaken');
    }
    const configs: DemoteWorkerConfig[] = [
      { databaseUrl: db.url, target: b, action: 'demote', actor: `operator:${a}`, attempts: 10 },
      { databaseUrl: db.url, target: a, action: 'disable', actor: `operator:${b}`, attempts: 10 },
    ];
    const group = await spawnWorkers<DemoteWorkerConfig, DemoteWorkerResult>(DEMOTE_WORKER, configs);
    groups.push(group);
    const results = await group.go();
    console.info('[admins x2 processes x10]', JSON.stringify(results));

    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    const enabledAdmins = (await operators.list()).filter((o) => o.role === 'admin' && !o.disabled);
    expect(enabledAdmins.map((o) => o.name)).toHaveLength(1);
    expect([a, b]).toContain(enabledAdmins[0]?.name);
  });
});
