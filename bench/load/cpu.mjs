// `npm run bench:cpu`: what one callback costs in CPU time, not how many a loaded machine answers per second. The
// shared baseline and wxpay-server get the same fixed amounts of work, one target at a time, A B A B; for each run it
// reports the CPU time (user + system, /proc) the server and MariaDB spent per request, from the first request to the
// moment the work the requests caused has been written (notify-log batches, the outbox relay). Medians over rounds.
// Runs: v2 first notify (each order once: orderquery, CHECKED → SUCC, outbox, notify log), v2 duplicate notifies,
// and for the project the same two over API v3 (RSA-SHA256 signature, AES-256-GCM resource; its orderquery stays v2,
// the stub's API). See README.md, "Performance".
import { execFileSync } from 'node:child_process';
import { createCipheriv, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as db from './databases.mjs';
import { installHarness, locateShared } from './harness.mjs';
import * as proc from './processes.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = join(REPO, '.bench');
const REDIS_URL = 'redis://127.0.0.1:6379';

function option(name, normal) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return normal;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench: ${name}=${raw}: must be a positive integer`);
    process.exit(2);
  }
  return n;
}
const opt = {
  orders: option('CPU_ORDERS', 300),
  duplicates: option('CPU_DUPLICATES', 3000),
  rounds: option('CPU_ROUNDS', 3),
  connections: option('CPU_CONNECTIONS', 32),
  // Another MariaDB than the shared one (e.g. a private mariadbd, so no other session's queries count): its port and pid.
  mysqlPort: option('BENCH_MYSQL_PORT', 3306),
};
const ROOT_URL = `mysql://root@127.0.0.1:${opt.mysqlPort}`;
const dbPid = process.env.BENCH_MYSQL_PID ? Number(process.env.BENCH_MYSQL_PID) : (proc.pidOf('mariadbd') ?? proc.pidOf('mysqld'));
const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
const names = { baseDb: `bench_base_${id}`, redisPrefix: `bench-cpu:${id}:` };
/** Another checkout of the project (e.g. main) measured in the same rounds, interleaved: an A/B of a change. */
/** CPU_APIS=v2 leaves API v3 out (for a profile of the v2 path). */
const APIS = (process.env.CPU_APIS ?? 'v2,v3').split(',').map((a) => a.trim());
const COMPARE_DIR = process.env.CPU_COMPARE_DIR ? resolve(process.env.CPU_COMPARE_DIR) : undefined;
const databases = [names.baseDb];
const say = (msg) => console.log(`bench: ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let mysql, wx, flow, admin, stub;

// ---- requests ---------------------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The requests, `connections` at a time; the bodies are built beforehand so the generator stays light. */
async function send(base, requests) {
  let failed = 0;
  await proc.pool(requests, opt.connections, async (r) => {
    const res = await post(`${base}/wechat/pay-notify`, r.body, r.headers);
    const ok = r.v3 ? res.status >= 200 && res.status < 300 : res.status === 200 && wx.isSuccessAck(res.text);
    if (!ok) failed++;
  });
  return failed;
}

// WeChat Pay's side of API v3 for the bench: its signing key (the project trusts the public half) and the APIv3 key.
const wechatPayKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const merchantKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const V3 = {
  apiV3Key: randomBytes(16).toString('hex'),
  publicKeyId: `PUB_KEY_ID_01${'1'.repeat(26)}`,
  merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
};

const v2Notify = (o) => ({
  v3: false,
  headers: { 'content-type': 'text/xml' },
  body: wx.toXml(flow.notifyFor(o.otn, o.fee, { openid: o.openid, transaction_id: o.txn })),
});

/** A TRANSACTION.SUCCESS notify as WeChat Pay sends it: the resource sealed under the APIv3 key, the body signed. */
function v3Notify(o) {
  const resource = JSON.stringify({
    appid: wx.SAMPLE.appid,
    mchid: wx.SAMPLE.mch_id,
    out_trade_no: o.otn,
    transaction_id: o.txn,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: '2026-11-27T12:00:00+08:00',
    payer: { openid: o.openid },
    amount: { total: Number(o.fee), payer_total: Number(o.fee), currency: 'CNY', payer_currency: 'CNY' },
  });
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(V3.apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from('transaction', 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(resource, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: '2026-11-27T12:00:01+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signNonce = randomBytes(16).toString('hex');
  const signature = createSign('RSA-SHA256').update(`${timestamp}\n${signNonce}\n${body}\n`).sign(wechatPayKey.privateKey, 'base64');
  return {
    v3: true,
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': signNonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': V3.publicKeyId,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
  };
}

// ---- orders -----------------------------------------------------------------------------------------------------

/** One order per user, paid at the stub: what a valid notify needs. */
async function openAndPay(target, users) {
  return proc.pool(users, 16, async (u) => {
    const { p, ok, r } = await flow.prepay(target.base, u, db.GOODS_ID, u.token ? {} : { uid: u.uid });
    if (!ok) throw new Error(`${target.kind}: setup prepay failed: ${r.status} ${r.text.slice(0, 200)}`);
    await flow.pay(stub.base, p);
    const o = await (await fetch(`${stub.base}/control/order?out_trade_no=${p.outTradeNo}`)).json();
    return { otn: p.outTradeNo, fee: o.fee, openid: o.openid, txn: o.txn };
  });
}

/**
 * Until what the requests set off is written: the project's notify-log batches (20 ms) and its outbox relay (every
 * second); the baseline writes nothing after answering.
 */
async function settle(target) {
  await sleep(300);
  if (target.kind === 'baseline') return;
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const [[row]] = await admin.query(`select count(*) as n from \`${target.db}\`.payment_event_outbox where delivered_at is null`);
    if (Number(row.n) === 0) return;
    await sleep(200);
  }
}

