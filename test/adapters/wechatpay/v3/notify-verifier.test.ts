import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InboundCallback } from '../../../../src/application/ports/notify-verifier.js';
import { WechatPayV3NotifyVerifier } from '../../../../src/adapters/wechatpay/v3/notify-verifier.js';
import { V3Trust } from '../../../../src/adapters/wechatpay/v3/trust.js';
import { Money } from '../../../../src/domain/money.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';
import { testIdentity } from '../../../support/v3-identity.js';
import {
  notifyBody,
  refundResource,
  sealedResource,
  signCallback,
  transactionResource,
  type SignOptions,
} from '../../../support/v3-callback-signer.js';

const id = testIdentity();
const clock = new ManualClock();
const now = Math.floor(clock.now().getTime() / 1000);
const publicKeySigner: SignOptions = { serial: id.wechatpayPublicKey.id, privateKey: id.wechatpayPrivateKey, timestamp: now };

function verifier(mode: 'publicKey' | 'platformCertificate' = 'publicKey'): WechatPayV3NotifyVerifier {
  const trust = new V3Trust(
    mode === 'publicKey'
      ? { publicKey: { id: id.wechatpayPublicKey.id, key: id.wechatpayPublicKeyObject } }
      : { platformCertificates: { anchors: [id.platformCertificate], bootstrap: 'refuse', apiV3Key: Buffer.from(id.apiV3Key) } },
    clock,
  );
  return new WechatPayV3NotifyVerifier({
    merchant: { appId: 'wxd930ea5d5a258f4f', mchId: '10000100' },
    apiV3Key: Buffer.from(id.apiV3Key),
    trust,
    clock,
  });
}

const paymentBody = (resource = transactionResource(), key = id.apiV3Key, aad = 'transaction'): string =>
  notifyBody('TRANSACTION.SUCCESS', sealedResource(resource, key, aad));
const callback = (body: string, sign: Partial<SignOptions> = {}): InboundCallback => ({
  body,
  headers: signCallback(body, { ...publicKeySigner, ...sign }),
});

describe('WechatPayV3NotifyVerifier: genuine callbacks (made with wechatpay-axios-plugin)', () => {
  it('accepts a TRANSACTION.SUCCESS signed with the WeChat Pay public key and yields the protocol-neutral notice', async () => {
    const result = await verifier().payment(callback(paymentBody()));
    expect(result).toEqual({
      ok: true,
      value: {
        appId: 'wxd930ea5d5a258f4f',
        mchId: '10000100',
        outTradeNo: '2026011512000000020000000001',
        transactionId: '4200000015201711256947025404',
        totalFee: Money.ofFen(9900),
        succeeded: true,
        signedWith: 'RSA',
      },
    });
  });

  it('accepts one signed with a configured platform certificate', async () => {
    const body = paymentBody();
    const signed = callback(body, { serial: id.platform.serialNo, privateKey: id.platformPrivateKey });
    expect((await verifier('platformCertificate').payment(signed)).ok).toBe(true);
  });

  it.each([
    ['REFUND.SUCCESS', 'SUCCESS'],
    ['REFUND.CLOSED', 'CLOSED'],
    ['REFUND.ABNORMAL', 'ABNORMAL'],
  ])('accepts %s with a full refund report', async (event, status) => {
    const body = notifyBody(event, sealedResource(refundResource({ refund_status: status }), id.apiV3Key, 'refund'));
    const result = await verifier().refund(callback(body));
    expect(result).toMatchObject({
      ok: true,
      value: {
        outTradeNo: '2026011512000000020000000001',
        transactionId: '4200000015201711256947025404',
        outRefundNo: '2026011512000000020000000001R1',
        refundId: '50000404922017112502468056157',
        refundFee: Money.ofFen(9900),
        totalFee: Money.ofFen(9900),
        status,
      },
    });
  });
});

