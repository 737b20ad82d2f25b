import type { EntitySchema } from '@mikro-orm/core';
import { ORDER_COLUMNS as LISTED_ORDER_COLUMNS } from './order-columns.js';
import type { OrderColumns, OrderRow, RefundColumns } from './order-mapper.js';
import { ORDER_TABLE, OrderRecordSchema, REFUND_TABLE, RefundRecordSchema, type RefundRecord } from './order-record.js';
import { preparedOnMariadb, type SqlValue } from './sql-session.js';

/**
 * The order statements of the payment hot paths in plain SQL, the same for MariaDB and SQLite. Which order columns
 * they read and write is ORDER_COLUMNS (order-columns.ts); their names in the table come from the entity schemas, so
 * the ORM's mapping stays the one place that names them. Rows come back under the records' property names, ready for
 * the mapper.
 */

const columnsOf = <T extends object>(schema: EntitySchema<T>): [keyof T & string, string][] =>
  Object.entries(schema.meta.properties).map(([property, p]) => [
    property as keyof T & string,
    (p as { fieldName?: string }).fieldName ?? property,
  ]);

const ORDER_COLUMNS = columnsOf(OrderRecordSchema);
/** In the list's order; a listed property the schema does not map fails here, at start-up. */
const ORDER_READ_COLUMNS: [string, string][] = LISTED_ORDER_COLUMNS.map((property) => {
  const mapped = ORDER_COLUMNS.find(([p]) => p === property);
  if (!mapped) throw new Error(`order-columns.ts lists '${property}', which OrderRecordSchema does not map`);
  return mapped;
});
const REFUND_COLUMNS = columnsOf(RefundRecordSchema);
const column = (columns: [string, string][], property: string): string => columns.find(([p]) => p === property)![1];

const orderSelect = ORDER_READ_COLUMNS.map(([property, name]) => `o.${name} AS ${property}`).join(', ');
/** Refund columns under an `r_` prefix, beside the order's in one row. */
const refundSelect = REFUND_COLUMNS.map(([property, name]) => `r.${name} AS r_${property}`).join(', ');

/**
 * One order by number with its refunds, in one round trip: the refunds are joined on the number given (not on the
 * order's column), so the lookup uses wx_order_refund's index whatever the two tables' character sets.
 */
export const SELECT_ORDER_WITH_REFUNDS = preparedOnMariadb(`SELECT ${orderSelect}, ${refundSelect} FROM ${ORDER_TABLE} o
  LEFT JOIN ${REFUND_TABLE} r ON r.out_trade_no = ? WHERE o.out_trade_no = ?`);

/**
 * One order by number, without its refunds: the payment callbacks' read. Refunds exist only for paid orders, and a
 * first notice is for an unpaid one, so it spares MariaDB the join and both sides the refund columns' metadata.
 */
export const SELECT_ORDER = preparedOnMariadb(`SELECT ${orderSelect} FROM ${ORDER_TABLE} o WHERE o.out_trade_no = ?`);

export const SELECT_OPEN_ORDER = `SELECT ${orderSelect} FROM ${ORDER_TABLE} o WHERE o.open_key = ?`;

export const SELECT_REFUNDS = `SELECT ${REFUND_COLUMNS.map(([property, name]) => `${name} AS ${property}`).join(', ')}
  FROM ${REFUND_TABLE} WHERE out_trade_no = ?`;

/** An order row and the refund joined to it, if any. */
export type OrderJoinRow = OrderRow & { readonly [K in keyof RefundRecord as `r_${K}`]: RefundRecord[K] | null };

export function splitJoinRows(rows: readonly OrderJoinRow[]): { order?: OrderRow; refunds: RefundRecord[] } {
  const first = rows[0];
  if (!first) return { refunds: [] };
  const refunds = rows
    .filter((row) => row.r_outRefundNo !== null)
    .map((row) => Object.fromEntries(REFUND_COLUMNS.map(([property]) => [property, row[`r_${property}`]])) as unknown as RefundRecord);
  return { order: first, refunds };
}

const ORDER_WRITE_COLUMNS = ORDER_READ_COLUMNS.filter(([property]) => property !== 'id');
const writeValues = (columns: OrderColumns, properties: readonly [string, string][]): SqlValue[] =>
  properties.map(([property]) => columns[property as keyof OrderColumns]);

