import { DialectMigration } from './dialect-migration.js';

// Written out, never imported: a shipped migration must not change when live code does.
const ORDER_TABLE = 'shop_goods_order';
const OUTBOX_TABLE = 'payment_event_outbox';
const ORDER_CHANGE_PROCEDURE = 'wx_change_order';

/** The columns the compare-and-set writes, in the order of the procedure's parameters (order-sql.ts's CAS_SET_COLUMNS). */
const SET_COLUMNS = [
  'uid',
  'goods_id',
  'bill_no',
  'paid_money',
  'paid_integral',
  'paid_type',
  'paid_status',
  'add_time',
  'paid_time',
  'update_time',
  'prepay_id',
  'prepay_issued_at',
  'prepay_expire_time',
  'sign_type',
  'needs_review',
  'open_key',
  'review_reason',
  'cash_paid',
  'merchant_id',
  'app_id',
];
const EVENT_COLUMNS = ['event_id', 'type', 'out_trade_no', 'payload', 'created_at'];

/** Server errors that mean "this account may not create routines" (no CREATE ROUTINE privilege). */
const ACCESS_DENIED = new Set([1044, 1142, 1227, 1370]);

/**
 * A MariaDB/MySQL stored procedure that does what the order repository's `update` does in a transaction of four round
 * trips (START TRANSACTION, the compare-and-set UPDATE, the outbox INSERT, COMMIT) in one CALL: the same UPDATE, and
 * only when it changed the row the event's INSERT (a repeated event id skipped, as `appendIn` skips it), committed
 * together; any error rolls both back and is raised again as it was (a lost open_key race still reads as the
 * unique violation it is). It holds no logic of its own and every value comes in as a parameter: no text is ever
 * built from data inside it.
 *
 * String parameters take their column's own character set and collation, read here: a parameter of another one would
 * be converted on every comparison and keep `out_trade_no = ?` off the unique index. SQL SECURITY INVOKER: a CALL
 * runs with the caller's privileges, and the procedure does not depend on the account that created it existing.
 *
 * An account without the CREATE ROUTINE privilege cannot create it: the migration then leaves it out, and the
 * repository, which checks for the procedure (with exactly these parameters) before using it, keeps the transaction.
 * SQLite has no stored procedures: its transaction is one in-process call anyway.
 */
export class Migration20261207000016OrderChangeProcedure extends DialectMigration {
  override async up(): Promise<void> {
    if (this.dialect !== 'mysql') return;
    const order = await this.columnTypes(ORDER_TABLE);
    const outbox = await this.columnTypes(OUTBOX_TABLE);
    const param = (name: string, type: string): string => `IN p_${name} ${type}`;
    const params = [
      ...SET_COLUMNS.map((c) => param(c, order(c))),
      param('new_version', 'BIGINT'),
      param('out_trade_no', order('out_trade_no')),
      param('expected_version', 'BIGINT'),
      ...EVENT_COLUMNS.map((c) => param(`event_${c}`, outbox(c))),
    ];
    const body = `CREATE PROCEDURE \`${ORDER_CHANGE_PROCEDURE}\`(${params.join(', ')})
  MODIFIES SQL DATA
  SQL SECURITY INVOKER
  COMMENT 'the order repository''s compare-and-set with its outbox event, in one round trip (migration 16)'
BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  START TRANSACTION;
  UPDATE \`${ORDER_TABLE}\` SET ${SET_COLUMNS.map((c) => `\`${c}\` = p_${c}`).join(', ')}, \`version\` = p_new_version
    WHERE \`out_trade_no\` = p_out_trade_no AND \`version\` = p_expected_version;
  IF ROW_COUNT() = 1 THEN
    IF p_event_event_id IS NOT NULL THEN
      BEGIN
        DECLARE CONTINUE HANDLER FOR 1062 BEGIN END;
        INSERT INTO \`${OUTBOX_TABLE}\`
          (\`event_id\`, \`type\`, \`out_trade_no\`, \`payload\`, \`created_at\`, \`delivered_at\`, \`attempts\`, \`next_attempt_at\`, \`last_error\`)
          VALUES (p_event_event_id, p_event_type, p_event_out_trade_no, p_event_payload, p_event_created_at, NULL, 0, 0, NULL);
      END;
    END IF;
    COMMIT;
    SELECT 1 AS changed;
  ELSE
    ROLLBACK;
    SELECT 0 AS changed;
  END IF;
END`;
    await this.execute(`DROP PROCEDURE IF EXISTS \`${ORDER_CHANGE_PROCEDURE}\``).catch(tolerateAccessDenied);
    await this.execute(body).catch(tolerateAccessDenied);
  }

  override async down(): Promise<void> {
    if (this.dialect === 'mysql') await this.execute(`DROP PROCEDURE IF EXISTS \`${ORDER_CHANGE_PROCEDURE}\``);
  }

  /** A parameter type for each column: its own character set and collation for text, BIGINT for the integers. */
  private async columnTypes(table: string): Promise<(column: string) => string> {
    const rows = await this.execute(
      `select column_name as name, data_type as type, character_set_name as cs, collation_name as coll
         from information_schema.columns where table_schema = database() and table_name = ?`,
      [table],
    );
    const types = new Map(
      rows.map((r) => {
        const type = String(r.type).toLowerCase();
        const text = r.cs !== null && r.cs !== undefined;
        const declared = !text
          ? 'BIGINT'
          : `${type === 'mediumtext' || type === 'longtext' ? type.toUpperCase() : 'TEXT'} CHARACTER SET ${String(r.cs)} COLLATE ${String(r.coll)}`;
        return [String(r.name).toLowerCase(), declared];
      }),
    );
    return (column) => {
      const type = types.get(column);
      if (!type) throw new Error(`${table}.${column} is missing: the migrations before this one should have added it`);
      return type;
    };
  }
}

function tolerateAccessDenied(error: unknown): void {
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (typeof errno === 'number' && ACCESS_DENIED.has(errno)) return;
  throw error;
}
