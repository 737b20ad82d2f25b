/**
 * `node --import tsx bench/order-change.bench.ts`: what a payment's write costs, as the order repository makes it — the
 * compare-and-set UPDATE and the outbox INSERT in a transaction of four statements, or in one CALL of migration 16's
 * procedure — in this process's CPU and in MariaDB's, with BENCH_CONCURRENCY writes in flight (the pool's share of a
 * loaded notify path). The two ways alternate, BENCH_ROUNDS times each over BENCH_ORDERS fresh orders, in one run:
 * on a shared machine only such an interleaved comparison means anything. Reports, does not assert. Works in a
 * scratch database on BENCH_MYSQL_URL's server; BENCH_MYSQL_PID names its mariadbd (default: found by name), whose
 * CPU time is read from /proc, so a private server (no one else's queries) is what it should be run against.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeEvent } from '../src/adapters/persistence/event-codec.js';
import { appendIn } from '../src/adapters/persistence/mikro-event-outbox.js';
import { toOrderColumns } from '../src/adapters/persistence/order-mapper.js';
import { changeOrderInOneCall, compareAndSetOrder, insertOrder, orderChangeResult } from '../src/adapters/persistence/order-sql.js';
import { migrate, openOrm } from '../src/adapters/persistence/orm.js';
import { sqlSession, type SqlSession } from '../src/adapters/persistence/sql-session.js';
import { Money } from '../src/domain/money.js';
import type { Order } from '../src/domain/order.js';
import { anOrder } from '../test/support/builders.js';

const SERVER_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const dbPid = Number(process.env.BENCH_MYSQL_PID ?? execFileSync('pidof', ['mariadbd']).toString().trim().split(/\s+/)[0]);

const ticks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
};
const ownMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

let serial = 0;
/** A new order awaiting its payment, each of its own user (an open order's uid, goods and way are unique in the table). */
const freshOrder = (): Order => anOrder({ uid: 1 + ++serial, goodsId: 7, cash: Money.ofFen(19_900), createdAt: new Date(), appId: '' });

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

type Way = 'transaction' | 'call';

async function pay(sql: SqlSession, order: Order, way: Way): Promise<void> {
  order.confirmPaid({ transactionId: `4200${order.state.outTradeNo.value.slice(-24)}`, amount: order.state.cash, paidAt: new Date() });
  const events = order.pullEvents();
  const columns = toOrderColumns(order.state);
  let outcome: string;
  if (way === 'call') {
    outcome = orderChangeResult(await sql.all(...changeOrderInOneCall(columns, { ...encodeEvent(events[0]!), createdAt: Date.now() })));
  } else {
    outcome = await sql.transaction(async (tx) => {
      const [text, params] = compareAndSetOrder(columns);
      if ((await tx.run(text, params)).affectedRows !== 1) return 'stale';
      await appendIn(tx, events, Date.now());
      return 'updated';
    });
  }
  if (outcome !== 'updated') throw new Error(`${order.state.outTradeNo.value}: ${outcome}`);
}

async function main(): Promise<void> {
  const name = `wxpay_bench_oc_${randomBytes(4).toString('hex')}`;
  const admin = await openOrm(SERVER_URL, { poolMax: 1 });
  await admin.em.getConnection().execute(`CREATE DATABASE \`${name}\``);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const orm = await openOrm(url.toString(), { poolMax: CONCURRENCY });
  const results: Record<Way, { own: number[]; db: number[] }> = { transaction: { own: [], db: [] }, call: { own: [], db: [] } };
  try {
    await migrate(orm);
    const sql = sqlSession(orm);
    for (let round = 0; round <= ROUNDS; round++) {
      for (const way of round % 2 ? (['call', 'transaction'] as const) : (['transaction', 'call'] as const)) {
        const orders = Array.from({ length: ORDERS }, freshOrder);
        await pool(orders, CONCURRENCY, async (o) => void (await sql.run(...insertOf(o))));
        const own = ownMicros();
        const db = ticks(dbPid);
        await pool(orders, CONCURRENCY, (o) => pay(sql, o, way));
        if (round === 0) continue; // warm-up
        results[way].own.push((ownMicros() - own) / ORDERS);
        results[way].db.push(((ticks(dbPid) - db) * 10_000) / ORDERS);
      }
    }
  } finally {
    await orm.close();
    await admin.em.getConnection().execute(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.close();
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`${ROUNDS} rounds, ${ORDERS} payments each, ${CONCURRENCY} in flight; CPU µs per payment (median, range)`);
  for (const way of ['transaction', 'call'] as const) {
    const r = results[way];
    const fmt = (xs: number[]): string => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    console.log(`${way.padEnd(12)} client ${fmt(r.own)}   MariaDB ${fmt(r.db)}`);
  }
}

const insertOf = (order: Order): [string, (string | number | null)[]] => insertOrder(toOrderColumns(order.state));

await main();
