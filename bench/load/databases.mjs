// The two scratch databases: the baseline's (seed schema + the bench README's two indexes) and the project's (its
// own migrations, run by the service on start). Both get the same goods and the same kind of filler orders.
import { readFileSync } from 'node:fs';

export const GOODS_ID = 7;
/** WXPAY pays market_price (whole yuan in shop_goods_info) in cash: 19,900 fen for both targets. */
const GOODS_SQL = `insert into shop_goods_info (id, name, market_price, sale_price, integral, is_online) values (${GOODS_ID}, 'bench', 199, 99, 500, 1)`;

/** Tables a round empties, per target. The project's notify log and outbox grow with every payment. */
const ORDER_TABLES = {
  baseline: ['shop_goods_order'],
  project: ['shop_goods_order', 'wx_notify_log', 'payment_event_outbox'],
};

const ROOT_URL = 'mysql://root@127.0.0.1:3306';

export async function openAdmin(mysql) {
  return mysql.createConnection({ uri: ROOT_URL, multipleStatements: true });
}

export async function createBaselineDb(admin, name, seedSchemaFile) {
  await admin.query(`create database \`${name}\``);
  await admin.query(`use \`${name}\``);
  await admin.query(readFileSync(seedSchemaFile, 'utf8'));
  await admin.query('alter table shop_goods_order add unique key (out_trade_no), add key (uid,goods_id,paid_type,paid_status,add_time)');
  await admin.query(GOODS_SQL);
}

/** The project's database starts empty: the service creates its schema by migrating on start. */
export async function createProjectDb(admin, name) {
  await admin.query(`create database \`${name}\``);
}

export async function addGoods(admin, name) {
  await admin.query(`use \`${name}\``);
  await admin.query(GOODS_SQL);
}

/** One goods per mini-program other than the default one (which sells goods 7), like goods 7, sold by that appid. */
export async function addMiniProgramGoods(admin, name, miniPrograms) {
  const rows = miniPrograms.filter((p) => p.goodsId !== GOODS_ID).map((p) => [p.goodsId, `bench ${p.index}`, 199, 99, 500, 1, p.appId]);
  if (rows.length === 0) return;
  await admin.query(`use \`${name}\``);
  await admin.query('insert into shop_goods_info (id, name, market_price, sale_price, integral, is_online, app_id) values ?', [rows]);
}

export async function emptyOrders(admin, target) {
  await admin.query(`use \`${target.db}\``);
  for (const t of ORDER_TABLES[target.kind]) await admin.query(`truncate table \`${t}\``);
}

export async function countPaid(admin, target, outTradeNos) {
  if (outTradeNos.length === 0) return 0;
  await admin.query(`use \`${target.db}\``);
  const [[row]] = await admin.query("select count(*) as n from shop_goods_order where paid_status = 'SUCC' and out_trade_no in (?)", [
    outTradeNos,
  ]);
  return Number(row.n);
}

export async function dropDb(admin, name) {
  await admin.query(`drop database if exists \`${name}\``);
}

const SPARE = 'shop_goods_order_spare';

/** A second, empty order table beside the live one with the same definition (indexes included). */
export async function createSpareOrders(admin, target) {
  await admin.query(`use \`${target.db}\``);
  await admin.query(`create table \`${SPARE}\` like shop_goods_order`);
}

/**
 * Swaps the live order table and the spare one in one atomic RENAME, so the reuse phase can alternate between a
 * small and a large table (A B A B, like the targets) instead of measuring them minutes apart.
 */
export async function swapOrders(admin, target) {
  await admin.query(`use \`${target.db}\``);
  await admin.query(`rename table shop_goods_order to bench_swap, \`${SPARE}\` to shop_goods_order, bench_swap to \`${SPARE}\``);
}

