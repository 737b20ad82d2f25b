import { describe, expect, it } from 'vitest';
import {
  AuditSearchInput,
  BillDateInput,
  GoodsDraftInput,
  GoodsIdPath,
  GrantInput,
  LoginInput,
  OrderNumberPath,
  OrderSearchInput,
  PrepayInput,
  RefundInput,
  ResolveReviewInput,
} from '../../../src/adapters/http/request-schemas.js';
import type { InputSources } from '../../../src/adapters/http/schema.js';

const error = (result: { ok: boolean; error?: string }) => (result.ok ? undefined : result.error);

/**
 * The declarative request schemas keep the hand-written checks' exact behaviour: the same first error, word for
 * word, naming the field, and no coercion of anything that is not literally a whole number.
 */
describe('request schemas: the same messages and strictness as the checks they replaced', () => {
  it.each([
    [{}, 'goods_id is required'],
    [{ goods_id: '1e2' }, 'goods_id must be a whole number from 1 to 2147483647'],
    [{ goods_id: [5] }, 'goods_id must be a whole number from 1 to 2147483647'],
    [{ goods_id: ' 5' }, 'goods_id must be a whole number from 1 to 2147483647'],
    [{ goods_id: '5.0' }, 'goods_id must be a whole number from 1 to 2147483647'],
    [{ goods_id: true }, 'goods_id must be a whole number from 1 to 2147483647'],
    [{ goods_id: '' }, 'goods_id must be a whole number from 1 to 2147483647'],
    [{ goods_id: 1, paid_type: null }, 'paid_type must be WXPAY, INTEGRAL or MIXED'],
    [{ goods_id: 1, paid_type: '' }, 'paid_type must be WXPAY, INTEGRAL or MIXED'],
    [{ goods_id: 1, paid_type: 'CASH' }, 'paid_type must be WXPAY, INTEGRAL or MIXED'],
    [{ goods_id: 1, uid: 'abc' }, 'uid must be a whole number from 1 to 2147483647'],
  ])('prepay %j → %s', (query, message) => {
    expect(error(PrepayInput.parse({ query }))).toBe(message);
  });

  it('prepay: defaults and absences as before', () => {
    expect(PrepayInput.parse({ query: { goods_id: '2' } })).toEqual({
      ok: true,
      value: { goods_id: 2, paid_type: 'WXPAY', uid: undefined },
    });
    expect(PrepayInput.parse({ query: { goods_id: 2, uid: '' } })).toMatchObject({ ok: true, value: { uid: undefined } });
    expect(PrepayInput.parse({ query: { goods_id: 2, paid_type: 'MIXED', uid: 7 } })).toMatchObject({
      ok: true,
      value: { paid_type: 'MIXED', uid: 7 },
    });
  });

  it.each<[string, { parse(s: InputSources): { ok: boolean; error?: string } }, InputSources, string]>([
    ['login without code', LoginInput, { body: {} }, 'code is required'],
    ['login with an empty code', LoginInput, { body: { code: '' } }, 'code is required'],
    ['login with a number', LoginInput, { body: { code: 5 } }, 'code is required'],
    ['a goods id path', GoodsIdPath, { path: { id: '4294967297' } }, 'goods id must be a whole number from 1 to 2147483647'],
    [
      'an order number with NUL',
      OrderNumberPath,
      { path: { outTradeNo: 'a\u0000b' } },
      'out_trade_no must be 1 to 32 of 0-9 A-Z a-z _ - * |',
    ],
    ['refund amount', RefundInput, { body: { amount: 2147483648 } }, 'amount must be a whole number from 1 to 2147483647'],
    ['refund key', RefundInput, { body: {}, header: () => 'has space' }, 'Idempotency-Key must be 1 to 64 printable ASCII characters'],
    ['refund reason', RefundInput, { body: { reason: 'a\nb' } }, 'reason must not contain control characters'],
    [
      'refund: amount before key',
      RefundInput,
      { body: { amount: 0 }, header: () => 'has space' },
      'amount must be a whole number from 1 to 2147483647',
    ],
    ['resolve without note', ResolveReviewInput, { body: {} }, 'note must be a string'],
    ['resolve with a blank note', ResolveReviewInput, { body: { note: '   ' } }, 'note must not be empty'],
    [
      'goods with emoji',
      GoodsDraftInput,
      { body: { name: '瑜伽 🧘', market_price: 100, sale_price: 100 } },
      'name cannot contain emoji or other characters beyond U+FFFF (the table stores 3-byte UTF-8)',
    ],
    [
      'goods with a lone surrogate',
      GoodsDraftInput,
      { body: { name: 'a\uD800', market_price: 100, sale_price: 100 } },
      'name is not valid Unicode',
    ],
    [
      'goods with a price below a fen',
      GoodsDraftInput,
      { body: { name: 'x', market_price: 150.5, sale_price: 100 } },
      'market_price must be a whole number from 0 to 2147483647',
    ],
    [
      'goods with a string online',
      GoodsDraftInput,
      { body: { name: 'x', market_price: 100, sale_price: 100, online: 'yes' } },
      'online must be true or false',
    ],
    [
      'goods with a long name',
      GoodsDraftInput,
      { body: { name: 'x'.repeat(101), market_price: 100, sale_price: 100 } },
      'name must be at most 100 characters',
    ],
    [
      'grant with an array amount',
      GrantInput,
      { body: { uid: 1, amount: [5], grant_id: 'g' } },
      'amount must be a whole number from 1 to 1000000000',
    ],
    ['grant without grant_id', GrantInput, { body: { uid: 1, amount: 5 } }, 'grant_id must be 1 to 64 printable ASCII characters'],
    ['grant with uid [1]', GrantInput, { body: { uid: [1], amount: 5, grant_id: 'g' } }, 'uid must be a whole number from 1 to 2147483647'],
    ['order search status', OrderSearchInput, { query: { status: 'PAID' } }, 'status must be CHECKED, SUCC, FAILED or REFUND'],
    ['order search empty status', OrderSearchInput, { query: { status: '' } }, 'status must be CHECKED, SUCC, FAILED or REFUND'],
    ['order search limit', OrderSearchInput, { query: { limit: '101' } }, 'limit must be a whole number from 1 to 100'],
    ['order search date', OrderSearchInput, { query: { from: '2026-13-01' } }, 'from must be a date, yyyy-MM-dd (Beijing)'],
    ['order search needs_review', OrderSearchInput, { query: { needs_review: 'maybe' } }, 'needs_review must be true or false'],
    ['order search uid', OrderSearchInput, { query: { uid: '1.5' } }, 'uid must be a whole number from 1 to 2147483647'],
    ['audit offset', AuditSearchInput, { query: { offset: '-1' } }, 'offset must be a whole number from 0 to 2147483647'],
    ['bill date', BillDateInput, { body: { date: '2026-11-29' } }, 'date must be yyyyMMdd'],
    ['empty bill date', BillDateInput, { body: { date: '' } }, 'date must be yyyyMMdd'],
  ])('%s', (_name, schema, sources, message) => {
    expect(error(schema.parse(sources))).toBe(message);
  });

  it('goods drafts get the old defaults: 0 coins, online', () => {
    const draft = GoodsDraftInput.parse({ body: { name: '  Yoga  ', market_price: '9900', sale_price: 0 } });
    expect(draft).toMatchObject({ ok: true, value: { name: 'Yoga', integral: 0, online: true } });
  });

  it('a Beijing day is its first instant', () => {
    const found = OrderSearchInput.parse({ query: { from: '2026-11-30', needs_review: 'true', limit: '5' } });
    expect(found).toMatchObject({ ok: true, value: { from: new Date('2026-11-29T16:00:00Z'), needs_review: true, limit: 5 } });
  });
});
