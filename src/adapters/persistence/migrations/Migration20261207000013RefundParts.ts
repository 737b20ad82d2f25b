import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const REFUND_TABLE = 'wx_order_refund';

/**
 * Each refund keeps how WeChat split it when a coupon paid part of the order: the cash back to the user and the part
 * returned to the coupon (v2 cash_refund_fee / coupon_refund_fee, v3 amount.payer_refund / discount_refund), in fen.
 * Additive and nullable: refunds recorded before, or whose answers did not say, have neither.
 */
export class Migration20261207000013RefundParts extends DialectMigration {
  override async up(): Promise<void> {
    const columns = await this.columnsOf(REFUND_TABLE);
    const mysql = this.dialect === 'mysql';
    for (const [name, comment] of [
      ['cash_refund', 'the cash part WeChat refunded to the user (fen)'],
      ['coupon_refund', 'the part WeChat returned to the coupon (fen)'],
    ] as const) {
      if (columns.has(name)) continue;
      this.addSql(`ALTER TABLE \`${REFUND_TABLE}\` ADD COLUMN \`${name}\` int NULL DEFAULT NULL${mysql ? ` COMMENT '${comment}'` : ''}`);
    }
  }

  override down(): void {
    throw new Error('Refunds are payment records: this migration is not reverted.');
  }
}
