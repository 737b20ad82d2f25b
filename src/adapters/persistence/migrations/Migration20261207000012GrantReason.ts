import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const JOURNAL_TABLE = 'wx_integral_journal';

/**
 * A coin grant says why and who: the journal line of a grant keeps the reason the operator gave and the credential
 * that granted (`operator:<name>`, `admin-token`). Additive and nullable: lines written before, and the journal lines
 * of orders, have neither.
 */
export class Migration20261207000012GrantReason extends DialectMigration {
  override async up(): Promise<void> {
    const columns = await this.columnsOf(JOURNAL_TABLE);
    const mysql = this.dialect === 'mysql';
    for (const [name, type, comment] of [
      ['reason', 'varchar(255) NULL DEFAULT NULL', 'why the coins were granted, as the operator wrote it'],
      ['granted_by', 'varchar(64) NULL DEFAULT NULL', 'who granted them: operator:<name>, admin-token, cli'],
    ] as const) {
      if (columns.has(name)) continue;
      this.addSql(`ALTER TABLE \`${JOURNAL_TABLE}\` ADD COLUMN \`${name}\` ${type}${mysql ? ` COMMENT '${comment}'` : ''}`);
    }
  }

  override down(): void {
    throw new Error('The health-coin journal is an audit record: this migration is not reverted.');
  }
}
