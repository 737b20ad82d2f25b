// `npm run bench:load`: the shared baseline and wxpay-server under the same load, in the same run, side by side.
// Measurement only: nothing here asserts a speed. Phases (each target in turn, A B A B, medians over BENCH_ROUNDS):
// prepay, duplicate-heavy notify, first-notify (every request a real payment), and the prepay reuse lookup with 10k
// versus BENCH_REUSE_ROWS existing orders; then the project with one merchant against the project with
// BENCH_MERCHANTS merchants and twice as many mini-programs (the same paths, A B A B). See README.md, "Performance".
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as db from './databases.mjs';
import { installHarness, loadHarness, locateShared } from './harness.mjs';
import { writeMerchantsFile } from './merchants.mjs';
import * as proc from './processes.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = join(REPO, '.bench');
const SMOKE = process.env.BENCH_SMOKE === '1';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** A positive integer from the environment; BENCH_SMOKE=1 only changes the defaults, explicit values still win. */
function option(name, normal, smoke) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return SMOKE ? smoke : normal;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench: ${name}=${raw}: must be a positive integer`);
    process.exit(2);
  }
  return n;
}
const opt = {
  users: option('BENCH_USERS', 200, 5),
  secs: option('BENCH_SECS', 10, 1),
  rounds: option('BENCH_ROUNDS', 2, 1),
  firstNotifyOrders: option('BENCH_FIRST_NOTIFY_ORDERS', 2000, 20),
  reuseRows: option('BENCH_REUSE_ROWS', 1_000_000, 2_000),
  // The merchants phase: this many v2 direct merchants, two mini-programs each. Not smaller in smoke: the smoke is
  // there to show that the configuration itself works at this size.
  merchants: option('BENCH_MERCHANTS', 100, 100),
};
const MINI_PROGRAMS_PER_MERCHANT = 2;
// BENCH_PHASES=prepay,first-notify,reuse,merchants (default all): a subset, e.g. to profile one path. `prepay`
// includes the duplicate-heavy notify, which pays the orders that phase opened. `merchants` runs its own processes
// (the project with one merchant and with many, on a stub that knows every merchant's key), not the baseline.
const PHASES = ['prepay', 'first-notify', 'reuse', 'merchants'];
opt.phases = (process.env.BENCH_PHASES ?? PHASES.join(',')).split(',').map((p) => p.trim());
for (const p of opt.phases) {
  if (!PHASES.includes(p)) {
    console.error(`bench: BENCH_PHASES: unknown phase '${p}' (${PHASES.join(', ')})`);
    process.exit(2);
  }
}
// The small table of the reuse comparison: 10,000 rows, or a tenth of the large one when that is smaller (smoke).
opt.reuseSmallRows = Math.min(10_000, Math.floor(opt.reuseRows / 10));

const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
const names = {
  baseDb: `bench_base_${id}`,
  projDb: `bench_proj_${id}`,
  oneDb: `bench_one_${id}`,
  manyDb: `bench_many_${id}`,
  redisPrefix: `bench-load:${id}:`,
};
const CONNECTIONS = 32; // as load.mjs

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** MariaDB's process, when this machine runs it: its CPU time is part of what each request costs. */
const dbPid = proc.pidOf('mariadbd') ?? proc.pidOf('mysqld');
const say = (msg) => console.log(`bench: ${msg}`);

let h; // the harness: autocannon, mysql2, ioredis, lib/wx.mjs, lib/flow.mjs
let admin; // root connection for scratch databases
let stub; // { base } of the shared WeChat stub
let sampler; // the project's RSS
let logDir; // the child processes' logs
let mainJs; // the compiled project

// ---- load -----------------------------------------------------------------------------------------------------

/**
 * One autocannon run. rps is responses over the time from start to the last response, measured here: autocannon's
 * own duration only ends on its 1 s sampling tick, which would halve the rate of a 1.5 s fixed-amount run.
 */
function cannon(opts, onLatency) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let last = start,
      responses = 0;
    const instance = h.autocannon({ connections: CONNECTIONS, ...opts }, (e, r) =>
      e ? reject(e) : resolve({ r, responses, seconds: (last - start) / 1000 }),
    );
    instance.on('response', (_client, _status, _bytes, ms) => {
      responses++;
      last = performance.now();
      onLatency?.(ms);
    });
  });
}

const summary = ({ r, responses, seconds }, extra = {}) => ({
  rps: Math.round(responses / seconds),
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  requests: responses,
  seconds: Number(seconds.toFixed(2)),
  ...extra,
});

// A user of a mini-program other than the default one (merchants phase) carries its path prefix (`/mp/{appid}`) and goods.
const goodsOf = (u) => u.goodsId ?? db.GOODS_ID;
const prepayBody = (u) => JSON.stringify({ goods_id: goodsOf(u), paid_type: 'WXPAY', ...(u.token ? {} : { uid: u.uid }) });
const prepayHeaders = (u) => ({ 'content-type': 'application/json', ...(u.token ? { authorization: `Bearer ${u.token}` } : {}) });

/** p50 / p99 / max of a list of latencies (ms), or undefined when it is empty. */
function percentiles(ms) {
  if (ms.length === 0) return undefined;
  const s = [...ms].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: Math.round(s[s.length - 1]) };
}

/**
 * Prepay for SECS seconds over `users` round-robin, as load.mjs does. The first call per user (the first
 * `users.length` requests: after the order tables are emptied each of them opens an order) and the later calls are
 * timed apart, so the tail of the opening calls can be told from that of the reuses.
 */
async function prepayLoad(target, users, seconds = opt.secs) {
  let k = 0;
  const latencies = { opening: [], later: [] };
  let answered; // the request a connection's response belongs to: onResponse runs just before autocannon's 'response'
  const r = await cannon(
    {
      url: `${target.base}/wechat/prepay`,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req, context) => {
            context.k = k;
            const u = users[k++ % users.length];
            return { ...req, path: `${u.prefix ?? ''}/wechat/prepay`, headers: prepayHeaders(u), body: prepayBody(u) };
          },
          onResponse: (_status, _body, context) => {
            answered = context.k;
          },
        },
      ],
    },
    (ms) => (answered < users.length ? latencies.opening : latencies.later).push(ms),
  );
  return summary(r, { opening: percentiles(latencies.opening), later: percentiles(latencies.later) });
}

/** One prepay per user: creates (or reuses) each user's open order. */
async function openOrders(target, users) {
  const prepays = await proc.pool(users, 16, (u) =>
    h.flow.prepay(`${target.base}${u.prefix ?? ''}`, u, goodsOf(u), u.token ? {} : { uid: u.uid }),
  );
  const failed = prepays.filter((p) => !p.ok);
  if (failed.length > 0)
    throw new Error(`${target.kind}: ${failed.length} setup prepays failed, e.g. ${failed[0].r.status} ${failed[0].r.text.slice(0, 200)}`);
  return prepays;
}

/**
 * Each user's open order, paid at the stub; returns what a valid notify needs (the stub's openid and transaction, and
 * for a merchant of the merchants file its callback path, appid, mch_id and key).
 */
async function openAndPay(target, users) {
  const stubBase = target.stubBase ?? stub.base;
  return proc.pool(await openOrders(target, users), 16, async ({ p }, i) => {
    await h.flow.pay(stubBase, p);
    const o = await (await fetch(`${stubBase}/control/order?out_trade_no=${p.outTradeNo}`)).json();
    return { otn: p.outTradeNo, fee: o.fee, openid: o.openid, txn: o.txn, ...(users[i].merchant ? { merchant: users[i].merchant } : {}) };
  });
}

/** Valid signed notifies over `orders` round-robin, for SECS seconds or exactly `amount` requests. */
async function notifyLoad(target, orders, { amount, seconds = opt.secs } = {}) {
  let j = 0;
  let failAcks = 0; // a 200 whose XML says FAIL: refused or errored; WeChat would retry it
  const r = await cannon({
    url: `${target.base}/wechat/pay-notify`,
    ...(amount ? { amount, connections: Math.min(CONNECTIONS, amount) } : { duration: seconds }),
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const o = orders[j++ % orders.length];
          const m = o.merchant; // its own callback URL, appid, mch_id and key; else the seed's path and the sample merchant
          const fields = { openid: o.openid, transaction_id: o.txn, ...(m ? { appid: m.appId, mch_id: m.mchId } : {}) };
          return {
            ...req,
            path: m ? m.notifyPath : '/wechat/pay-notify',
            headers: { 'content-type': 'text/xml' },
            body: h.wx.toXml(m ? h.flow.notifyFor(o.otn, o.fee, fields, m.key) : h.flow.notifyFor(o.otn, o.fee, fields)),
          };
        },
        onResponse: (status, body) => {
          if (status === 200 && !h.wx.isSuccessAck(body)) failAcks++;
        },
      },
    ],
  });
  return { ...summary(r, { failAcks, orders: orders.length }), outTradeNos: orders.map((o) => o.otn) };
}

// ---- phases -------------------------------------------------------------------------------------------------

const results = []; // one entry per (phase, round, target)

/** The project's own counters (notify verdicts, prepay outcomes, reconciliation fixes), to say what a run really did. */
async function counters(target) {
  const out = {};
  if (target.kind !== 'project') return out;
  const text = await (await fetch(`${target.base}/metrics`)).text();
  for (const m of text.matchAll(/^wxpay_(notify|prepay|reconciliation_fixes)_total\{\w+="([^"]*)"\} (\S+)$/gm))
    out[`${m[1]}:${m[2]}`] = Number(m[3]);
  return out;
}
const diff = (after, before) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => v !== 0),
  );

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const handled = (c) => Object.entries(c).reduce((a, [k, v]) => a + (/^(prepay|notify):/.test(k) ? v : 0), 0);

/**
 * Waits for the requests autocannon left in flight when it stopped (the server finishes them; with few users they
 * queue on per-key locks for seconds), so they neither slow the next run nor change the orders it starts from.
 * The project: until its prepay/notify counters stop moving. The baseline has no counters; its lock wait is at
 * most 50 × 20 ms, so a fixed pause covers it.
 */
async function settle(target) {
  if (target.kind !== 'project') return sleep(1500);
  const end = Date.now() + 15_000;
  for (let last = -1, now = handled(await counters(target)); now !== last && Date.now() < end;) {
    await sleep(300);
    [last, now] = [now, handled(await counters(target))];
  }
}

async function record(phase, round, target, fn) {
  target.sampler?.phaseMax(); // each phase's RSS peak is its own: forget setup and earlier phases
  const before = await counters(target);
  const cpuBefore = { server: proc.cpuMs(target.pid), db: proc.cpuMs(dbPid) };
  const { outTradeNos, ...res } = await fn();
  // CPU time per response, of the server and of MariaDB (which both targets share, one at a time): on two shared
  // cores, what a request costs says more than how fast one run went.
  res.cpuUs = {
    server: Math.round(((proc.cpuMs(target.pid) - cpuBefore.server) * 1000) / Math.max(1, res.requests)),
    db: dbPid === undefined ? undefined : Math.round(((proc.cpuMs(dbPid) - cpuBefore.db) * 1000) / Math.max(1, res.requests)),
  };
  await settle(target);
  if (outTradeNos) res.paid = await db.countPaid(admin, target, outTradeNos); // how many the notifies really paid
  if (target.kind === 'project') {
    res.rssMaxMb = target.sampler.phaseMax();
    res.counters = diff(await counters(target), before);
  }
  const label = target.label ?? target.kind;
  results.push({ phase, round, target: label, ...res });
  const paid = res.paid === undefined ? '' : `, paid ${res.paid}/${res.orders}, FAIL acks ${res.failAcks}`;
  const split = res.opening
    ? ` (first calls p50 ${res.opening.p50} p99 ${res.opening.p99} max ${res.opening.max} ms over ${res.opening.n}; later p50 ${res.later?.p50} p99 ${res.later?.p99} ms)`
    : '';
  const seen = res.counters
    ? `, ${Object.entries(res.counters)
        .map(([k, v]) => `${k} ${v}`)
        .join(' ')}`
    : '';
  say(
    `${phase} round ${round} ${label}: ${res.rps} rps, p50 ${res.p50} ms, p99 ${res.p99} ms${split}, non-2xx ${res.non2xx}, errors ${res.errors}, CPU µs/request server ${res.cpuUs.server} MariaDB ${res.cpuUs.db ?? '?'}${paid}${seen}`,
  );
}

/** Unrecorded: JIT, connection pools and caches of both processes warmed the same way before the first round. */
async function warmUp(targets, nUsers = opt.users) {
  for (const t of targets) {
    const users = t.users.slice(0, nUsers);
    await prepayLoad(t, users, Math.min(2, opt.secs));
    await settle(t);
    await notifyLoad(t, await openAndPay(t, users), { seconds: Math.min(2, opt.secs) });
    await settle(t);
  }
}

async function phasePrepayAndNotify(targets) {
  for (let round = 1; round <= opt.rounds; round++) {
    for (const t of targets) {
      await db.emptyOrders(admin, t);
      const users = t.users.slice(0, opt.users);
      await record('prepay', round, t, () => prepayLoad(t, users));
      // The orders the prepay load opened, each paid; then duplicate-heavy notifies over them.
      const orders = await openAndPay(t, users);
      await record('notify', round, t, () => notifyLoad(t, orders));
    }
  }
}

async function phaseFirstNotify(targets) {
  for (let round = 1; round <= opt.rounds; round++) {
    for (const t of targets) {
      await db.emptyOrders(admin, t);
      const orders = await openAndPay(t, t.users.slice(0, opt.firstNotifyOrders));
      await record('first-notify', round, t, () => notifyLoad(t, orders, { amount: orders.length }));
    }
  }
}

/**
 * The prepay reuse lookup with a small and a large order table. Both tables are filled once and swapped in turn
 * (RENAME, instant) so that each round measures small then large, A then B: machine noise hits both sizes alike.
 */
async function phaseReuse(targets) {
  const sizes = [opt.reuseSmallRows, opt.reuseRows];
  for (const t of targets) {
    await db.emptyOrders(admin, t);
    await db.createSpareOrders(admin, t);
    const started = Date.now();
    await db.insertFiller(admin, t, sizes[0]);
    await db.insertFiller(admin, t, sizes[1], { spare: true });
    say(
      `${t.kind}: filler of ${sizes.map((n) => n.toLocaleString('en')).join(' and ')} orders of other users (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  let live = 0; // index in sizes of the table currently named shop_goods_order
  const warmed = new Set();
  for (let round = 1; round <= opt.rounds; round++) {
    for (const [i, rows] of sizes.entries()) {
      if (live !== i) {
        for (const t of targets) await db.swapOrders(admin, t);
        live = i;
      }
      // Every bench user holds an open order in this table before it is measured, so each request takes the reuse
      // path. (Not paid at the stub: reconciliation would settle them and the next prepay would open a new order.)
      if (!warmed.has(rows)) {
        for (const t of targets) {
          await openOrders(t, t.users.slice(0, opt.users));
          await settle(t);
        }
        warmed.add(rows);
      }
      for (const t of targets) {
        await record(`reuse@${rows}`, round, t, () => prepayLoad(t, t.users.slice(0, opt.users)));
      }
    }
  }
}

