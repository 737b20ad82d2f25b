import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const AUDIT_TABLE = 'wx_audit_log';

/** The operators' audit log: one row per action, append-only. Times are unix milliseconds; before/after are JSON. */
export class Migration20261130000006AuditLog extends DialectMigration {
  override up(): void {
    const mysql = this.dialect === 'mysql';
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${AUDIT_TABLE}\` (
      ${mysql ? '`id` bigint NOT NULL AUTO_INCREMENT' : '`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT'},
      \`at\` bigint NOT NULL,
      \`actor\` varchar(80) NOT NULL,
      \`action\` varchar(32) NOT NULL,
      \`subject\` varchar(64) NOT NULL,
      \`before_json\` text NULL,
      \`after_json\` text NULL,
      \`note\` varchar(500) NULL DEFAULT NULL${mysql ? ',\n      PRIMARY KEY (`id`)' : ''}
    )${mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : ''}`);
    this.addSql(`CREATE INDEX ${mysql ? '' : 'IF NOT EXISTS '}\`idx_wx_audit_log_subject\` ON \`${AUDIT_TABLE}\` (\`subject\`, \`id\`)`);
  }

  override down(): void {
    throw new Error('The audit log is an audit record: this migration is not reverted.');
  }
}
