import { DialectMigration } from './dialect-migration.js';

// A shipped migration must never change: every name and rule it uses is written out here, not imported from live
// code (a test checks the backfilled open_key still equals what the repository computes).
const ORDER_TABLE = 'shop_goods_order';
const PAID_TYPES: readonly string[] = ['WXPAY', 'INTEGRAL', 'MIXED'];
const openKeyOf = (uid: number, goodsId: number, paidType: string): string => `${uid}:${goodsId}:${paidType}`;

interface ColumnSpec {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'prepay_id', type: 'varchar(64) NULL DEFAULT NULL', comment: 'WeChat prepay_id, payable for 2 hours' },
  { name: 'prepay_issued_at', type: 'int(10) NULL DEFAULT NULL', comment: 'unix seconds' },
  { name: 'prepay_expire_time', type: 'int(10) NULL DEFAULT NULL', comment: 'unix seconds' },
  { name: 'sign_type', type: 'varchar(16) NULL DEFAULT NULL', comment: 'MD5 or HMAC-SHA256, as the prepay was signed' },
  { name: 'version', type: 'int(10) NOT NULL DEFAULT 0', comment: 'compare-and-set token, +1 per write' },
  { name: 'needs_review', type: 'tinyint(1) NOT NULL DEFAULT 0', comment: 'paid after FAILED: check by hand' },
  { name: 'open_key', type: 'varchar(64) NULL DEFAULT NULL', comment: 'uid:goods_id:paid_type while the open order of its key' },
  { name: 'refund_no', type: 'varchar(64) NULL DEFAULT NULL', comment: 'out_refund_no' },
  { name: 'refund_fee', type: 'int(10) NULL DEFAULT NULL', comment: 'fen' },
  { name: 'refund_status', type: 'varchar(16) NULL DEFAULT NULL', comment: 'refund progress' },
  { name: 'refund_time', type: 'int(10) NULL DEFAULT NULL', comment: 'unix seconds' },
];

const INDEXES: readonly { readonly name: string; readonly unique: boolean; readonly columns: string }[] = [
  { name: 'uq_shop_goods_order_out_trade_no', unique: true, columns: '`out_trade_no`' },
  { name: 'uq_shop_goods_order_open_key', unique: true, columns: '`open_key`' },
  // The seed's reuse lookup (newest CHECKED order of a key) and the notify/reconciliation scans.
  { name: 'idx_shop_goods_order_reuse', unique: false, columns: '`uid`, `goods_id`, `paid_type`, `paid_status`, `add_time`' },
  { name: 'idx_shop_goods_order_status_time', unique: false, columns: '`paid_status`, `add_time`' },
];

const BACKFILL_BATCH = 500;

/**
 * Adds the order columns and indexes. Only adds, with one kind of exception: out_trade_no and bill_no are widened
 * from the seed's varchar(30) to varchar(32), WeChat's maximum for out_trade_no and transaction_id, so numbers from
 * other systems fit and a payment WeChat reports with a 32-character transaction_id can always be recorded. MODIFY
 * keeps every value, the default and the comment. Existing open orders are backfilled into open_key: for each (uid, goods_id, paid_type)
 * the newest CHECKED order holds the slot, which is the order the seed's reuse rule would pick.
 */