// ---- report -------------------------------------------------------------------------------------------------

const PHASE_LABELS = () => [
  ['prepay', 'prepay (first call opens, then reuse)'],
  ['notify', 'notify, duplicate-heavy'],
  ['first-notify', `first-notify (${opt.firstNotifyOrders} orders, 1 each)`],
  [`reuse@${opt.reuseSmallRows}`, `prepay reuse, ${opt.reuseSmallRows.toLocaleString('en')} orders`],
  [`reuse@${opt.reuseRows}`, `prepay reuse, ${opt.reuseRows.toLocaleString('en')} orders`],
];

/** Medians over rounds of rps, p50 and p99; failures summed, so one bad round is not hidden by the median. */
function aggregate(phase, kind) {
  const runs = results.filter((r) => r.phase === phase && r.target === kind);
  if (runs.length === 0) return undefined;
  const sum = (f) => runs.reduce((a, r) => a + (r[f] ?? 0), 0);
  return {
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50: Math.round(median(runs.map((r) => r.p50))),
    p99: Math.round(median(runs.map((r) => r.p99))),
    rpsRange: [Math.min(...runs.map((r) => r.rps)), Math.max(...runs.map((r) => r.rps))],
    failed: sum('non2xx') + sum('errors') + sum('timeouts') + sum('failAcks'),
    cpuUs: {
      server: Math.round(median(runs.map((r) => r.cpuUs?.server ?? 0))),
      db: Math.round(median(runs.map((r) => r.cpuUs?.db ?? 0))),
    },
    ...(runs[0].paid === undefined ? {} : { paid: sum('paid'), orders: sum('orders') }),
  };
}