describe('WechatPayV3NotifyVerifier: hostile callbacks are refused, each for its own reason', () => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const refusals: [string, () => InboundCallback, string][] = [
    ['one character of the signature changed', () => tamperHeader(callback(paymentBody()), 'wechatpay-signature'), 'badSignature'],
    ['the body changed after signing', () => ({ ...callback(paymentBody()), body: paymentBody() }), 'badSignature'],
    ['a timestamp 301 s old', () => callback(paymentBody(), { timestamp: now - 301 }), 'timestampOutOfWindow'],
    ['a timestamp 301 s ahead', () => callback(paymentBody(), { timestamp: now + 301 }), 'timestampOutOfWindow'],
    ['an unknown serial', () => callback(paymentBody(), { serial: 'PUB_KEY_ID_0110000100202601019999999999' }), 'unknownSerial'],
    [
      'a platform certificate serial the merchant does not hold, signed by its key',
      () => callback(paymentBody(), { serial: '7132D72A03E93CDDF8C03BBD1F37EEDF1F1B7A2A', privateKey: stranger }),
      'unknownSerial',
    ],
    ['our key ID but a stranger’s signature', () => callback(paymentBody(), { privateKey: stranger }), 'badSignature'],
    [
      'a WECHATPAY/SIGNTEST/ probe',
      () => callback(paymentBody(), { signature: `WECHATPAY/SIGNTEST/${'A'.repeat(344)}` }),
      'probeSignature',
    ],
    ['no Wechatpay-Signature', () => dropHeader(callback(paymentBody()), 'wechatpay-signature'), 'missingHeader'],
    ['no Wechatpay-Serial', () => dropHeader(callback(paymentBody()), 'wechatpay-serial'), 'missingHeader'],
    ['a ciphertext with one byte changed', () => callback(mutateResource(paymentBody(), 'ciphertext')), 'undecryptable'],
    ['associated_data changed', () => callback(mutateResource(paymentBody(), 'associated_data')), 'undecryptable'],
    ['the nonce changed', () => callback(mutateResource(paymentBody(), 'nonce')), 'undecryptable'],
    [
      'a resource sealed with another APIv3 key',
      () => callback(paymentBody(transactionResource(), 'ANOTHERapiV3key0123456789abcdefg')),
      'undecryptable',
    ],
    ['another merchant’s transaction', () => callback(paymentBody(transactionResource({ mchid: '10000101' }))), 'foreignMerchant'],
    [
      'an amount in yuan',
      () => callback(paymentBody(transactionResource({ amount: { total: 99.0 + 0.5, currency: 'CNY' } }))),
      'badTotalFee',
    ],
    ['an amount as a string', () => callback(paymentBody(transactionResource({ amount: { total: '9900' } }))), 'badTotalFee'],
    [
      'a refund event at the payment route',
      () => callback(notifyBody('REFUND.SUCCESS', sealedResource(refundResource(), id.apiV3Key, 'refund'))),
      'unexpectedEvent',
    ],
    ['a body that is not JSON', () => callback('<xml><return_code>SUCCESS</return_code></xml>'), 'malformedJson'],
  ];

  it.each(refusals)('%s', async (_name, make, reason) => {
    const result = await verifier().payment(make());
    expect(result).toMatchObject({ ok: false, error: { reason } });
  });

  it('refuses a REFUND.SUCCESS whose resource says CLOSED', async () => {
    const body = notifyBody('REFUND.SUCCESS', sealedResource(refundResource({ refund_status: 'CLOSED' }), id.apiV3Key, 'refund'));
    expect(await verifier().refund(callback(body))).toMatchObject({ ok: false, error: { reason: 'badField' } });
  });
});

function tamperHeader(cb: InboundCallback, name: string): InboundCallback {
  const value = cb.headers[name] ?? '';
  const i = Math.floor(value.length / 2);
  return { ...cb, headers: { ...cb.headers, [name]: value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1) } };
}

function dropHeader(cb: InboundCallback, name: string): InboundCallback {
  const headers = { ...cb.headers };
  delete headers[name];
  return { ...cb, headers };
}

/** A validly shaped notify whose resource field was altered in transit (then re-signed: only the AEAD can tell). */
function mutateResource(body: string, field: 'ciphertext' | 'associated_data' | 'nonce'): string {
  const json = JSON.parse(body) as { resource: Record<string, string> };
  const value = json.resource[field] ?? '';
  if (field === 'ciphertext') {
    const bytes = Buffer.from(value, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 1;
    json.resource[field] = bytes.toString('base64');
  } else {
    json.resource[field] = field === 'nonce' ? `${value.slice(0, 11)}${value.endsWith('0') ? '1' : '0'}` : `${value}x`;
  }
  return JSON.stringify(json);
}