/**
 * `count` filler orders, n = 1..count, for *other* users (uid 10,000,000 + n div 10: ten orders each), written by one
 * INSERT … SELECT over MariaDB's sequence engine per 100,000 rows (fast, and no huge transaction). Every row is one
 * the project can read: a 28-digit out_trade_no unique by construction (Beijing time of add_time + scene 0002 + n),
 * 70% SUCC (with transaction id and prepay), 10% FAILED, 20% CHECKED of which half hold their key's open slot
 * (open_key set, one per filler uid) and half are superseded (open_key NULL). CHECKED filler rows carry no prepay_id,
 * like orders from the seed's code, which never stored one.
 */
export async function insertFiller(admin, target, count, { spare = false } = {}) {
  const table = spare ? SPARE : 'shop_goods_order';
  await admin.query(`use \`${target.db}\``);
  await admin.query("set time_zone = '+08:00'"); // out_trade_no starts with Beijing time
  const now = Math.floor(Date.now() / 1000);
  const seedCols =
    'uid, goods_id, out_trade_no, bill_no, paid_money, paid_integral, paid_type, paid_status, add_time, paid_time, update_time';
  const projectCols = 'prepay_id, prepay_issued_at, prepay_expire_time, sign_type, version, needs_review, open_key';
  for (let lo = 1; lo <= count; lo += 100_000) {
    const hi = Math.min(count, lo + 99_999);
    // s.t: add_time between 1 hour and 90 days ago; s.st: status by n mod 10 (see above).
    const base = `select seq as n, 10000000 + seq div 10 as uid, 1 + seq mod 10 as goods_id, ${now} - 3600 - (seq * 37) mod 7776000 as t,
      case seq mod 10 when 7 then 'FAILED' when 8 then 'CHECKED' when 9 then 'CHECKED' else 'SUCC' end as st from seq_${lo}_to_${hi}`;
    const seedVals = `s.uid, s.goods_id, concat(date_format(from_unixtime(s.t), '%Y%m%d%H%i%s'), '0002', lpad(s.n, 10, '0')),
      if(s.st = 'SUCC', concat('4200', lpad(s.n, 24, '0')), ''), 19900, 0, 'WXPAY', s.st, s.t, if(s.st = 'SUCC', s.t + 60, 0), s.t + 60`;
    const projectVals = `if(s.st = 'CHECKED', null, concat('wx', lpad(s.n, 30, '0'))), if(s.st = 'CHECKED', null, s.t),
      if(s.st = 'CHECKED', null, s.t + 7200), if(s.st = 'CHECKED', null, 'MD5'), if(s.st = 'CHECKED', 0, 2), 0,
      if(s.n mod 10 = 9, concat(s.uid, ':', s.goods_id, ':WXPAY'), null)`;
    await admin.query(
      target.kind === 'project'
        ? `insert into \`${table}\` (${seedCols}, ${projectCols}) select ${seedVals}, ${projectVals} from (${base}) s`
        : `insert into \`${table}\` (${seedCols}) select ${seedVals} from (${base}) s`,
    );
  }
  // Fresh statistics, as a long-lived table would have, so the optimizer sees the table's real shape.
  await admin.query(`analyze table \`${table}\``);
}

/**
 * A run's teardown of its scratch state: its databases dropped, its Redis keys deleted. Reports what it could not
 * undo and never throws, so the rest of the teardown (and the exit) still happens.
 */
export async function dropScratch({ admin, databases, redis, redisPrefix }) {
  try {
    if (admin) {
      for (const name of databases) await dropDb(admin, name);
      await admin.end();
    }
  } catch (e) {
    console.error(`bench: could not drop ${databases.join(', ')}: ${e.message}`);
  }
  try {
    if (redis) {
      const keys = [];
      for await (const batch of redis.scanStream({ match: `${redisPrefix}*`, count: 500 })) keys.push(...batch);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  } catch (e) {
    console.error(`bench: could not delete Redis keys ${redisPrefix}*: ${e.message}`);
  }
}