function report(rss, merchants) {
  const x = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  const lines = [
    '| phase | baseline rps (range) | p50 / p99 ms | wxpay-server rps (range) | p50 / p99 ms | rps P/B | p99 P/B | CPU µs/req B / P (server + MariaDB) | failed B / P | paid B / P |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const summaryRows = [];
  const cpu = (a) => `${a.cpuUs.server} + ${a.cpuUs.db}`;
  for (const [phase, label] of PHASE_LABELS()) {
    const b = aggregate(phase, 'baseline'),
      p = aggregate(phase, 'project');
    if (!b || !p) continue;
    summaryRows.push({ phase, baseline: b, project: p, rpsRatio: p.rps / b.rps, p99Ratio: p.p99 / b.p99 });
    const paid = b.paid === undefined ? '—' : `${b.paid}/${b.orders} / ${p.paid}/${p.orders}`;
    const rps = (a) => (a.rpsRange[0] === a.rpsRange[1] ? `${a.rps}` : `${a.rps} (${a.rpsRange.join('–')})`);
    lines.push(
      `| ${label} | ${rps(b)} | ${b.p50} / ${b.p99} | ${rps(p)} | ${p.p50} / ${p.p99} | ${x(p.rps, b.rps)} | ${x(p.p99, b.p99)} | ${cpu(b)} / ${cpu(p)} | ${b.failed} / ${p.failed} | ${paid} |`,
    );
  }
  const scale = (kind) => {
    const s = aggregate(`reuse@${opt.reuseSmallRows}`, kind),
      l = aggregate(`reuse@${opt.reuseRows}`, kind);
    return s && l ? l.rps / s.rps : undefined;
  };
  const reuse = { project: scale('project'), baseline: scale('baseline') };
  const reuseLine = !opt.phases.includes('reuse')
    ? 'reuse lookup at scale: not run (BENCH_PHASES)'
    : `reuse lookup at scale (rps with ${opt.reuseRows.toLocaleString('en')} ÷ with ${opt.reuseSmallRows.toLocaleString('en')} orders): ` +
      `wxpay-server ${reuse.project?.toFixed(2)}× (target ≥ 0.90: ${reuse.project >= 0.9 ? 'met' : 'NOT met'}), baseline ${reuse.baseline?.toFixed(2)}×`;
  const perPhase = PHASE_LABELS().map(([phase]) => [
    phase,
    Math.max(0, ...results.filter((r) => r.phase === phase && r.rssMaxMb).map((r) => r.rssMaxMb)),
  ]);
  const rssLine = rss
    ? `wxpay-server RSS: ${rss.atStartMb} MB idle after start, peak ${rss.peakMb} MB (VmHWM); ` +
      `sampled max per phase: ${perPhase.map(([k, v]) => `${k} ${v}`).join(', ')} MB`
    : '';
  const header =
    `${opt.rounds} round(s) A/B alternating, medians; ${opt.users} users, ${opt.secs} s per timed run, ${CONNECTIONS} connections; ` +
    `${os.cpus().length} CPUs, Node ${process.version}${SMOKE ? ' — SMOKE sizes, not a measurement' : ''}`;
  const classic = rss ? ['', ...lines, '', reuseLine, rssLine] : [];
  const many = merchants ? merchantsReport(merchants) : { lines: [], rows: [] };
  return { text: [header, ...classic, ...many.lines].join('\n'), summaryRows, reuse, merchantRows: many.rows };
}

/**
 * The merchants phase: many merchants ÷ one, per path (target: rps ≥ 0.95×, p99 ≤ 1.05×), the many-merchant
 * process's peak RSS (target: under 200 MB), and what configuring them costs once (start, idle memory).
 */
function merchantsReport(m) {
  const x = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  const rps = (a) => (a.rpsRange[0] === a.rpsRange[1] ? `${a.rps}` : `${a.rps} (${a.rpsRange.join('–')})`);
  const lines = [
    '',
    `merchants: the project with 1 merchant against ${m.merchants} merchants and ${m.miniPrograms} mini-programs ` +
      `(${m.usersPerRun} users round-robin over them; first-notify ${m.firstNotifyOrders} orders)`,
    '',
    '| path | 1 merchant rps (range) | p50 / p99 ms | many rps (range) | p50 / p99 ms | rps many/one | p99 many/one | CPU µs/req one / many (server + MariaDB) | failed one / many | paid one / many | RSS max one / many MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = [];
  const cpu = (a) => `${a.cpuUs.server} + ${a.cpuUs.db}`;
  const rssMax = (phase, label) =>
    Math.max(0, ...results.filter((r) => r.phase === phase && r.target === label && r.rssMaxMb).map((r) => r.rssMaxMb));
  for (const path of ['prepay', 'notify', 'first-notify']) {
    const phase = `merchants:${path}`;
    const one = aggregate(phase, 'one'),
      many = aggregate(phase, 'many');
    if (!one || !many) continue;
    const row = { path, one, many, rpsRatio: many.rps / one.rps, p99Ratio: many.p99 / one.p99 };
    row.within5pc = row.rpsRatio >= 0.95 && row.p99Ratio <= 1.05;
    rows.push(row);
    const paid = one.paid === undefined ? '—' : `${one.paid}/${one.orders} / ${many.paid}/${many.orders}`;
    lines.push(
      `| ${path} | ${rps(one)} | ${one.p50} / ${one.p99} | ${rps(many)} | ${many.p50} / ${many.p99} | ${x(many.rps, one.rps)} | ${x(many.p99, one.p99)} | ${cpu(one)} / ${cpu(many)} | ${one.failed} / ${many.failed} | ${paid} | ${rssMax(phase, 'one')} / ${rssMax(phase, 'many')} |`,
    );
  }
  const met = (ok) => (ok ? 'met' : 'NOT met');
  lines.push(
    '',
    `merchants, within 5% of one merchant (rps ≥ 0.95×, p99 ≤ 1.05×): ${rows.map((r) => `${r.path} ${met(r.within5pc)}`).join(', ')}` +
      `; many-merchant RSS peak ${m.peakRssMb.many} MB (VmHWM; 1 merchant ${m.peakRssMb.one} MB, target < 200: ${met(m.peakRssMb.many < 200)})`,
    `merchants, one-time: start to healthy (migrations on an empty database included) ${m.one.startupMs} ms with 1 merchant, ` +
      `${m.many.startupMs} ms with ${m.merchants}; idle RSS ${m.one.idleRssMb} MB and ${m.many.idleRssMb} MB`,
  );
  return { lines, rows };
}

// ---- setup and teardown -------------------------------------------------------------------------------------

let redis;
let cleaning;
/** Idempotent: children stopped, scratch databases dropped, this run's Redis keys deleted. */
function cleanup() {
  cleaning ??= (async () => {
    sampler?.stop();
    await proc.stopAll();
    admin ??= h && (await db.openAdmin(h.mysql).catch((e) => console.error(`bench: could not reach MariaDB to clean up: ${e.message}`)));
    await db.dropScratch({
      admin,
      databases: [names.baseDb, names.projDb, names.oneDb, names.manyDb],
      redis,
      redisPrefix: names.redisPrefix,
    });
  })();
  return cleaning;
}
proc.cleanUpOnSignal(cleanup);

async function preflight() {
  const down = [];
  if (!(await proc.reachable('127.0.0.1', 3306)))
    down.push('MariaDB at 127.0.0.1:3306 (start: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)');
  if (!(await proc.reachable('127.0.0.1', 6379)))
    down.push('Redis at 127.0.0.1:6379 (start: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no)');
  if (down.length > 0) throw new Error(`not reachable:\n  ${down.join('\n  ')}`);
}

/** The project as production runs it (`npm run build` then `node dist/main.js`), compiled into .bench/dist. */
function buildProject() {
  const out = join(WORK, 'dist');
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', out], {
    cwd: REPO,
    stdio: 'inherit',
  });
  // The compiled code reads its version from ../../package.json, as dist/ does from the project's root.
  copyFileSync(join(REPO, 'package.json'), join(WORK, 'package.json'));
  return join(out, 'main.js');
}

