import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const ORDER_TABLE = 'shop_goods_order';
const COLUMN = 'merchant_id';

/**
 * Each order records the merchant account it belongs to (our id of it, a short slug), so that several merchants can
 * share one deployment as data rather than wiring. Additive: every existing row, and every row the seed's PHP keeps
 * inserting without naming the column, belongs to `default`, the single merchant of today. MariaDB adds a column with
 * a constant default in place (ALGORITHM=INSTANT since 10.3), without copying the table.
 */
export class Migration20261207000009OrderMerchant extends DialectMigration {
  override async up(): Promise<void> {
    if ((await this.columnsOf(ORDER_TABLE)).has(COLUMN)) return;
    const comment = this.dialect === 'mysql' ? " COMMENT 'our id of the merchant account the order belongs to'" : '';
    this.addSql(`ALTER TABLE \`${ORDER_TABLE}\` ADD COLUMN \`${COLUMN}\` varchar(32) NOT NULL DEFAULT 'default'${comment}`);
  }

  override down(): void {
    throw new Error('An order keeps its merchant: this migration is not reverted.');
  }
}
