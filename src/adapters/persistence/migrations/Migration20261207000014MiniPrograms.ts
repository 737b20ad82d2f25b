import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const ORDER_TABLE = 'shop_goods_order';
const GOODS_TABLE = 'shop_goods_info';
const USER_TABLE = 'wx_user';
const USER_OPENID_UNIQUE = 'uq_wx_user_openid';
const USER_APP_OPENID_UNIQUE = 'uq_wx_user_appid_openid';

/**
 * Orders, goods and users belong to one mini-program (its appid): an openid exists per appid, and a deployment may
 * serve several mini-programs. Additive: every existing row, and every row the seed's PHP keeps inserting without
 * naming the column, holds '' — the deployment's default mini-program (the one the seed's paths serve), as
 * merchant_id 'default' names the environment's merchant. MariaDB adds a column with a constant default in place
 * (ALGORITHM=INSTANT since 10.3), without copying the table: bench/mini-programs-migration.ts measures it.
 *
 * A user is keyed by (appid, openid): the unique index on openid alone gives way to one on both (wx_user is the
 * service's own table; the seed's PHP never reads it).
 */
export class Migration20261207000014MiniPrograms extends DialectMigration {
  override async up(): Promise<void> {
    const mysql = this.dialect === 'mysql';
    const comment = (text: string): string => (mysql ? ` COMMENT '${text}'` : '');
    for (const [table, column, text] of [
      [ORDER_TABLE, 'app_id', "the mini-program appid the order was placed in; '' = the default mini-program"],
      [GOODS_TABLE, 'app_id', "the mini-program appid selling the goods; '' = the default mini-program"],
      [USER_TABLE, 'appid', "the mini-program appid the openid belongs to; '' = the default mini-program"],
    ] as const) {
      if ((await this.columnsOf(table)).has(column)) continue;
      this.addSql(`ALTER TABLE \`${table}\` ADD COLUMN \`${column}\` varchar(32) NOT NULL DEFAULT ''${comment(text)}`);
    }
    const indexes = await this.indexesOf(USER_TABLE);
    if (!indexes.has(USER_APP_OPENID_UNIQUE)) {
      this.addSql(
        mysql
          ? `ALTER TABLE \`${USER_TABLE}\` ADD UNIQUE KEY \`${USER_APP_OPENID_UNIQUE}\` (\`appid\`, \`openid\`)`
          : `CREATE UNIQUE INDEX IF NOT EXISTS \`${USER_APP_OPENID_UNIQUE}\` ON \`${USER_TABLE}\` (\`appid\`, \`openid\`)`,
      );
    }
    // Only after the wider key exists: no moment without a unique guard on concurrent first logins.
    if (indexes.has(USER_OPENID_UNIQUE)) {
      this.addSql(
        mysql ? `ALTER TABLE \`${USER_TABLE}\` DROP INDEX \`${USER_OPENID_UNIQUE}\`` : `DROP INDEX IF EXISTS \`${USER_OPENID_UNIQUE}\``,
      );
    }
  }

  override down(): void {
    throw new Error('Orders, goods and users keep their mini-program: this migration is not reverted.');
  }
}
