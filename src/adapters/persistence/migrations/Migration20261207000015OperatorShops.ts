import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const OPERATOR_TABLE = 'wx_operator';
const GRANT_TABLE = 'wx_operator_shop';
const AUDIT_TABLE = 'wx_audit_log';
const ORDER_TABLE = 'shop_goods_order';

/**
 * Platform and shop operators (issue 20). `wx_operator.all_shops` says an operator answers for every shop; it
 * defaults to 1, so every existing operator is a platform operator and nothing changes for them. A shop operator
 * (all_shops = 0) answers for the merchants of their rows in `wx_operator_shop`. The audit log gains the merchant a
 * line is about, so a shop operator reads only their shops' lines: existing lines about an order take that order's
 * merchant, those about goods and users the default merchant's (the only one that had any), the rest (operators,
 * bills) stay without one, for platform operators only. Additive.
 */
export class Migration20261207000015OperatorShops extends DialectMigration {
  override async up(): Promise<void> {
    const mysql = this.dialect === 'mysql';
    const comment = (text: string): string => (mysql ? ` COMMENT '${text}'` : '');
    if (!(await this.columnsOf(OPERATOR_TABLE)).has('all_shops')) {
      this.addSql(
        `ALTER TABLE \`${OPERATOR_TABLE}\` ADD COLUMN \`all_shops\` tinyint(1) NOT NULL DEFAULT 1${comment('1: a platform operator (every shop); 0: only the shops in wx_operator_shop')}`,
      );
    }
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${GRANT_TABLE}\` (
      \`operator_id\` int NOT NULL,
      \`merchant_id\` varchar(32) NOT NULL,
      \`granted_at\` bigint NOT NULL,
      PRIMARY KEY (\`operator_id\`, \`merchant_id\`)
    )${mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : ''}`);

    const auditColumns = await this.columnsOf(AUDIT_TABLE);
    if (!auditColumns.has('merchant_id')) {
      this.addSql(
        `ALTER TABLE \`${AUDIT_TABLE}\` ADD COLUMN \`merchant_id\` varchar(32) NULL DEFAULT NULL${comment('the shop the line is about; NULL: platform operators only')}`,
      );
      this.addSql(
        `UPDATE \`${AUDIT_TABLE}\` SET \`merchant_id\` = (SELECT o.\`merchant_id\` FROM \`${ORDER_TABLE}\` o WHERE o.\`out_trade_no\` = \`${AUDIT_TABLE}\`.\`subject\` LIMIT 1)
          WHERE \`action\` IN ('refund.requested', 'review.resolved')`,
      );
      this.addSql(
        `UPDATE \`${AUDIT_TABLE}\` SET \`merchant_id\` = 'default' WHERE \`action\` IN ('coins.granted', 'goods.created', 'goods.updated')`,
      );
    }
    if (!(await this.indexesOf(AUDIT_TABLE)).has('idx_wx_audit_log_merchant')) {
      this.addSql(`CREATE INDEX \`idx_wx_audit_log_merchant\` ON \`${AUDIT_TABLE}\` (\`merchant_id\`, \`id\`)`);
    }
  }

  override down(): void {
    throw new Error('Taking the grants away would make every shop operator a platform operator: this migration is not reverted.');
  }
}