// ---- runs -------------------------------------------------------------------------------------------------------

const results = [];

const COUNTED = ['Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_begin', 'Com_commit'];

/** MariaDB's statement counters: the whole server's, so exact only on a MariaDB nobody else uses (BENCH_MYSQL_PORT). */
async function statements() {
  const [rows] = await admin.query(`show global status where Variable_name in (${COUNTED.map(() => '?').join(', ')})`, COUNTED);
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

async function measure(kind, round, target, requests) {
  const counted = await statements();
  const before = { server: proc.cpuMs(target.pid), db: proc.cpuMs(dbPid) };
  const started = performance.now();
  const failed = await send(target.base, requests);
  const seconds = (performance.now() - started) / 1000;
  await settle(target);
  const per = (ms) => Math.round((ms * 1000) / requests.length);
  const r = {
    kind,
    round,
    target: target.kind,
    requests: requests.length,
    failed,
    seconds: Number(seconds.toFixed(2)),
    server: per(proc.cpuMs(target.pid) - before.server),
    db: dbPid === undefined ? undefined : per(proc.cpuMs(dbPid) - before.db),
  };
  const after = await statements();
  // Less the two SHOW STATUS and the settle polls themselves (one Questions each, and a SELECT per poll).
  r.statements = Object.fromEntries(COUNTED.map((k) => [k, Number(((after[k] - counted[k]) / requests.length).toFixed(2))]));
  results.push(r);
  const st = r.statements;
  say(
    `${kind} round ${round} ${target.kind}: ${r.requests} requests, ${r.failed} failed, CPU µs/request server ${r.server} MariaDB ${r.db ?? '?'}; ` +
      `statements/request ${st.Questions} (select ${st.Com_select}, insert ${st.Com_insert}, update ${st.Com_update}, begin ${st.Com_begin}, commit ${st.Com_commit})`,
  );
}

/** Duplicate notifies: `duplicates` requests round-robin over orders already paid by their first notify. */
const duplicatesOf = (notifies) => Array.from({ length: opt.duplicates }, (_, i) => notifies[i % notifies.length]);

async function round(n, targets) {
  for (const t of targets) {
    await db.emptyOrders(admin, { ...t, kind: t.kind === 'baseline' ? 'baseline' : 'project' });
    for (const api of t.kind === 'baseline' ? ['v2'] : APIS) {
      const orders = await openAndPay(t, t.users);
      // The stub speaks v2 only: its orders are opened over v2, then marked as opened over v3 (the prepay's sign type
      // RSA), as the project refuses a notify in another API than the order's prepay; a new version, as every write of
      // an order has, so a compare-and-set that read the order before (the reconciliation job's) does not undo it.
      if (api === 'v3') {
        await admin.query(`update \`${t.db}\`.shop_goods_order set sign_type = 'RSA', version = version + 1 where out_trade_no in (?)`, [
          orders.map((o) => o.otn),
        ]);
      }
      const notifies = orders.map(api === 'v3' ? v3Notify : v2Notify);
      await measure(`first-notify ${api}`, n, t, notifies);
      await measure(`duplicate ${api}`, n, t, duplicatesOf(notifies));
    }
  }
}

function report(kindsOfTargets) {
  const kinds = [...new Set(results.map((r) => r.kind))];
  const row = (kind, target) => {
    const runs = results.filter((r) => r.kind === kind && r.target === target);
    if (runs.length === 0) return undefined;
    return {
      server: median(runs.map((r) => r.server)),
      db: median(runs.map((r) => r.db ?? 0)),
      range: [Math.min(...runs.map((r) => r.server)), Math.max(...runs.map((r) => r.server))],
      failed: runs.reduce((a, r) => a + r.failed, 0),
      statements: median(runs.map((r) => r.statements.Questions)),
    };
  };
  const lines = [
    `| run | ${kindsOfTargets.map((t) => `${t}: server + MariaDB µs (server range), statements`).join(' | ')} | failed |`,
    `|---|${kindsOfTargets.map(() => '---:|').join('')}---:|`,
  ];
  const cell = (a) => (a ? `${a.server} + ${a.db} (${a.range.join('–')}), ${a.statements}` : '—');
  for (const kind of kinds) {
    const rows = kindsOfTargets.map((t) => row(kind, t));
    lines.push(`| ${kind} | ${rows.map(cell).join(' | ')} | ${rows.map((r) => r?.failed ?? '—').join(' / ')} |`);
  }
  const header =
    `CPU time per request, ${opt.rounds} round(s) interleaved, medians; ${opt.orders} orders, ${opt.duplicates} duplicates, ${opt.connections} connections; ` +
    `${os.cpus().length} CPUs, Node ${process.version}, MariaDB ${dbPid === undefined ? 'CPU not read' : `pid ${dbPid} port ${opt.mysqlPort}`}`;
  return [header, '', ...lines].join('\n');
}

// ---- setup and teardown -----------------------------------------------------------------------------------------

let redis;
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    agent.destroy();
    await proc.stopAll();
    await db.dropScratch({ admin, databases, redis, redisPrefix: names.redisPrefix });
  })();
  return cleaning;
}
proc.cleanUpOnSignal(cleanup);

