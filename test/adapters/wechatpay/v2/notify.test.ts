import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFY_ACK_SUCCESS, parsePaymentNotify, type MerchantKeys } from '../../../../src/adapters/wechatpay/v2/notify.js';
import { signFields } from '../../../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { paymentNotifyFields, SAMPLE, signedNotifyXml } from '../../../support/wechat-test-signer.js';

const MD5: MerchantKeys = { ...SAMPLE, signType: 'MD5' };
const HMAC: MerchantKeys = { ...SAMPLE, signType: 'HMAC-SHA256' };

const reasonOf = (body: string, merchant: MerchantKeys = MD5): string | undefined => {
  const result = parsePaymentNotify(body, merchant);
  return result.ok ? undefined : result.error.reason;
};

describe('parsePaymentNotify: the happy path', () => {
  it('verifies and types a notify', () => {
    const result = parsePaymentNotify(signedNotifyXml(paymentNotifyFields()), MD5);
    if (!result.ok) throw new Error(result.error.detail);
    expect(result.value.notice).toEqual({
      appId: SAMPLE.appId,
      mchId: SAMPLE.mchId,
      outTradeNo: '2026011512000000020000000001',
      transactionId: '4200000015201711256947025404',
      totalFee: expect.objectContaining({ fen: 9900 }),
      succeeded: true,
      signedWith: 'MD5',
    });
    expect(result.value.paidAt?.toISOString()).toBe('2026-01-15T04:01:02.000Z');
  });

  it('accepts an HMAC notify that does name its (configured) sign_type', () => {
    const body = signedNotifyXml(paymentNotifyFields({ sign_type: 'HMAC-SHA256' }), { signType: 'HMAC-SHA256' });
    expect(reasonOf(body, HMAC)).toBeUndefined();
  });
});

