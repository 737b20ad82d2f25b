import { describe, expect, it } from 'vitest';
import { OrderRecordSchema, RefundRecordSchema } from '../../../../src/adapters/persistence/order-record.js';
import { UserRecordSchema } from '../../../../src/adapters/persistence/service-records.js';
import { ANSWER_FIELD_LIMITS } from '../../../../src/adapters/wechatpay/shared/answer-fields.js';

type Schema = { meta: { properties: Record<string, { length?: number }> } };
const lengthOf = (schema: Schema, property: string): number | undefined => schema.meta.properties[property]?.length;

/** The gateway refuses what would not fit where it is stored: each limit is its column's width, read from the schema. */
describe("the limits on WeChat's identifiers", () => {
  it('are the widths of the columns that store them, so a schema change cannot leave a limit behind', () => {
    expect(ANSWER_FIELD_LIMITS).toEqual({
      openid: lengthOf(UserRecordSchema as unknown as Schema, 'openid'),
      unionid: lengthOf(UserRecordSchema as unknown as Schema, 'unionid'),
      transaction_id: lengthOf(OrderRecordSchema as unknown as Schema, 'billNo'),
      refund_id: lengthOf(RefundRecordSchema as unknown as Schema, 'refundId'),
    });
  });
});
