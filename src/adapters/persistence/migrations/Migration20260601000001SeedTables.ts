import { DialectMigration } from './dialect-migration.js';

/**
 * The seed's two tables exactly as its CREATE TABLE statements define them (test/fixtures/seed-schema.sql), created
 * only when absent: a database the seed's PHP code already uses is left untouched, an empty one gets the same shape.
 * The MySQL text is the seed's with IF NOT EXISTS and single-quoted literals (identical under the default sql_mode,
 * and still valid under ANSI_QUOTES); SQLite gets the nearest equivalent (no COMMENT/ENGINE, INTEGER PRIMARY KEY).
 */
export class Migration20260601000001SeedTables extends DialectMigration {
  override up(): void {
    if (this.dialect === 'mysql') {
      this.addSql(MYSQL_ORDER);
      this.addSql(MYSQL_GOODS);
    } else {
      this.addSql(SQLITE_ORDER);
      this.addSql(SQLITE_GOODS);
    }
  }

  /** The seed's tables hold the merchant's data: never dropped by a migration. */
  override down(): void {
    throw new Error('The seed tables are never dropped by a migration.');
  }
}

const MYSQL_ORDER = `CREATE TABLE IF NOT EXISTS \`shop_goods_order\` ( \`id\` int(10) NOT NULL AUTO_INCREMENT, \`uid\` int(10) DEFAULT '0' COMMENT '用户编号', \`goods_id\` int(10) DEFAULT '0' COMMENT '商品编号', \`out_trade_no\` varchar(30) DEFAULT '' COMMENT '订单序列号', \`bill_no\` varchar(30) DEFAULT '' COMMENT '支付方返回的交易订单号', \`paid_money\` int(10) DEFAULT '0' COMMENT '支付的金额', \`paid_integral\` int(10) DEFAULT '0' COMMENT '支付的健康币', \`paid_type\` varchar(15) DEFAULT 'WXPAY' COMMENT '支付类型,有WXPAY和INTEGRAL等值', \`paid_status\` varchar(10) DEFAULT 'CHECKED' COMMENT '支付状态,CHECKED表示初始状态,SUCC表示支付成功,FAILED表示支付失败,REFUND表示已退款', \`add_time\` int(10) DEFAULT '0' COMMENT '添加时间', \`paid_time\` int(10) DEFAULT '0' COMMENT '支付时间', \`update_time\` int(10) DEFAULT '0' COMMENT '更新时间', PRIMARY KEY (\`id\`) ) ENGINE=InnoDB AUTO_INCREMENT=22 DEFAULT CHARSET=utf8`;

const MYSQL_GOODS = `CREATE TABLE IF NOT EXISTS \`shop_goods_info\` ( \`id\` int(11) NOT NULL AUTO_INCREMENT COMMENT '主键', \`name\` varchar(100) DEFAULT '' COMMENT '商品名称', \`note\` varchar(300) DEFAULT '' COMMENT '商品描述', \`market_price\` int(10) DEFAULT '0' COMMENT '原价', \`sale_price\` int(10) DEFAULT '0' COMMENT '售价', \`integral\` int(8) DEFAULT '0' COMMENT '健康币', \`main_thumbnail\` varchar(40) DEFAULT '' COMMENT '主图', \`thumbnail1\` varchar(40) DEFAULT '' COMMENT '缩略图1', \`thumbnail2\` varchar(40) DEFAULT '' COMMENT '缩略图2', \`thumbnail3\` varchar(40) DEFAULT '' COMMENT '缩略图3', \`thumbnail4\` varchar(40) DEFAULT '' COMMENT '缩略图4', \`thumbnail5\` varchar(40) DEFAULT '' COMMENT '缩略图5', \`content\` text COMMENT '详细介绍', \`add_time\` int(10) DEFAULT '0' COMMENT '添加时间', \`update_time\` int(10) DEFAULT '0' COMMENT '更新时间', \`is_online\` tinyint(1) DEFAULT '1' COMMENT '商品是否上线', \`sort\` int(4) DEFAULT '0' COMMENT '排序值,越大越靠前', PRIMARY KEY (\`id\`) ) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8`;

export const SQLITE_ORDER = `CREATE TABLE IF NOT EXISTS \`shop_goods_order\` (
  \`id\` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  \`uid\` int(10) DEFAULT 0,
  \`goods_id\` int(10) DEFAULT 0,
  \`out_trade_no\` varchar(30) DEFAULT '',
  \`bill_no\` varchar(30) DEFAULT '',
  \`paid_money\` int(10) DEFAULT 0,
  \`paid_integral\` int(10) DEFAULT 0,
  \`paid_type\` varchar(15) DEFAULT 'WXPAY',
  \`paid_status\` varchar(10) DEFAULT 'CHECKED',
  \`add_time\` int(10) DEFAULT 0,
  \`paid_time\` int(10) DEFAULT 0,
  \`update_time\` int(10) DEFAULT 0
)`;

export const SQLITE_GOODS = `CREATE TABLE IF NOT EXISTS \`shop_goods_info\` (
  \`id\` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  \`name\` varchar(100) DEFAULT '',
  \`note\` varchar(300) DEFAULT '',
  \`market_price\` int(10) DEFAULT 0,
  \`sale_price\` int(10) DEFAULT 0,
  \`integral\` int(8) DEFAULT 0,
  \`main_thumbnail\` varchar(40) DEFAULT '',
  \`thumbnail1\` varchar(40) DEFAULT '',
  \`thumbnail2\` varchar(40) DEFAULT '',
  \`thumbnail3\` varchar(40) DEFAULT '',
  \`thumbnail4\` varchar(40) DEFAULT '',
  \`thumbnail5\` varchar(40) DEFAULT '',
  \`content\` text,
  \`add_time\` int(10) DEFAULT 0,
  \`update_time\` int(10) DEFAULT 0,
  \`is_online\` tinyint(1) DEFAULT 1,
  \`sort\` int(4) DEFAULT 0
)`;
