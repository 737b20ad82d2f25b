import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const ORDER_TABLE = 'shop_goods_order';
const REFUND_TABLE = 'wx_order_refund';
const OUTBOX_TABLE = 'payment_event_outbox';

/**
 * Several refunds per order, each a row of wx_order_refund with its own out_refund_no and sequence number (WeChat
 * allows 50 per order); the single refund each order held in shop_goods_order.refund_* is copied over, and those
 * columns are no longer written. Also adds the order's review reason and the cash WeChat reports the user paid
 * (cash_fee, below the price when a coupon paid part), and widens the outbox's event_id so that an id naming an
 * order and a transaction or refund number fits.
 */
export class Migration20261130000005OrderRefunds extends DialectMigration {
  override async up(): Promise<void> {
    const mysql = this.dialect === 'mysql';
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${REFUND_TABLE}\` (
      ${mysql ? '`id` bigint NOT NULL AUTO_INCREMENT' : '`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT'},
      \`out_trade_no\` varchar(32) NOT NULL,
      \`seq\` int NOT NULL,
      \`out_refund_no\` varchar(64) NOT NULL,
      \`amount\` int NOT NULL,
      \`status\` varchar(16) NOT NULL,
      \`refund_id\` varchar(64) NULL DEFAULT NULL,
      \`request_key\` varchar(64) NULL DEFAULT NULL,
      \`requested_at\` bigint NOT NULL,
      \`settled_at\` bigint NULL DEFAULT NULL${mysql ? ',\n      PRIMARY KEY (`id`)' : ''}
    )${mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : ''}`);
    const ifNotExists = mysql ? '' : 'IF NOT EXISTS ';
    const indexes = await this.indexesOf(REFUND_TABLE);
    for (const [name, unique, columns] of [
      ['uq_wx_order_refund_out_refund_no', true, '`out_refund_no`'],
      ['uq_wx_order_refund_order_seq', true, '`out_trade_no`, `seq`'],
      ['idx_wx_order_refund_status', false, '`status`, `requested_at`'],
    ] as const) {
      if (!indexes.has(name))
        this.addSql(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${ifNotExists}\`${name}\` ON \`${REFUND_TABLE}\` (${columns})`);
    }

    const columns = await this.columnsOf(ORDER_TABLE);
    const added = [
      ['review_reason', 'varchar(255) NULL DEFAULT NULL', 'why a person must look at the order'],
      ['cash_paid', 'int(10) NULL DEFAULT NULL', 'cash_fee reported by WeChat: what the user paid in cash (fen)'],
    ].filter(([name]) => !columns.has(name as string));
    for (const [name, type, comment] of added) {
      this.addSql(`ALTER TABLE \`${ORDER_TABLE}\` ADD COLUMN \`${name}\` ${type}${mysql ? ` COMMENT '${comment}'` : ''}`);
    }

    if (mysql && ((await this.columnsOf(OUTBOX_TABLE)).get('event_id')?.maxLength ?? 128) < 128) {
      this.addSql(`ALTER TABLE \`${OUTBOX_TABLE}\` MODIFY \`event_id\` varchar(128) NOT NULL`);
    }
    await this.copySingleRefunds();
  }

  override down(): void {
    throw new Error('Refunds are payment records: this migration is not reverted.');
  }

  /** The refund each order held in its own columns becomes its first refund row (kept once, on a re-run too). */
  private async copySingleRefunds(): Promise<void> {
    const rows = await this.execute(
      `select out_trade_no, refund_no, refund_fee, refund_status, refund_time from \`${ORDER_TABLE}\` where refund_no is not null and refund_no <> ''`,
    );
    const ignore = this.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    for (const row of rows) {
      const refundNo = String(row.refund_no);
      const seq = Number(/R(\d+)$/.exec(refundNo)?.[1] ?? '1');
      const status = ['PROCESSING', 'SUCCESS', 'CLOSED'].includes(String(row.refund_status)) ? String(row.refund_status) : 'PROCESSING';
      this.addSql(
        this.getKnex().raw(
          `${ignore} INTO \`${REFUND_TABLE}\` (out_trade_no, seq, out_refund_no, amount, status, requested_at) VALUES (?, ?, ?, ?, ?, ?)`,
          [String(row.out_trade_no), seq, refundNo, Number(row.refund_fee ?? 0), status, Number(row.refund_time ?? 0) * 1000],
        ),
      );
    }
  }
}
