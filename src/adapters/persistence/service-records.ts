import { BigIntType, EntitySchema, type OptionalProps } from '@mikro-orm/core';

/** Unix milliseconds fit a double exactly; ids are strings so a large log never loses precision. */
const ms = () => new BigIntType('number');
const bigId = () => new BigIntType('string');

/*
 * Tables the seed did not have, created by Migration20260601000003ServiceTables. Their times are unix milliseconds
 * (bigint), unlike the seed's int seconds: the notify log and the outbox are read to order and time deliveries.
 */

/** A mini-program user. session_key is never stored: it is only needed inside code2session. */
export class UserRecord {
  declare [OptionalProps]?: 'uid';
  uid!: number;
  /** The mini-program's appid; '' for users from before mini-programs: the default one's. */
  appid!: string;
  openid!: string;
  unionid!: string | null;
  createdAt!: number;
}

export const USER_TABLE = 'wx_user';
/** UNIQUE (appid, openid) since Migration20261207000014MiniPrograms (an openid exists per appid). */
export const USER_APP_OPENID_UNIQUE = 'uq_wx_user_appid_openid';

export const UserRecordSchema = new EntitySchema<UserRecord>({
  class: UserRecord,
  tableName: USER_TABLE,
  properties: {
    uid: { type: 'integer', primary: true, autoincrement: true },
    appid: { type: 'string', length: 32, default: '' },
    openid: { type: 'string', length: 64 },
    unionid: { type: 'string', length: 64, nullable: true },
    createdAt: { type: ms(), fieldName: 'created_at' },
  },
});

/** Append-only: one row per notice received, with the answer given. */
export class NotifyLogRecord {
  id!: string;
  receivedAt!: number;
  kind!: string;
  outTradeNo!: string | null;
  rawBody!: string;
  verdict!: string;
  detail!: string;
}

export const NOTIFY_LOG_TABLE = 'wx_notify_log';

export const NotifyLogRecordSchema = new EntitySchema<NotifyLogRecord>({
  class: NotifyLogRecord,
  tableName: NOTIFY_LOG_TABLE,
  properties: {
    id: { type: bigId(), primary: true, autoincrement: true },
    receivedAt: { type: ms(), fieldName: 'received_at' },
    kind: { type: 'string', length: 8 },
    outTradeNo: { type: 'string', fieldName: 'out_trade_no', length: 32, nullable: true },
    rawBody: { type: 'text', fieldName: 'raw_body' },
    verdict: { type: 'string', length: 8 },
    detail: { type: 'string', length: 255 },
  },
});

/**
 * Events written in the same transaction as the state change they describe, for a relay to deliver at least once
 * (consumers dedupe by event_id). Created now so the relay needs no migration of its own.
 */
export class OutboxRecord {
  id!: string;
  eventId!: string;
  type!: string;
  outTradeNo!: string;
  payload!: string;
  createdAt!: number;
  deliveredAt!: number | null;
  attempts!: number;
  nextAttemptAt!: number;
  lastError!: string | null;
}

export const OUTBOX_TABLE = 'payment_event_outbox';

export const OutboxRecordSchema = new EntitySchema<OutboxRecord>({
  class: OutboxRecord,
  tableName: OUTBOX_TABLE,
  properties: {
    id: { type: bigId(), primary: true, autoincrement: true },
    eventId: { type: 'string', fieldName: 'event_id', length: 64 },
    type: { type: 'string', length: 32 },
    outTradeNo: { type: 'string', fieldName: 'out_trade_no', length: 32 },
    payload: { type: 'text' },
    createdAt: { type: ms(), fieldName: 'created_at' },
    deliveredAt: { type: ms(), fieldName: 'delivered_at', nullable: true },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { type: ms(), fieldName: 'next_attempt_at', default: 0 },
    lastError: { type: 'string', fieldName: 'last_error', length: 255, nullable: true },
  },
});
