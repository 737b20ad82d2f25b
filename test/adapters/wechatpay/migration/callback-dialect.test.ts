import { describe, expect, it } from 'vitest';
import type { InboundCallback, NotifyVerifier } from '../../../../src/application/ports/notify-verifier.js';
import { DialectNotifyVerifier } from '../../../../src/adapters/wechatpay/migration/dialect-notify-verifier.js';
import { merchantGateway } from '../../../../src/adapters/wechatpay/migration/merchant-gateway.js';
import { PrepayOfAnotherApiError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import { callbackDialect } from '../../../../src/adapters/wechatpay/shared/callback-dialect.js';
import { callbackReply } from '../../../../src/adapters/wechatpay/shared/callback-reply.js';
import { err } from '../../../../src/domain/result.js';
import { FakePaymentGateway } from '../../../support/doubles/fake-payment-gateway.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';

const xml: InboundCallback = { body: '<xml><return_code>SUCCESS</return_code></xml>', headers: { 'content-type': 'text/xml' } };
const json: InboundCallback = { body: ' {"id":"EV-1"}', headers: { 'content-type': 'application/json' } };
const headersOnly: InboundCallback = { body: '', headers: { 'wechatpay-serial': 'PUB_KEY_ID_01' } };

describe('callback dialect and reply', () => {
  it('tells v3 by a Wechatpay-* header or a JSON body, v2 otherwise', () => {
    expect(callbackDialect(xml)).toBe('v2');
    expect(callbackDialect(json)).toBe('v3');
    expect(callbackDialect(headersOnly)).toBe('v3');
    expect(callbackDialect({ body: '', headers: {} })).toBe('v2');
  });

  it('acknowledges v3 with an empty 204 and refuses it with a 5xx {code, message} that names no check', () => {
    expect(callbackReply(json, true)).toEqual({ status: 204, contentType: 'application/json', body: '' });
    const refusal = callbackReply(json, false);
    expect(refusal.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(refusal.body)).toEqual({ code: 'FAIL', message: 'FAIL' });
    expect(callbackReply(headersOnly, false)).toEqual(refusal);
  });

  it('with one API configured, replies in its dialect whatever the callback looks like', () => {
    expect(callbackReply(json, false, ['v2'])).toMatchObject({ status: 200, contentType: 'application/xml' });
    expect(callbackReply(xml, false, ['v3'])).toMatchObject({ status: 500, contentType: 'application/json' });
  });

  it('keeps v2 replies exactly as before', () => {
    expect(callbackReply(xml, true).body).toBe(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
    );
    expect(callbackReply(xml, false)).toMatchObject({ status: 200, contentType: 'application/xml' });
  });
});

describe('the migration: both dialects, one route', () => {
  const named = (name: string): NotifyVerifier => ({
    payment: async () => err({ reason: name, detail: name }),
    refund: async () => err({ reason: `${name}-refund`, detail: name }),
  });

  it('sends XML to the v2 verifier and JSON or Wechatpay-* headers to the v3 one', async () => {
    const both = new DialectNotifyVerifier({ v2: named('v2'), v3: named('v3') });
    expect(await both.payment(xml)).toMatchObject({ error: { reason: 'v2' } });
    expect(await both.payment(json)).toMatchObject({ error: { reason: 'v3' } });
    expect(await both.refund(headersOnly)).toMatchObject({ error: { reason: 'v3-refund' } });
  });

  it('with one API configured, gives every callback to its verifier, as before the migration', async () => {
    expect(await new DialectNotifyVerifier({ v3: named('v3') }).payment(xml)).toMatchObject({ ok: false, error: { reason: 'v3' } });
    expect(await new DialectNotifyVerifier({ v2: named('v2') }).refund(json)).toMatchObject({ ok: false, error: { reason: 'v2-refund' } });
    expect(await new DialectNotifyVerifier({}).payment(json)).toMatchObject({ ok: false, error: { reason: 'notConfigured' } });
  });

  /** A fake of one API: it signs only the prepays it made (told here by sign type, as the real ones do), and counts calls. */
  function api(name: 'v2' | 'v3', calls: string[]) {
    const clock = new ManualClock();
    const gateway = new FakePaymentGateway(clock);
    const original = gateway.clientPayment.bind(gateway);
    gateway.clientPayment = (prepay) => {
      if ((prepay.signType === 'RSA') !== (name === 'v3')) throw new PrepayOfAnotherApiError(`${prepay.prepayId}: not ${name}`);
      calls.push(`${name} signs`);
      return original(prepay);
    };
    const query = gateway.queryOrder.bind(gateway);
    gateway.queryOrder = (no) => (calls.push(`${name} queries`), query(no));
    return gateway;
  }
  const prepay = (signType: string) => ({ prepayId: 'wx1', issuedAt: new Date(0), expiresAt: new Date(0), signType });

  it("the merchant's API version chooses the gateway; a live prepay of the other API is signed by that API", async () => {
    for (const version of ['v3', 'v2'] as const) {
      const calls: string[] = [];
      const gateway = merchantGateway({ v2: api('v2', calls), v3: api('v3', calls) }, version);
      await gateway.queryOrder('1');
      gateway.clientPayment(prepay('RSA'));
      gateway.clientPayment(prepay('MD5'));
      expect(calls).toEqual([`${version} queries`, 'v3 signs', 'v2 signs']);
    }
  });

  it('with one API configured, is that API: a prepay it did not make is refused, not signed', () => {
    const calls: string[] = [];
    const v3 = api('v3', calls);
    expect(merchantGateway({ v3 }, 'v3')).toBe(v3);
    expect(() => merchantGateway({ v3 }, 'v3').clientPayment(prepay('MD5'))).toThrow(PrepayOfAnotherApiError);
    expect(() => merchantGateway({ v3 }, 'v2')).toThrow('WeChat Pay API v2 is not configured');
  });

  it('passes on any other failure to sign rather than trying the other API', () => {
    const calls: string[] = [];
    const v2 = api('v2', calls);
    v2.clientPayment = () => {
      throw new TypeError('key unreadable');
    };
    expect(() => merchantGateway({ v2, v3: api('v3', calls) }, 'v2').clientPayment(prepay('MD5'))).toThrow(TypeError);
    expect(calls).toEqual([]);
  });
});
