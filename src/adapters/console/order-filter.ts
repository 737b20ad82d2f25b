import type { OrderFilter } from '../../application/ports/order-repository.js';
import { isOrderStatus } from '../../domain/order-status.js';
import { isPaidType } from '../../domain/paid-type.js';
import { isMerchantId } from '../../domain/shop-scope.js';
import { idOf, tokenOf, wholeNumber } from '../http/input.js';

export const PAGE_SIZE = 20;

/** The orders page's query, as typed (for the form) and as parsed (for the repository). */
export interface OrderSearch {
  readonly form: Readonly<Record<string, string>>;
  readonly filter: OrderFilter;
  /** The customer's openid, exactly: the orders table knows users by uid, so it is looked up first (withOpenid). */
  readonly openid?: string;
  readonly page: number;
  /** Fields that could not be read; they are left out of the search. */
  readonly problems: readonly string[];
}

const FIELDS = ['status', 'paid_type', 'uid', 'openid', 'out_trade_no', 'transaction_id', 'from', 'to', 'needs_review', 'shop'] as const;

/** `yyyy-MM-dd` as a Beijing calendar day → its first instant. */
export function beijingDayStart(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3_600_000);
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) === value ? at : undefined;
}

export function parseOrderSearch(query: Readonly<Record<string, unknown>>): OrderSearch {
  const form: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = query[f];
    if (typeof v === 'string' && v.trim() !== '') form[f] = v.trim();
  }
  const problems: string[] = [];
  const filter: { -readonly [K in keyof OrderFilter]: OrderFilter[K] } = { limit: PAGE_SIZE + 1, offset: 0 };
  if (form.status !== undefined) {
    if (isOrderStatus(form.status)) filter.status = form.status;
    else problems.push('status');
  }
  if (form.paid_type !== undefined) {
    if (isPaidType(form.paid_type)) filter.paidType = form.paid_type;
    else problems.push('paid_type');
  }
  if (form.uid !== undefined) {
    const uid = idOf(form.uid, 'uid');
    if (uid.ok) filter.uid = uid.value;
    else problems.push(uid.error);
  }
  // The order number is searched by any part of it (a customer reads out its end); WeChat's number exactly.
  for (const [field, key] of [
    ['out_trade_no', 'outTradeNoContains'],
    ['transaction_id', 'transactionId'],
  ] as const) {
    const v = form[field];
    if (v === undefined) continue;
    const token = tokenOf(v, field, 32);
    if (token.ok) filter[key] = token.value;
    else problems.push(token.error);
  }
  let openid: string | undefined;
  if (form.openid !== undefined) {
    const token = tokenOf(form.openid, 'openid', 128);
    if (token.ok) openid = token.value;
    else problems.push(token.error);
  }
  if (form.from !== undefined) {
    const from = beijingDayStart(form.from);
    if (from) filter.createdFrom = from;
    else problems.push('from must be a date as yyyy-MM-dd');
  }
  if (form.to !== undefined) {
    const to = beijingDayStart(form.to);
    // Inclusive: orders created before the next Beijing midnight.
    if (to) filter.createdBefore = new Date(to.getTime() + 86_400_000);
    else problems.push('to must be a date as yyyy-MM-dd');
  }
  // One of the operator's shops (the dashboard's links carry the shop it shows); the scope still narrows the query.
  if (form.shop !== undefined) {
    if (isMerchantId(form.shop)) filter.merchantId = form.shop;
    else problems.push('shop');
  }
  if (form.needs_review === 'yes' || form.needs_review === 'no') filter.needsReview = form.needs_review === 'yes';
  else if (form.needs_review !== undefined) problems.push('needs_review');
  const pageNo = wholeNumber(query.page ?? '1', 'page', 1, 10_000);
  const page = pageNo.ok ? pageNo.value : 1;
  filter.offset = (page - 1) * PAGE_SIZE;
  return { form, filter, page, problems, ...(openid !== undefined && { openid }) };
}

/**
 * The search's filter with its openid turned into the user's uid, or undefined when nothing can match (no user has
 * that openid, or the search names another uid).
 */
export async function withOpenid(
  search: OrderSearch,
  findByOpenid: (openid: string) => Promise<{ readonly uid: number } | undefined>,
): Promise<OrderFilter | undefined> {
  if (search.openid === undefined) return search.filter;
  const user = await findByOpenid(search.openid);
  if (!user || (search.filter.uid !== undefined && search.filter.uid !== user.uid)) return undefined;
  return { ...search.filter, uid: user.uid };
}

/** A range of Beijing days (`from`, `to`, both inclusive, either optional), as instants: [from, before). */
export interface DayRange {
  readonly form: Readonly<Record<'from' | 'to', string | undefined>>;
  readonly from?: Date;
  readonly before?: Date;
  readonly problems: readonly string[];
}

export function parseDayRange(query: Readonly<Record<string, unknown>>): DayRange {
  const typed = (name: string) => (typeof query[name] === 'string' && query[name].trim() !== '' ? query[name].trim() : undefined);
  const form = { from: typed('from'), to: typed('to') };
  const from = form.from === undefined ? undefined : beijingDayStart(form.from);
  const to = form.to === undefined ? undefined : beijingDayStart(form.to);
  const problems = [
    ...(form.from !== undefined && !from ? ['from must be a date as yyyy-MM-dd'] : []),
    ...(form.to !== undefined && !to ? ['to must be a date as yyyy-MM-dd'] : []),
  ];
  return { form, ...(from && { from }), ...(to && { before: new Date(to.getTime() + 86_400_000) }), problems };
}