/** A checkout compiled as production runs it, into its own .bench/dist. */
function buildProject(repo) {
  const work = join(repo, '.bench');
  const out = join(work, 'dist');
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', out], {
    cwd: repo,
    stdio: 'inherit',
  });
  copyFileSync(join(repo, 'package.json'), join(work, 'package.json'));
  return join(out, 'main.js');
}

const pem = (key) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' });

async function main() {
  say(`options ${JSON.stringify(opt)}`);
  const shared = locateShared(REPO);
  const dir = installHarness(REPO, shared);
  const require = createRequire(join(dir, 'package.json'));
  mysql = require('mysql2/promise');
  wx = await import(pathToFileURL(join(dir, 'lib', 'wx.mjs')).href);
  flow = await import(pathToFileURL(join(dir, 'lib', 'flow.mjs')).href);
  admin = await mysql.createConnection({ uri: ROOT_URL, multipleStatements: true });
  redis = new (require('ioredis').default)(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();

  const checkouts = [{ kind: 'project', repo: REPO }, ...(COMPARE_DIR ? [{ kind: 'compared', repo: COMPARE_DIR }] : [])];
  for (const c of checkouts) {
    say(`compiling ${c.repo} into its .bench/dist`);
    c.mainJs = buildProject(c.repo);
  }
  const logDir = join(WORK, 'logs');
  mkdirSync(logDir, { recursive: true });
  await db.createBaselineDb(admin, names.baseDb, shared.seedSchema);
  const ports = new Set();
  while (ports.size < 2 + checkouts.length) ports.add(await proc.freePort());
  const [stubPort, basePort, ...projPorts] = [...ports];
  stub = { base: `http://127.0.0.1:${stubPort}/sandbox/wxpay` };
  const stubProc = proc.start('stub', [join(dir, 'stub-wechat.mjs')], { cwd: dir, logDir, env: { STUB_PORT: String(stubPort) } });
  const baseProc = proc.start('baseline', [join(dir, 'baseline.mjs')], {
    cwd: dir,
    logDir,
    env: { PORT: String(basePort), DATABASE_URL: `${ROOT_URL}/${names.baseDb}`, WECHAT_BASE_URL: stub.base, REDIS_URL },
  });
  await proc.waitHealthy(stubProc, `${stub.base}/control/order?out_trade_no=none`);
  await proc.waitHealthy(baseProc, `http://127.0.0.1:${basePort}/healthz`);
  const targets = [
    {
      kind: 'baseline',
      pid: baseProc.child.pid,
      base: `http://127.0.0.1:${basePort}`,
      db: names.baseDb,
      users: Array.from({ length: opt.orders }, (_, i) => ({ uid: 100000 + i })),
    },
  ];
  for (const [i, c] of checkouts.entries()) {
    const dbName = `bench_${c.kind}_${id}`;
    databases.push(dbName);
    await db.createProjectDb(admin, dbName);
    const port = projPorts[i];
    const productionFlags = String(JSON.parse(readFileSync(join(c.repo, 'package.json'), 'utf8')).config?.nodeFlags ?? '');
    const nodeArgs = [productionFlags, process.env.BENCH_PROJECT_NODE_ARGS ?? ''].join(' ').split(/\s+/).filter(Boolean);
    const server = proc.start(c.kind === 'project' ? 'wxpay-server' : `wxpay-server-${c.kind}`, [...nodeArgs, c.mainJs], {
      cwd: c.repo,
      logDir,
      env: {
        // As bench:load runs it (see run.mjs), with API v3 configured beside v2: v2 prepays, both dialects' notifies.
        WECHAT_GATEWAY: 'wechat',
        WECHAT_APPID: wx.SAMPLE.appid,
        WECHAT_MCH_ID: wx.SAMPLE.mch_id,
        WECHAT_API_KEY: wx.SAMPLE.key,
        WECHAT_APP_SECRET: 'bench-app-secret',
        WECHAT_NOTIFY_URL: 'https://bench.invalid/wechat/pay-notify',
        WECHAT_MCH_PRIVATE_KEY: pem(merchantKey.privateKey),
        WECHAT_MCH_CERT_SERIAL: V3.merchantSerial,
        WECHAT_API_V3_KEY: V3.apiV3Key,
        WECHAT_PAY_PUBLIC_KEY: pem(wechatPayKey.publicKey),
        WECHAT_PAY_PUBLIC_KEY_ID: V3.publicKeyId,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        WECHAT_BASE_URL: stub.base,
        WECHAT_LOGIN_BASE_URL: stub.base,
        DATABASE_URL: `${ROOT_URL}/${dbName}`,
        REDIS_URL,
        REDIS_KEY_PREFIX: `${names.redisPrefix}${c.kind}:`,
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DEMO_GOODS: 'no',
        WECHAT_REFUNDS: 'disabled',
        MIGRATE_ON_START: 'yes',
        // The orders are paid at the stub before their notifies: a reconciliation run in between would record some
        // payments itself and turn first notifies into duplicates, so the job waits an hour (the relay still runs).
        RECONCILE_INTERVAL_MS: '3600000',
      },
    });
    const base = `http://127.0.0.1:${port}`;
    await proc.waitHealthy(server, `${base}/healthz`);
    await db.addGoods(admin, dbName);
    say(`logging in ${opt.orders} users to ${c.kind}`);
    targets.push({
      kind: c.kind,
      pid: server.child.pid,
      base,
      db: dbName,
      users: await proc.pool(Array.from({ length: opt.orders }), 16, () => flow.newUser(base, stub.base)),
    });
  }
  say('warming up (unrecorded)');
  await round(0, targets);
  results.length = 0;
  for (let n = 1; n <= opt.rounds; n++) await round(n, targets);
  const text = report(targets.map((t) => t.kind));
  writeFileSync(
    join(WORK, 'last-cpu-run.json'),
    `${JSON.stringify({ at: new Date().toISOString(), options: opt, runs: results }, null, 2)}\n`,
  );
  console.log(`\n${text}\n\nraw results: .bench/last-cpu-run.json`);
}

try {
  await main();
} catch (e) {
  console.error(`bench: ${e.stack ?? e.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
