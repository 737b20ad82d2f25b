import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const OPERATOR_TABLE = 'wx_operator';
/** [column, type, comment]: every one nullable, so existing operators simply have no second factor. */
const COLUMNS = [
  ['totp_secret', 'varchar(255) NULL DEFAULT NULL', 'sealed TOTP secret (AES-256-GCM, key derived from SESSION_SECRET)'],
  ['totp_pending', 'varchar(255) NULL DEFAULT NULL', 'sealed TOTP secret awaiting its first code'],
  ['totp_last_step', 'bigint NULL DEFAULT NULL', 'last TOTP time step accepted: its code and earlier ones are spent'],
] as const;

/**
 * Console operators' second factor (TOTP): the secret sealed under a key derived from SESSION_SECRET, so a dump of
 * the database alone reveals none; a pending one between enrolment and its first code; and the last time step whose
 * code was accepted, compared and set in one statement so a code is taken once across instances. Additive.
 */
export class Migration20261207000010OperatorTotp extends DialectMigration {
  override async up(): Promise<void> {
    const existing = await this.columnsOf(OPERATOR_TABLE);
    for (const [column, type, comment] of COLUMNS) {
      if (existing.has(column)) continue;
      const note = this.dialect === 'mysql' ? ` COMMENT '${comment}'` : '';
      this.addSql(`ALTER TABLE \`${OPERATOR_TABLE}\` ADD COLUMN \`${column}\` ${type}${note}`);
    }
  }

  override down(): void {
    throw new Error('Removing the columns would switch every second factor off: this migration is not reverted.');
  }
}
