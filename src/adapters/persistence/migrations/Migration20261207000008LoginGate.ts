import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const GATE_TABLE = 'wx_operator_login_gate';

/**
 * One row per sign-in name and per client address that ever tried to sign in. A sign-in locks its two rows while it
 * counts the recent failures and reserves its attempt, so that concurrent guesses, on any instance, are counted one
 * after another instead of all reading the same count (MariaDB: `SELECT … FOR UPDATE`; SQLite serialises writers).
 */
export class Migration20261207000008LoginGate extends DialectMigration {
  override async up(): Promise<void> {
    const options = this.dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    this.addSql(`CREATE TABLE IF NOT EXISTS \`${GATE_TABLE}\` (
      \`gate\` varchar(120) NOT NULL PRIMARY KEY
    )${options}`);
  }
}
