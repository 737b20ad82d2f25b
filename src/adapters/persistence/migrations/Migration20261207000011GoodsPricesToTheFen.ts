import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const GOODS_TABLE = 'shop_goods_info';

/**
 * Goods prices to the fen: the seed's `market_price` and `sale_price` were whole yuan in int(10). On MySQL/MariaDB they
 * become decimal(12,2), still yuan, so every stored price keeps its value and the seed's PHP still reads yuan; 12
 * digits hold every price the domain can (at most 2,147,483,647 fen). SQLite types by value, not by column: a yuan
 * amount with fen is stored as it is written, so there is nothing to change there.
 */
export class Migration20261207000011GoodsPricesToTheFen extends DialectMigration {
  override async up(): Promise<void> {
    if (this.dialect === 'sqlite') return;
    const rows = await this.execute(
      `select column_name as name, data_type as type from information_schema.columns
        where table_schema = database() and table_name = ? and column_name in ('market_price', 'sale_price')`,
      [GOODS_TABLE],
    );
    const clauses = rows
      .filter((r) => String(r.type).toLowerCase() !== 'decimal')
      .map((r) => String(r.name).toLowerCase())
      .map((name) => `MODIFY \`${name}\` decimal(12,2) DEFAULT '0.00' COMMENT '${name === 'market_price' ? '原价' : '售价'}（元，到分）'`);
    if (clauses.length) this.addSql(`ALTER TABLE \`${GOODS_TABLE}\` ${clauses.join(', ')}`);
  }

  override down(): void {
    throw new Error('Prices to the fen cannot go back to whole yuan without rounding: this migration is not reverted.');
  }
}
