import { describe, expect, it } from 'vitest';
import { classifyErrorAnswer } from '../../../../src/adapters/wechatpay/v3/error-answer.js';

const answer = (code: string, message = '') => JSON.stringify({ code, message });
const kindOf = (status: number, body: string) => classifyErrorAnswer(status, body, {}).kind;

describe('classifyErrorAnswer', () => {
  it('keeps code, message, detail and the Request-ID', () => {
    const body = JSON.stringify({
      code: 'PARAM_ERROR',
      message: '参数错误',
      detail: { field: '/amount/total', value: 0, issue: '必须大于0', location: 'body' },
    });
    expect(classifyErrorAnswer(400, body, { 'Request-ID': '08A1B2C3D4E5F6' })).toEqual({
      kind: 'invalidParameters',
      retryable: false,
      status: 400,
      code: 'PARAM_ERROR',
      message: '参数错误',
      detail: { field: '/amount/total', value: 0, issue: '必须大于0', location: 'body' },
      requestId: '08A1B2C3D4E5F6',
    });
  });

  it.each([
    [500, 'SYSTEM_ERROR', 'retryLater', true],
    [500, 'BANK_ERROR', 'retryLater', true],
    [503, 'SERVICE_UNAVAILABLE', 'retryLater', true],
    [429, 'FREQUENCY_LIMITED', 'rateLimited', true],
    [429, 'RATELIMIT_EXCEEDED', 'rateLimited', true],
    [400, 'ORDER_CLOSED', 'orderClosed', false],
    [400, 'ORDERPAID', 'orderPaid', false],
    [404, 'ORDERNOTEXIST', 'orderNotFound', false],
    [404, 'ORDER_NOT_EXIST', 'orderNotFound', false],
    [404, 'RESOURCE_NOT_EXISTS', 'orderNotFound', false],
    [403, 'OUT_TRADE_NO_USED', 'duplicateOutTradeNo', false],
    [403, 'NOT_ENOUGH', 'notEnough', false],
    [400, 'PARAM_ERROR', 'invalidParameters', false],
    [400, 'INVALID_REQUEST', 'invalidParameters', false],
    [401, 'SIGN_ERROR', 'signatureRejected', false],
    [403, 'NO_AUTH', 'merchantMisconfigured', false],
    [400, 'APPID_MCHID_NOT_MATCH', 'merchantMisconfigured', false],
    [400, 'MCH_NOT_EXISTS', 'merchantMisconfigured', false],
    [403, 'RULE_LIMIT', 'businessRefusal', false],
    [403, 'TRADE_ERROR', 'businessRefusal', false],
  ])('%i %s is %s (retryable %s)', (status, code, kind, retryable) => {
    expect(classifyErrorAnswer(status, answer(code, 'x'), {})).toMatchObject({ kind, retryable, code });
  });

  it('INVALID_REQUEST "201 商户订单号重复" is a duplicate out_trade_no (digest §3.4)', () => {
    expect(kindOf(400, answer('INVALID_REQUEST', '201 商户订单号重复'))).toBe('duplicateOutTradeNo');
    expect(kindOf(400, answer('INVALID_REQUEST', '商户订单号重复'))).toBe('duplicateOutTradeNo');
    expect(kindOf(400, answer('INVALID_REQUEST', '2010 something else'))).toBe('invalidParameters');
  });

  it('falls back to the status for an unknown or missing code and for non-JSON bodies', () => {
    expect(kindOf(500, '<html>502 Bad Gateway</html>')).toBe('retryLater');
    expect(kindOf(502, '')).toBe('retryLater');
    expect(kindOf(202, '')).toBe('retryLater');
    expect(kindOf(429, '{}')).toBe('rateLimited');
    expect(kindOf(401, '[]')).toBe('signatureRejected');
    expect(kindOf(404, answer('SOMETHING_NEW'))).toBe('orderNotFound');
    expect(kindOf(403, answer('SOMETHING_NEW'))).toBe('merchantMisconfigured');
    expect(kindOf(400, answer(''))).toBe('invalidParameters');
    expect(kindOf(405, 'null')).toBe('unexpected');
    expect(kindOf(302, '')).toBe('unexpected');
  });

  it('bounds the message and ignores a non-object detail; a Buffer body works too', () => {
    const body = JSON.stringify({ code: 'PARAM_ERROR', message: 'x'.repeat(2000), detail: 'text' });
    const long = classifyErrorAnswer(400, Buffer.from(body), {});
    expect(long.message).toHaveLength(512);
    expect(long).not.toHaveProperty('detail');
  });
});