export function insertOrder(columns: OrderColumns): [string, SqlValue[]] {
  const names = ORDER_WRITE_COLUMNS.map(([, name]) => name);
  return [
    `INSERT INTO ${ORDER_TABLE} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    writeValues(columns, ORDER_WRITE_COLUMNS),
  ];
}

// Every column, app_id too: a seed row's '' is written as the appid it was read as (the default mini-program's), which
// pins the order to that mini-program should the default ever change.
const CAS_SET_COLUMNS = ORDER_WRITE_COLUMNS.filter(([property]) => property !== 'outTradeNo' && property !== 'version');
const CAS_UPDATE = `UPDATE ${ORDER_TABLE} SET ${CAS_SET_COLUMNS.map(([, name]) => `${name} = ?`).join(', ')}, version = ?
  WHERE ${column(ORDER_COLUMNS, 'outTradeNo')} = ? AND version = ?`;

/** Compare-and-set: writes every column, and the next version, only where the stored version is still `columns.version`. */
export function compareAndSetOrder(columns: OrderColumns): [string, SqlValue[]] {
  return [CAS_UPDATE, [...writeValues(columns, CAS_SET_COLUMNS), columns.version + 1, columns.outTradeNo, columns.version]];
}

const REFUND_WRITE_COLUMNS = REFUND_COLUMNS.filter(([property]) => property !== 'id');
const REFUND_SET_COLUMNS = REFUND_WRITE_COLUMNS.filter(([property]) => property !== 'outRefundNo');
const refundValues = (columns: RefundColumns, properties: readonly [string, string][]): SqlValue[] =>
  properties.map(([property]) => columns[property as keyof RefundColumns]);

const UPDATE_REFUND = `UPDATE ${REFUND_TABLE} SET ${REFUND_SET_COLUMNS.map(([, name]) => `${name} = ?`).join(', ')}
  WHERE out_refund_no = ?`;
const INSERT_REFUND = `INSERT INTO ${REFUND_TABLE} (${REFUND_WRITE_COLUMNS.map(([, name]) => name).join(', ')})
  VALUES (${REFUND_WRITE_COLUMNS.map(() => '?').join(', ')})`;

export const updateRefund = (columns: RefundColumns): [string, SqlValue[]] => [
  UPDATE_REFUND,
  [...refundValues(columns, REFUND_SET_COLUMNS), columns.outRefundNo],
];

export const insertRefund = (columns: RefundColumns): [string, SqlValue[]] => [INSERT_REFUND, refundValues(columns, REFUND_WRITE_COLUMNS)];

/**
 * The compare-and-set and its outbox event in one CALL (MariaDB/MySQL; Migration20261207000016OrderChangeProcedure):
 * its parameters are the UPDATE's, then one event's columns (NULL for none). The repository uses it only when the
 * procedure exists with exactly these parameter names, in this order (ORDER_CHANGE_PARAMETERS).
 */
export const ORDER_CHANGE_PROCEDURE = 'wx_change_order';
const ORDER_CHANGE_EVENT_PARAMETERS = ['p_event_event_id', 'p_event_type', 'p_event_out_trade_no', 'p_event_payload', 'p_event_created_at'];
export const ORDER_CHANGE_PARAMETERS: readonly string[] = [
  ...CAS_SET_COLUMNS.map(([, name]) => `p_${name}`),
  'p_new_version',
  `p_${column(ORDER_COLUMNS, 'outTradeNo')}`,
  'p_expected_version',
  ...ORDER_CHANGE_EVENT_PARAMETERS,
];
// Text, not prepared: as a prepared statement the CALL sometimes did not reach its INSERT's lock wait within 4 s in
// order-change-procedure.int.test.ts's killed-connection test under parallel test load (not understood yet).
const CALL_ORDER_CHANGE = `CALL ${ORDER_CHANGE_PROCEDURE}(${ORDER_CHANGE_PARAMETERS.map(() => '?').join(', ')})`;

/** The event's columns as the outbox stores them (event-codec.ts's encodeEvent), with the time it was appended. */
export interface OutboxColumns {
  readonly eventId: string;
  readonly type: string;
  readonly outTradeNo: string;
  readonly payload: string;
  readonly createdAt: number;
}

export function changeOrderInOneCall(columns: OrderColumns, event: OutboxColumns | undefined): [string, SqlValue[]] {
  const [, cas] = compareAndSetOrder(columns);
  const e = event ? [event.eventId, event.type, event.outTradeNo, event.payload, event.createdAt] : [null, null, null, null, null];
  return [CALL_ORDER_CHANGE, [...cas, ...e]];
}

/** What the procedure answered: its one row says whether the compare-and-set changed the order. */
export function orderChangeResult(result: readonly unknown[]): 'updated' | 'stale' {
  // A CALL answers its SELECT's rows, then the CALL's own status: [[{ changed }], header].
  const rows = Array.isArray(result[0]) ? (result[0] as readonly { changed?: unknown }[]) : (result as readonly { changed?: unknown }[]);
  return Number(rows[0]?.changed) === 1 ? 'updated' : 'stale';
}