/** The sample merchant, which the shared stub and baseline sign with: the one merchant of the environment. */
const SAMPLE_MERCHANT = {
  WECHAT_APPID: 'wxd930ea5d5a258f4f',
  WECHAT_MCH_ID: '10000100',
  WECHAT_API_KEY: '192006250b4c09247ec02edce69f6a2d',
  WECHAT_APP_SECRET: 'bench-app-secret',
  WECHAT_NOTIFY_URL: 'https://bench.invalid/wechat/pay-notify',
  // The stub has no mutual TLS, and the bench makes no refunds.
  WECHAT_REFUNDS: 'disabled',
};

/**
 * Starts the compiled project as production runs it, on its own port, scratch database and Redis prefix, with `env`
 * naming its merchants (the sample merchant's variables, or MERCHANTS_FILE); resolves once it is healthy (migrated).
 */
async function startProject(name, { port, dbName, redisPrefix, stubBase, env }) {
  // BENCH_PROJECT_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=.bench/prof", to see where the project spends its time.
  // The heap sizes production runs with (package.json config.nodeFlags, as `npm start` and the systemd unit use).
  const productionFlags = String(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).config?.nodeFlags ?? '');
  const nodeArgs = [productionFlags, process.env.BENCH_PROJECT_NODE_ARGS ?? ''].join(' ').split(/\s+/).filter(Boolean);
  const started = performance.now();
  const child = proc.start(name, [...nodeArgs, mainJs], {
    cwd: REPO,
    logDir,
    env: {
      // Not NODE_ENV=production: production refuses WeChat's published sample merchant, which the shared stub and
      // baseline sign with (issue 21 #3). The project reads it for those checks only; the production heap flags are above.
      WECHAT_GATEWAY: 'wechat',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      WECHAT_BASE_URL: stubBase,
      WECHAT_LOGIN_BASE_URL: stubBase,
      DATABASE_URL: `mysql://root@127.0.0.1:3306/${dbName}`,
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DEMO_GOODS: 'no',
      // The scratch database is migrated at start.
      MIGRATE_ON_START: 'yes',
      ...env,
    },
  });
  await proc.waitHealthy(child, `http://127.0.0.1:${port}/healthz`); // migrations have run by then
  return { child, startupMs: Math.round(performance.now() - started) };
}

