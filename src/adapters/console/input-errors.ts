import type { ConsoleContext } from './context.js';
import type { MessageKey } from './i18n.js';

/** The form fields whose checks are shared with the HTTP API, by the label an operator reads. */
const FIELDS: Readonly<Record<string, MessageKey>> = {
  uid: 'col.uid',
  grant_reason: 'users.grantReason',
  openid: 'col.openid',
  page: 'input.page',
  amount: 'users.grantAmount',
  note: 'review.note',
  reason: 'col.reason',
  out_trade_no: 'col.outTradeNo',
  transaction_id: 'col.transactionId',
  grant_id: 'input.form',
  request_key: 'input.form',
  status: 'col.status',
  paid_type: 'col.paidType',
  needs_review: 'col.review',
  from: 'filter.from',
  to: 'filter.to',
  role: 'col.role',
  subject: 'audit.subject',
  shop: 'shops.shop',
};

/**
 * The shared parsers (src/adapters/http/input.ts) answer the API in English; the console says the same in the
 * operator's language. Each pattern is one template of input.ts, with the field's name first.
 */
const TEMPLATES: readonly (readonly [RegExp, MessageKey])[] = [
  [/^(.+) must be a whole number from (?<min>-?\d+) to (?<max>-?\d+)$/, 'input.wholeNumber'],
  [/^(.+) must be a string$/, 'input.text'],
  [/^(.+) must not be empty$/, 'input.empty'],
  [/^(.+) must not contain control characters$/, 'input.control'],
  [/^(.+) is not valid Unicode$/, 'input.unicode'],
  [/^(.+) cannot contain emoji or other characters beyond U\+FFFF .*$/, 'input.emoji'],
  [/^(.+) must be at most (?<max>\d+) characters$/, 'input.tooLong'],
  [/^(.+) must be 1 to (?<max>\d+) printable ASCII characters$/, 'input.token'],
  [/^(.+) must be a date as yyyy-MM-dd$/, 'input.date'],
];

const fieldLabel = (ctx: ConsoleContext, name: string): string => {
  const key = FIELDS[name];
  return key ? ctx.t(key) : name;
};

/** A refused input in the operator's language: a shared parser's message, or a bare field name that was wrong. */
export function inputError(ctx: ConsoleContext, message: string): string {
  for (const [pattern, key] of TEMPLATES) {
    const match = pattern.exec(message);
    if (match) return ctx.t(key, { field: fieldLabel(ctx, match[1] ?? ''), ...match.groups });
  }
  return FIELDS[message] ? ctx.t('input.invalid', { field: fieldLabel(ctx, message) }) : message;
}