describe('reliability checklist 1–16 against parsePaymentNotify', () => {
  it('1: a validly signed notice keeps its own amount, so the use case can see 1 fen ≠ 9900 fen', () => {
    const result = parsePaymentNotify(signedNotifyXml(paymentNotifyFields({ total_fee: '1', cash_fee: '1' })), MD5);
    expect(result.ok && result.value.notice.totalFee.fen).toBe(1);
  });

  it('2: one flipped character of sign → badSign', () => {
    const fields = paymentNotifyFields();
    const sign = signFields(fields, SAMPLE.apiKey, 'MD5');
    const flipped = (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1);
    expect(reasonOf(signedNotifyXml(fields, { signOverride: flipped }))).toBe('badSign');
  });

  it.each([
    ['missing', undefined, 'missingSign'],
    ['empty', '', 'missingSign'],
    ['short', 'ABC', 'badSign'],
    ['64 chars under MD5', 'A'.repeat(64), 'badSign'],
    ['non-hex', 'Z'.repeat(32), 'badSign'],
    ['multibyte', '中'.repeat(32), 'badSign'],
    ['lowercase of the right sign', 'lower', 'badSign'],
  ])('3: sign %s → %s without throwing', (_name, sign, reason) => {
    const fields = paymentNotifyFields();
    const real = signFields(fields, SAMPLE.apiKey, 'MD5');
    const override = sign === 'lower' ? real.toLowerCase() : sign;
    const body = override === undefined ? buildWechatXml(fields) : signedNotifyXml(fields, { signOverride: override });
    expect(() => parsePaymentNotify(body, MD5)).not.toThrow();
    expect(reasonOf(body)).toBe(reason);
  });

  it("4: a sign_type in the body that is not the signature's algorithm is refused; the notice says which one signed it", () => {
    // A 32-character MD5 sign under a body claiming HMAC-SHA256 (and the reverse): refused before any verification.
    const md5Signed = signedNotifyXml(paymentNotifyFields({ sign_type: 'HMAC-SHA256' }), { signType: 'MD5' });
    expect(reasonOf(md5Signed, HMAC)).toBe('signTypeMismatch');
    const hmacSigned = signedNotifyXml(paymentNotifyFields({ sign_type: 'MD5' }), { signType: 'HMAC-SHA256' });
    expect(reasonOf(hmacSigned, MD5)).toBe('signTypeMismatch');
    // Deleting sign_type from an HMAC-signed body does not help either: it is part of what was signed.
    const hmacBody = signedNotifyXml(paymentNotifyFields({ sign_type: 'HMAC-SHA256' }), { signType: 'HMAC-SHA256' });
    const stripped = hmacBody.replace('<sign_type><![CDATA[HMAC-SHA256]]></sign_type>', '');
    expect(reasonOf(stripped, MD5)).toBe('badSign');
    expect(reasonOf(stripped, HMAC)).toBe('badSign');
    // Which algorithm signed it travels with the notice: HandleNotify refuses one the order's prepay did not use.
    const result = parsePaymentNotify(hmacBody, MD5);
    expect(result.ok && result.value.notice.signedWith).toBe('HMAC-SHA256');
  });

  it.each([
    ['appid', { appid: 'wx0000000000000000' }],
    ['mch_id', { mch_id: '1900000109' }],
  ])('5: a validly signed notify for a foreign %s → foreignMerchant', (_name, overrides) => {
    expect(reasonOf(signedNotifyXml(paymentNotifyFields(overrides)))).toBe('foreignMerchant');
  });

  it('6: result_code FAIL → a verified notice with succeeded false', () => {
    const fields = paymentNotifyFields({
      result_code: 'FAIL',
      err_code: 'NOTENOUGH',
      err_code_des: '余额不足',
      transaction_id: undefined,
      total_fee: undefined,
    });
    const result = parsePaymentNotify(signedNotifyXml(fields), MD5);
    expect(result.ok && result.value.notice.succeeded).toBe(false);
  });

  it('7: unknown extra fields and empty fields still verify per the spec', () => {
    const fields = paymentNotifyFields({
      coupon_count: '1',
      coupon_fee_0: '100',
      coupon_id_0: '10000',
      future_field: 'x',
      attach: '',
      device_info: '',
    });
    const body = signedNotifyXml(fields);
    expect(body).toContain('<attach><![CDATA[]]></attach>');
    expect(reasonOf(body)).toBeUndefined();
  });

  describe('8–9: DTDs and entity bombs', () => {
    let hits = 0;
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits++;
        res.end('secret');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const inner = signedNotifyXml(paymentNotifyFields()).replace(/^<xml>|<\/xml>$/g, '');
    const lol =
      '<!ENTITY lol "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('');
    const cases: [string, string][] = [
      [
        'external SYSTEM file entity',
        `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml>${inner}<attach>&xxe;</attach></xml>`,
      ],
      ['external http entity', `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "http://127.0.0.1:PORT/x">]><xml>${inner}<attach>&xxe;</attach></xml>`],
      ['parameter entity', `<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:PORT/dtd"> %p;]><xml>${inner}</xml>`],
      ['external DTD', `<!DOCTYPE xml SYSTEM "http://127.0.0.1:PORT/x.dtd"><xml>${inner}</xml>`],
      ['billion laughs', `<!DOCTYPE xml [${lol}]><xml>${inner}<attach>&lol9;</attach></xml>`],
      ['big entity', `<!DOCTYPE xml [<!ENTITY big "${'x'.repeat(8000)}">]><xml><attach>&big;&big;&big;</attach></xml>`],
      ['multiple DOCTYPEs', `<!DOCTYPE a><!DOCTYPE b><xml>${inner}</xml>`],
      ['lowercase doctype', `<!doctype xml [<!entity e "x">]><xml>${inner}</xml>`],
      ['DOCTYPE after the declaration', `<?xml version="1.0"?>\n<!DOCTYPE xml><xml>${inner}</xml>`],
    ];

    // The reader refuses at the first `<!`: nothing declared is ever read, let alone expanded or fetched.
    it.each(cases)('%s → refused, with no request made', (_name, template) => {
      const body = template.replaceAll('PORT', String(port));
      const result = parsePaymentNotify(body, MD5);
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.error.reason).toMatch(/^(malformedXml|oversize)$/);
    });

    // How fast these are refused is measured by bench/hostile-notify.bench.ts, not asserted here.
    it('100k numeric character references → refused as oversize, never expanded', () => {
      expect(reasonOf(`<xml><attach>${'&#65;'.repeat(100_000)}</attach></xml>`)).toBe('oversize');
    });

    it('made no outbound request', () => {
      expect(hits).toBe(0);
    });
  });

  it('10: a body over 16 KB → oversize', () => {
    const body = signedNotifyXml(paymentNotifyFields({ attach: 'x'.repeat(16 * 1024) }));
    expect(reasonOf(body)).toBe('oversize');
  });

  it('11: duplicate <total_fee> → refused as ambiguous, whichever copy was signed', () => {
    const body = signedNotifyXml(paymentNotifyFields({ total_fee: '1' }));
    expect(reasonOf(body.replace('</xml>', '<total_fee>9900</total_fee></xml>'))).toBe('malformedXml');
    expect(reasonOf(body.replace('<xml>', '<xml><total_fee>9900</total_fee>'))).toBe('malformedXml');
  });

  it.each(['0x64', '1e2', '100.0', ' 100', '100 ', '-1', '0', '+100', '０１', '1,000', '', '99999999999'])(
    '12: total_fee %j, validly signed → badTotalFee, never coerced',
    (totalFee) => {
      const reason = reasonOf(signedNotifyXml(paymentNotifyFields({ total_fee: totalFee })));
      expect(reason).toBe('badTotalFee');
    },
  );

  it.each(['0000000000000000000000000000012', '12345678901234567890123456789012', '007'])(
    '13: out_trade_no %s is kept as the exact string',
    (outTradeNo) => {
      const result = parsePaymentNotify(signedNotifyXml(paymentNotifyFields({ out_trade_no: outTradeNo })), MD5);
      expect(result.ok && result.value.notice.outTradeNo).toBe(outTradeNo);
    },
  );

  it.each(['__proto__', 'constructor', 'toString', 'prototype', 'valueOf'])('14: a <%s> tag → refused, no prototype pollution', (tag) => {
    const body = signedNotifyXml(paymentNotifyFields()).replace('</xml>', `<${tag}><![CDATA[{"polluted":true}]]></${tag}></xml>`);
    expect(reasonOf(body)).toBe('malformedXml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString.call({})).toBe('[object Object]');
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   '],
    ['truncated', signedNotifyXml(paymentNotifyFields()).slice(0, 200)],
    ['JSON', JSON.stringify(paymentNotifyFields())],
    ['BOM', `\uFEFF${signedNotifyXml(paymentNotifyFields())}`],
    ['form-encoded', 'return_code=SUCCESS&total_fee=1'],
    ['wrong root', signedNotifyXml(paymentNotifyFields()).replace(/xml>/g, 'root>')],
  ])('15: %s body → malformedXml, no crash', (_name, body) => {
    expect(reasonOf(body)).toBe('malformedXml');
  });

  it('16: the success reply is exactly the documented XML', () => {
    expect(NOTIFY_ACK_SUCCESS).toBe('<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>');
  });
});

describe('other refusals', () => {
  it('return_code FAIL carries nothing to verify', () => {
    expect(reasonOf(buildWechatXml({ return_code: 'FAIL', return_msg: '签名失败' }))).toBe('returnCodeFail');
  });

  it.each([
    ['transaction_id', { transaction_id: undefined }],
    ['out_trade_no', { out_trade_no: undefined }],
    ['result_code', { result_code: undefined }],
  ])('missing %s → missingField', (_name, overrides) => {
    expect(reasonOf(signedNotifyXml(paymentNotifyFields(overrides)))).toBe('missingField');
  });

  it('a foreign currency → badFeeType', () => {
    expect(reasonOf(signedNotifyXml(paymentNotifyFields({ fee_type: 'USD' })))).toBe('badFeeType');
  });

  it('a signature made with another key → badSign', () => {
    expect(reasonOf(signedNotifyXml(paymentNotifyFields(), { apiKey: 'x'.repeat(32) }))).toBe('badSign');
  });
});