/** `n` users logged in to the project, user i to mini-program i mod their number (all of them: the default one). */
async function logIn(base, stubBase, n, programs) {
  return proc.pool(
    Array.from({ length: n }, (_, i) => programs?.[i % programs.length]),
    16,
    async (mp) => {
      if (!mp) return h.flow.newUser(base, stubBase);
      const prefix = `/mp/${mp.appId}`;
      return { ...(await h.flow.newUser(`${base}${prefix}`, stubBase)), prefix, goodsId: mp.goodsId, merchant: mp };
    },
  );
}

/** The baseline and the project, on the shared stub, for the prepay, first-notify and reuse phases. */
async function classicTargets(shared) {
  await db.createBaselineDb(admin, names.baseDb, shared.seedSchema);
  await db.createProjectDb(admin, names.projDb);
  const ports = new Set();
  while (ports.size < 3) ports.add(await proc.freePort());
  const [stubPort, basePort, projPort] = [...ports];
  stub = { base: `http://127.0.0.1:${stubPort}/sandbox/wxpay` };
  const stubProc = proc.start('stub', [join(h.dir, 'stub-wechat.mjs')], { cwd: h.dir, logDir, env: { STUB_PORT: String(stubPort) } });
  const baseProc = proc.start('baseline', [join(h.dir, 'baseline.mjs')], {
    cwd: h.dir,
    logDir,
    env: { PORT: String(basePort), DATABASE_URL: `mysql://root@127.0.0.1:3306/${names.baseDb}`, WECHAT_BASE_URL: stub.base, REDIS_URL },
  });
  // The stub has no /healthz; its control endpoint answers 200 once it listens.
  await proc.waitHealthy(stubProc, `${stub.base}/control/order?out_trade_no=none`);
  await proc.waitHealthy(baseProc, `http://127.0.0.1:${basePort}/healthz`);
  const project = await startProject('wxpay-server', {
    port: projPort,
    dbName: names.projDb,
    redisPrefix: names.redisPrefix,
    stubBase: stub.base,
    env: SAMPLE_MERCHANT,
  });
  await db.addGoods(admin, names.projDb);
  sampler = proc.rssSampler(project.child.child.pid);
  const rssAtStartMb = sampler.nowMb(); // migrated and idle, before any load

  // Users: the baseline trusts a uid in the body; the project's log in through the stub (once, tokens last 7 days).
  const nUsers = Math.max(opt.users, opt.firstNotifyOrders);
  const projBase = `http://127.0.0.1:${projPort}`;
  say(`logging in ${nUsers} users to wxpay-server`);
  const targets = [
    {
      kind: 'baseline',
      pid: baseProc.child.pid,
      base: `http://127.0.0.1:${basePort}`,
      db: names.baseDb,
      users: Array.from({ length: nUsers }, (_, i) => ({ uid: 100000 + i })),
    },
    {
      kind: 'project',
      pid: project.child.child.pid,
      base: projBase,
      db: names.projDb,
      sampler,
      users: await logIn(projBase, stub.base, nUsers),
    },
  ];
  return { targets, rssAtStartMb };
}

