/**
 * `npm run bench:migration`: how long Migration20261207000014MiniPrograms takes on a large database — a million rows in
 * shop_goods_order (and a hundred thousand users) on MariaDB. Reports, does not assert. Works in a scratch database of
 * its own on BENCH_MYSQL_URL's server (default: the local MariaDB), created and dropped here; the rows are made by
 * MariaDB itself (the Sequence engine), so the run measures the migration, not the client.
 */
import { randomBytes } from 'node:crypto';
import { migrate, openOrm, type SqlOrm } from '../src/adapters/persistence/orm.js';

const SERVER_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const BEFORE = 'Migration20261207000013RefundParts';

async function main(): Promise<void> {
  const name = `wxpay_bench_mp_${randomBytes(4).toString('hex')}`;
  const admin = await openOrm(SERVER_URL, { poolMax: 1 });
  await admin.em.getConnection().execute(`CREATE DATABASE \`${name}\``);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  let orm: SqlOrm | undefined;
  try {
    orm = await openOrm(url.toString(), { poolMax: 2 });
    const sql = (text: string) => orm!.em.getConnection().execute(text);
    await orm.getMigrator().up({ to: BEFORE });

    const filled = Date.now();
    // Spread over 100,000 users and 50 goods, in every state, as years of a shop's orders would be.
    await sql(`INSERT INTO shop_goods_order (uid, goods_id, out_trade_no, bill_no, paid_money, paid_integral, paid_type, paid_status,
        add_time, paid_time, update_time)
      SELECT seq % ${USERS} + 1, seq % 50 + 1, CONCAT('20260101000000', '0002', LPAD(seq, 10, '0')),
        IF(seq % 4 = 0, CONCAT('42000002152026', LPAD(seq, 14, '0')), ''), 9900, 0, 'WXPAY',
        ELT(seq % 4 + 1, 'SUCC', 'CHECKED', 'FAILED', 'REFUND'), 1767225600 + seq, 0, 1767225600 + seq
      FROM seq_1_to_${ORDERS}`);
    await sql(`INSERT INTO wx_user (uid, openid, created_at) SELECT seq, CONCAT('o-bench-', seq), 0 FROM seq_1_to_${USERS}`);
    await sql(
      `INSERT INTO shop_goods_info (name, market_price, sale_price, integral) SELECT CONCAT('goods ', seq), 99, 69, 30 FROM seq_1_to_50`,
    );
    const [count] = await sql('SELECT COUNT(*) AS n FROM shop_goods_order');
    const [version] = await sql('SELECT VERSION() AS v');
    console.log(`MariaDB ${String(version?.v)}: ${String(count?.n)} orders, ${USERS} users (filled in ${Date.now() - filled} ms)`);

    const started = process.hrtime.bigint();
    const applied = await migrate(orm);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${applied.join(', ')}: ${ms.toFixed(0)} ms`);

    // The same kind of ADD COLUMN, forced INSTANT: MariaDB refuses it (rather than copying the table) when it cannot add
    // the column in place, so this line shows the migration's ALTER of the order table rewrites no row.
    const instant = process.hrtime.bigint();
    await sql(`ALTER TABLE shop_goods_order ADD COLUMN bench_probe varchar(32) NOT NULL DEFAULT '', ALGORITHM=INSTANT`);
    console.log(
      `the same ADD COLUMN with ALGORITHM=INSTANT on ${String(count?.n)} orders: ${(Number(process.hrtime.bigint() - instant) / 1e6).toFixed(0)} ms`,
    );
  } finally {
    await orm?.close();
    await admin.em.getConnection().execute(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.close();
  }
}

await main();
