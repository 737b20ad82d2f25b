import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const OPERATOR_TABLE = 'wx_operator';
const SESSION_TABLE = 'wx_operator_session';
const LOGIN_TABLE = 'wx_operator_login';
const RUN_TABLE = 'wx_reconcile_run';

/** Indexes the console's reads need on tables that exist already: [table, name, columns]. */
const READ_INDEXES = [
  ['shop_goods_order', 'idx_shop_goods_order_paid_time', '`paid_time`'],
  ['shop_goods_order', 'idx_shop_goods_order_review', '`needs_review`, `add_time`'],
  ['wx_integral_journal', 'idx_wx_integral_journal_order', '`out_trade_no`'],
  ['payment_event_outbox', 'idx_payment_event_outbox_order', '`out_trade_no`'],
  ['wx_notify_log', 'idx_wx_notify_log_received', '`received_at`'],
  ['wx_order_refund', 'idx_wx_order_refund_settled', '`status`, `settled_at`'],
] as const;

/**
 * The operator console: operator accounts (scrypt hashes, never passwords), their sessions (stored under a digest of
 * the cookie's secret, so any instance can check and revoke them), every login attempt (the rate limit counts them),
 * and a summary of every reconciliation run. Also indexes for the dashboard, the order history and the review queue.
 * Times are unix milliseconds.
 */
export class Migration20261201000007OperatorConsole extends DialectMigration {
  override async up(): Promise<void> {
    const mysql = this.dialect === 'mysql';
    const options = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    const autoId = (type: string): string =>
      mysql ? `\`id\` ${type} NOT NULL AUTO_INCREMENT` : '`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT';
    const primaryId = mysql ? ',\n      PRIMARY KEY (`id`)' : '';

    this.addSql(`CREATE TABLE IF NOT EXISTS \`${OPERATOR_TABLE}\` (
      ${autoId('int')},
      \`name\` varchar(32) NOT NULL,
      \`role\` varchar(16) NOT NULL,
      \`password_hash\` varchar(255) NOT NULL,
      \`disabled\` tinyint(1) NOT NULL DEFAULT 0,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL,
      \`password_changed_at\` bigint NOT NULL${primaryId}
    )${options}`);
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${SESSION_TABLE}\` (
      \`token_digest\` varchar(64) NOT NULL PRIMARY KEY,
      \`operator_id\` int NOT NULL,
      \`csrf_token\` varchar(64) NOT NULL,
      \`created_at\` bigint NOT NULL,
      \`last_seen_at\` bigint NOT NULL,
      \`expires_at\` bigint NOT NULL,
      \`revoked_at\` bigint NULL DEFAULT NULL
    )${options}`);
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${LOGIN_TABLE}\` (
      ${autoId('bigint')},
      \`at\` bigint NOT NULL,
      \`name\` varchar(64) NOT NULL,
      \`ip\` varchar(45) NOT NULL,
      \`outcome\` varchar(16) NOT NULL${primaryId}
    )${options}`);
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${RUN_TABLE}\` (
      ${autoId('bigint')},
      \`kind\` varchar(8) NOT NULL,
      \`started_at\` bigint NOT NULL,
      \`finished_at\` bigint NOT NULL,
      \`succeeded\` tinyint(1) NOT NULL,
      \`bill_date\` varchar(8) NULL DEFAULT NULL,
      \`problems\` int NOT NULL DEFAULT 0,
      \`summary_json\` ${mysql ? 'mediumtext' : 'text'} NOT NULL${primaryId}
    )${options}`);

    const created: (readonly [string, string, string, boolean])[] = [
      [OPERATOR_TABLE, 'uq_wx_operator_name', '`name`', true],
      [SESSION_TABLE, 'idx_wx_operator_session_operator', '`operator_id`', false],
      [SESSION_TABLE, 'idx_wx_operator_session_expires', '`expires_at`', false],
      [LOGIN_TABLE, 'idx_wx_operator_login_name', '`name`, `at`', false],
      [LOGIN_TABLE, 'idx_wx_operator_login_ip', '`ip`, `at`', false],
      [RUN_TABLE, 'idx_wx_reconcile_run_kind', '`kind`, `id`', false],
      [RUN_TABLE, 'idx_wx_reconcile_run_started', '`started_at`', false],
      ...READ_INDEXES.map(([table, name, columns]) => [table, name, columns, false] as const),
    ];
    const existing = new Map<string, Set<string>>();
    for (const [table, name, columns, unique] of created) {
      // New tables have no indexes yet; a re-run after a crash half-way finds the ones it made.
      if (!existing.has(table)) existing.set(table, await this.indexesOf(table));
      if (existing.get(table)?.has(name)) continue;
      this.addSql(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${mysql ? '' : 'IF NOT EXISTS '}\`${name}\` ON \`${table}\` (${columns})`);
    }
  }

  override down(): void {
    throw new Error('Operators, their logins and reconciliation runs are audit records: this migration is not reverted.');
  }
}