// ---- the merchants phase ------------------------------------------------------------------------------------

/**
 * The project with one merchant (the environment's, today's configuration) against the project with BENCH_MERCHANTS
 * merchants and two mini-programs each (MERCHANTS_FILE), both on a stub that answers every merchant with its own key.
 * Both are driven the same way, so that only the number of merchants differs: prepay on `/mp/{appid}/wechat/prepay`
 * (the one-merchant project serves its default mini-program there too), notifies at the merchant's own callback URL
 * `/wechat/pay-notify/{merchant}` signed with its key. The many-merchant load goes round-robin over every
 * mini-program (at least one user each). Rounds alternate, one then many, as the other phases alternate targets.
 */
async function phaseMerchants() {
  const config = writeMerchantsFile(join(WORK, 'merchants'), { merchants: opt.merchants, perMerchant: MINI_PROGRAMS_PER_MERCHANT });
  const programs = config.miniPrograms;
  const ports = new Set();
  while (ports.size < 3) ports.add(await proc.freePort());
  const [stubPort, onePort, manyPort] = [...ports];
  const stubBase = `http://127.0.0.1:${stubPort}/sandbox/wxpay`;
  const stubProc = proc.start('stub-merchants', [join(REPO, 'bench', 'load', 'stub-merchants.mjs')], {
    cwd: REPO,
    logDir,
    env: { STUB_PORT: String(stubPort), STUB_MERCHANTS: config.stubFile },
  });
  await proc.waitHealthy(stubProc, `${stubBase}/control/order?out_trade_no=none`);

  // One at a time, so that each start (migrations included, on an empty database) is timed alone.
  await db.createProjectDb(admin, names.oneDb);
  await db.createProjectDb(admin, names.manyDb);
  const common = { stubBase };
  const one = await startProject('wxpay-server-one', {
    ...common,
    port: onePort,
    dbName: names.oneDb,
    redisPrefix: `${names.redisPrefix}one:`,
    env: SAMPLE_MERCHANT,
  });
  const many = await startProject('wxpay-server-many', {
    ...common,
    port: manyPort,
    dbName: names.manyDb,
    redisPrefix: `${names.redisPrefix}many:`,
    env: { MERCHANTS_FILE: config.file, ...config.env },
  });
  await db.addGoods(admin, names.oneDb);
  await db.addGoods(admin, names.manyDb);
  await db.addMiniProgramGoods(admin, names.manyDb, programs);
  await sleep(2000); // idle: what the process holds once started, not the start's transient garbage
  const sampled = (p) => proc.rssSampler(p.child.child.pid);
  const oneSampler = sampled(one);
  const manySampler = sampled(many);
  const startup = {
    one: { startupMs: one.startupMs, idleRssMb: oneSampler.nowMb() },
    many: { startupMs: many.startupMs, idleRssMb: manySampler.nowMb() },
  };
  say(
    `merchants: started in ${startup.one.startupMs} ms (1 merchant) and ${startup.many.startupMs} ms (${opt.merchants} merchants, ` +
      `${programs.length} mini-programs), idle RSS ${startup.one.idleRssMb} and ${startup.many.idleRssMb} MB`,
  );

  const usersPerRun = Math.max(opt.users, programs.length);
  const firstNotifyOrders = Math.max(opt.firstNotifyOrders, programs.length);
  const nUsers = Math.max(usersPerRun, firstNotifyOrders);
  const sampleProgram = {
    index: 0,
    appId: SAMPLE_MERCHANT.WECHAT_APPID,
    merchantId: 'default',
    mchId: SAMPLE_MERCHANT.WECHAT_MCH_ID,
    key: SAMPLE_MERCHANT.WECHAT_API_KEY,
    goodsId: db.GOODS_ID,
  };
  const withNotifyPath = (mp) => ({ ...mp, notifyPath: `/wechat/pay-notify/${mp.merchantId}` });
  const target = async (label, port, started, dbName, sampler_, programsOf) => {
    const base = `http://127.0.0.1:${port}`;
    say(`merchants: logging in ${nUsers} users to ${label} (${programsOf.length} mini-program(s))`);
    return {
      kind: 'project',
      label,
      pid: started.child.child.pid,
      base,
      db: dbName,
      stubBase,
      sampler: sampler_,
      users: await logIn(base, stubBase, nUsers, programsOf.map(withNotifyPath)),
    };
  };
  const targets = [
    await target('one', onePort, one, names.oneDb, oneSampler, [sampleProgram]),
    await target('many', manyPort, many, names.manyDb, manySampler, programs),
  ];

  // Every mini-program (and so every merchant's gateway and callback route) used once before the first round.
  say('merchants: warming up both (unrecorded)');
  await warmUp(targets, usersPerRun);
  for (let round = 1; round <= opt.rounds; round++) {
    // One then many in odd rounds, many then one in even ones, so that neither always runs in the other's wake (MariaDB
    // still purging its writes, the machine's load moving). Always one first, many's prepay cost 13-37 % more server CPU
    // per request than one's in every round of three runs; alternating, within 3 % over four rounds.
    const inTurn = round % 2 === 1 ? targets : [...targets].reverse();
    for (const t of inTurn) {
      await db.emptyOrders(admin, t);
      const users = t.users.slice(0, usersPerRun);
      await record('merchants:prepay', round, t, () => prepayLoad(t, users));
      const orders = await openAndPay(t, users);
      await record('merchants:notify', round, t, () => notifyLoad(t, orders));
    }
    for (const t of inTurn) {
      await db.emptyOrders(admin, t);
      const orders = await openAndPay(t, t.users.slice(0, firstNotifyOrders));
      await record('merchants:first-notify', round, t, () => notifyLoad(t, orders, { amount: orders.length }));
    }
  }
  return {
    merchants: opt.merchants,
    miniPrograms: programs.length,
    usersPerRun,
    firstNotifyOrders,
    ...startup,
    peakRssMb: { one: oneSampler.peakMb(), many: manySampler.peakMb() },
    stop: () => [oneSampler, manySampler].forEach((s) => s.stop()),
  };
}

