import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const USER_TABLE = 'wx_user';
const USER_OPENID_UNIQUE = 'uq_wx_user_openid';
const NOTIFY_LOG_TABLE = 'wx_notify_log';
const OUTBOX_TABLE = 'payment_event_outbox';

/**
 * Tables the seed did not have: users (never their session_key), the append-only notify log, and the payment-event
 * outbox for the relay a later issue builds. Times are unix milliseconds.
 */
export class Migration20260601000003ServiceTables extends DialectMigration {
  override up(): void {
    if (this.dialect === 'mysql') {
      const options = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
      this.addSql(`CREATE TABLE IF NOT EXISTS \`${USER_TABLE}\` (
        \`uid\` int(10) NOT NULL AUTO_INCREMENT,
        \`openid\` varchar(64) NOT NULL COMMENT 'openid under the mini-program appid',
        \`unionid\` varchar(64) NULL DEFAULT NULL,
        \`created_at\` bigint NOT NULL COMMENT 'unix ms',
        PRIMARY KEY (\`uid\`),
        UNIQUE KEY \`${USER_OPENID_UNIQUE}\` (\`openid\`)
      ) ${options}`);
      this.addSql(`CREATE TABLE IF NOT EXISTS \`${NOTIFY_LOG_TABLE}\` (
        \`id\` bigint NOT NULL AUTO_INCREMENT,
        \`received_at\` bigint NOT NULL COMMENT 'unix ms',
        \`kind\` varchar(8) NOT NULL COMMENT 'pay or refund',
        \`out_trade_no\` varchar(32) NULL DEFAULT NULL,
        \`raw_body\` mediumtext NOT NULL,
        \`verdict\` varchar(8) NOT NULL COMMENT 'SUCCESS or FAIL, as answered',
        \`detail\` varchar(255) NOT NULL DEFAULT '',
        PRIMARY KEY (\`id\`),
        KEY \`idx_wx_notify_log_out_trade_no\` (\`out_trade_no\`, \`received_at\`)
      ) ${options}`);
      this.addSql(`CREATE TABLE IF NOT EXISTS \`${OUTBOX_TABLE}\` (
        \`id\` bigint NOT NULL AUTO_INCREMENT,
        \`event_id\` varchar(64) NOT NULL,
        \`type\` varchar(32) NOT NULL,
        \`out_trade_no\` varchar(32) NOT NULL,
        \`payload\` mediumtext NOT NULL COMMENT 'JSON',
        \`created_at\` bigint NOT NULL COMMENT 'unix ms',
        \`delivered_at\` bigint NULL DEFAULT NULL COMMENT 'unix ms; NULL while pending',
        \`attempts\` int(10) NOT NULL DEFAULT 0,
        \`next_attempt_at\` bigint NOT NULL DEFAULT 0 COMMENT 'unix ms; the relay retries with backoff',
        \`last_error\` varchar(255) NULL DEFAULT NULL,
        PRIMARY KEY (\`id\`),
        UNIQUE KEY \`uq_payment_event_outbox_event_id\` (\`event_id\`),
        KEY \`idx_payment_event_outbox_pending\` (\`delivered_at\`, \`next_attempt_at\`, \`id\`)
      ) ${options}`);
      return;
    }
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${USER_TABLE}\` (
      \`uid\` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
      \`openid\` varchar(64) NOT NULL,
      \`unionid\` varchar(64) NULL DEFAULT NULL,
      \`created_at\` bigint NOT NULL
    )`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS \`${USER_OPENID_UNIQUE}\` ON \`${USER_TABLE}\` (\`openid\`)`);
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${NOTIFY_LOG_TABLE}\` (
      \`id\` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
      \`received_at\` bigint NOT NULL,
      \`kind\` varchar(8) NOT NULL,
      \`out_trade_no\` varchar(32) NULL DEFAULT NULL,
      \`raw_body\` text NOT NULL,
      \`verdict\` varchar(8) NOT NULL,
      \`detail\` varchar(255) NOT NULL DEFAULT ''
    )`);
    this.addSql(
      `CREATE INDEX IF NOT EXISTS \`idx_wx_notify_log_out_trade_no\` ON \`${NOTIFY_LOG_TABLE}\` (\`out_trade_no\`, \`received_at\`)`,
    );
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${OUTBOX_TABLE}\` (
      \`id\` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
      \`event_id\` varchar(64) NOT NULL,
      \`type\` varchar(32) NOT NULL,
      \`out_trade_no\` varchar(32) NOT NULL,
      \`payload\` text NOT NULL,
      \`created_at\` bigint NOT NULL,
      \`delivered_at\` bigint NULL DEFAULT NULL,
      \`attempts\` integer NOT NULL DEFAULT 0,
      \`next_attempt_at\` bigint NOT NULL DEFAULT 0,
      \`last_error\` varchar(255) NULL DEFAULT NULL
    )`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS \`uq_payment_event_outbox_event_id\` ON \`${OUTBOX_TABLE}\` (\`event_id\`)`);
    this.addSql(
      `CREATE INDEX IF NOT EXISTS \`idx_payment_event_outbox_pending\` ON \`${OUTBOX_TABLE}\` (\`delivered_at\`, \`next_attempt_at\`, \`id\`)`,
    );
  }

  override down(): void {
    throw new Error('The notify log and outbox are audit records: this migration is not reverted.');
  }
}