export class Migration20260601000002OrderColumns extends DialectMigration {
  override async up(): Promise<void> {
    const columns = await this.columnsOf(ORDER_TABLE);
    const indexes = await this.indexesOf(ORDER_TABLE);
    if (!indexes.has('uq_shop_goods_order_out_trade_no')) await this.refuseDuplicateNumbers();

    const missingColumns = COLUMNS.filter((c) => !columns.has(c.name));
    const missingIndexes = INDEXES.filter((i) => !indexes.has(i.name));
    if (this.dialect === 'mysql') {
      const clauses: string[] = [];
      const width = columns.get('out_trade_no')?.maxLength;
      if (width !== undefined && width !== null && width < 32) {
        clauses.push("MODIFY `out_trade_no` varchar(32) DEFAULT '' COMMENT '订单序列号'");
      }
      const billWidth = columns.get('bill_no')?.maxLength;
      if (billWidth !== undefined && billWidth !== null && billWidth < 32) {
        clauses.push("MODIFY `bill_no` varchar(32) DEFAULT '' COMMENT '支付方返回的交易订单号'");
      }
      for (const c of missingColumns) clauses.push(`ADD COLUMN \`${c.name}\` ${c.type} COMMENT '${c.comment}'`);
      for (const i of missingIndexes) clauses.push(`ADD ${i.unique ? 'UNIQUE ' : ''}INDEX \`${i.name}\` (${i.columns})`);
      // One ALTER: InnoDB applies it whole or not at all.
      if (clauses.length > 0) this.addSql(`ALTER TABLE \`${ORDER_TABLE}\` ${clauses.join(', ')}`);
    } else {
      // SQLite does not enforce varchar lengths, so out_trade_no and bill_no need no widening there.
      for (const c of missingColumns) this.addSql(`ALTER TABLE \`${ORDER_TABLE}\` ADD COLUMN \`${c.name}\` ${c.type}`);
      for (const i of missingIndexes) {
        this.addSql(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS \`${i.name}\` ON \`${ORDER_TABLE}\` (${i.columns})`);
      }
    }
    await this.backfillOpenKeys(columns.has('open_key'));
  }

  override down(): void {
    throw new Error('Order columns hold payment state: this migration is not reverted.');
  }

  /** A seed database with two orders under one number cannot get the unique index; a person must decide. */
  private async refuseDuplicateNumbers(): Promise<void> {
    const dupes = await this.execute(
      `select out_trade_no as no, count(*) as n from \`${ORDER_TABLE}\` group by out_trade_no having count(*) > 1 limit 5`,
    );
    if (dupes.length === 0) return;
    const list = dupes.map((d) => `'${String(d.no)}' ×${String(d.n)}`).join(', ');
    throw new Error(
      `shop_goods_order has repeated out_trade_no values (${list}); resolve them before migrating, ` +
        'since the service relies on a unique index to tell orders apart.',
    );
  }

  private async backfillOpenKeys(columnExisted: boolean): Promise<void> {
    const newest = await this.execute(
      `select c.uid as uid, c.goods_id as goods_id, c.paid_type as paid_type, max(c.id) as id
         from \`${ORDER_TABLE}\` c
         join (select uid, goods_id, paid_type, max(coalesce(add_time, 0)) as t from \`${ORDER_TABLE}\`
                where paid_status = 'CHECKED' group by uid, goods_id, paid_type) m
           on m.uid = c.uid and m.goods_id = c.goods_id and m.paid_type = c.paid_type and coalesce(c.add_time, 0) = m.t
        where c.paid_status = 'CHECKED' and c.uid is not null and c.goods_id is not null
        group by c.uid, c.goods_id, c.paid_type`,
    );
    const taken = columnExisted
      ? new Set((await this.execute(`select open_key as k from \`${ORDER_TABLE}\` where open_key is not null`)).map((r) => String(r.k)))
      : new Set<string>();
    const assignments: [number, string][] = [];
    for (const row of newest) {
      const paidType = String(row.paid_type);
      if (!PAID_TYPES.includes(paidType)) continue; // a paid type the service does not sell is never reused
      const key = openKeyOf(Number(row.uid), Number(row.goods_id), paidType);
      if (!taken.has(key)) assignments.push([Number(row.id), key]);
    }
    for (let i = 0; i < assignments.length; i += BACKFILL_BATCH) {
      const batch = assignments.slice(i, i + BACKFILL_BATCH);
      const cases = batch.map(() => 'when ? then ?').join(' ');
      const ids = batch.map(() => '?').join(', ');
      this.addSql(
        this.getKnex().raw(`update \`${ORDER_TABLE}\` set open_key = case id ${cases} end where open_key is null and id in (${ids})`, [
          ...batch.flat(),
          ...batch.map(([id]) => id),
        ]),
      );
    }
  }
}