async function main() {
  const started = Date.now();
  say(`options ${JSON.stringify(opt)}${SMOKE ? ' (smoke)' : ''}`);
  await preflight();
  const shared = locateShared(REPO);
  h = await loadHarness(installHarness(REPO, shared));
  admin = await db.openAdmin(h.mysql).catch((e) => {
    throw new Error(`MariaDB refuses root@127.0.0.1:3306 without password: ${e.message}`);
  });
  redis = new h.Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping().catch((e) => {
    throw new Error(`Redis at ${REDIS_URL} does not answer PING: ${e.message}`);
  });

  say('compiling the project into .bench/dist');
  mainJs = buildProject();
  logDir = join(WORK, 'logs');
  mkdirSync(logDir, { recursive: true });

  let rss;
  if (opt.phases.some((p) => p !== 'merchants')) {
    const { targets, rssAtStartMb } = await classicTargets(shared);
    say('warming up both targets (unrecorded)');
    await warmUp(targets);
    if (opt.phases.includes('prepay')) await phasePrepayAndNotify(targets);
    if (opt.phases.includes('first-notify')) await phaseFirstNotify(targets);
    if (opt.phases.includes('reuse')) await phaseReuse(targets);
    rss = { atStartMb: rssAtStartMb, peakMb: sampler.peakMb() };
    // The classic processes are done: stopped so that they take nothing from the merchants phase.
    await proc.stopAll();
  }
  let merchants;
  if (opt.phases.includes('merchants')) {
    merchants = await phaseMerchants();
    merchants.stop();
    delete merchants.stop;
  }

  const { text, summaryRows, reuse, merchantRows } = report(rss, merchants);
  const out = {
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    smoke: SMOKE,
    options: opt,
    machine: { cpus: os.cpus().length, node: process.version },
    summary: summaryRows,
    reuseScale: reuse,
    rss,
    merchants: merchants && { ...merchants, summary: merchantRows },
    runs: results,
  };
  writeFileSync(join(WORK, 'last-run.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\n${text}\n\nraw results: .bench/last-run.json (${out.seconds} s)`);
}

try {
  await main();
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
