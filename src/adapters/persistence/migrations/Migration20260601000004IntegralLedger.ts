import { DialectMigration } from './dialect-migration.js';

/**
 * Health coins: a balance per user (CHECK-free, the guard is the conditional UPDATE), one row per order's
 * reservation with its state, and the append-only journal whose op_key makes every operation idempotent.
 */
export class Migration20260601000004IntegralLedger extends DialectMigration {
  override up(): void {
    const mysql = this.dialect === 'mysql';
    const options = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    const autoId = mysql ? '`id` bigint NOT NULL AUTO_INCREMENT' : '`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT';
    this.addSql(`CREATE TABLE IF NOT EXISTS \`wx_integral_balance\` (
      \`uid\` int NOT NULL PRIMARY KEY,
      \`balance\` int NOT NULL DEFAULT 0,
      \`updated_at\` bigint NOT NULL
    )${options}`);
    this.addSql(`CREATE TABLE IF NOT EXISTS \`wx_integral_reservation\` (
      \`out_trade_no\` varchar(32) NOT NULL PRIMARY KEY,
      \`uid\` int NOT NULL,
      \`amount\` int NOT NULL,
      \`state\` varchar(16) NOT NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL
    )${options}`);
    this.addSql(`CREATE TABLE IF NOT EXISTS \`wx_integral_journal\` (
      ${autoId},
      \`uid\` int NOT NULL,
      \`delta\` int NOT NULL,
      \`operation\` varchar(16) NOT NULL,
      \`out_trade_no\` varchar(32) NULL DEFAULT NULL,
      \`op_key\` varchar(128) NOT NULL,
      \`created_at\` bigint NOT NULL${mysql ? ',\n      PRIMARY KEY (`id`)' : ''}
    )${options}`);
    if (mysql) {
      this.addSql('CREATE UNIQUE INDEX `uq_wx_integral_journal_op_key` ON `wx_integral_journal` (`op_key`)');
      this.addSql('CREATE INDEX `idx_wx_integral_journal_uid` ON `wx_integral_journal` (`uid`, `id`)');
      this.addSql('CREATE INDEX `idx_wx_integral_reservation_open` ON `wx_integral_reservation` (`state`, `created_at`)');
    } else {
      this.addSql('CREATE UNIQUE INDEX IF NOT EXISTS `uq_wx_integral_journal_op_key` ON `wx_integral_journal` (`op_key`)');
      this.addSql('CREATE INDEX IF NOT EXISTS `idx_wx_integral_journal_uid` ON `wx_integral_journal` (`uid`, `id`)');
      this.addSql('CREATE INDEX IF NOT EXISTS `idx_wx_integral_reservation_open` ON `wx_integral_reservation` (`state`, `created_at`)');
    }
  }

  override down(): void {
    throw new Error('The health-coin journal is an audit record: this migration is not reverted.');
  }
}
