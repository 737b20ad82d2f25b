import { randomBytes, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';

/*
 * API v3 callbacks and answers made with wechatpay-axios-plugin (by WeChat Pay's SDK author) rather than with the
 * adapter's own v3 modules, so hostile-callback tests never merely agree with the code under test.
 */
const require = createRequire(import.meta.url);
const { Rsa, Formatter, Aes } = require('wechatpay-axios-plugin') as {
  Rsa: { sign(message: string, privateKey: KeyObject): string; verify(message: string, signature: string, publicKey: KeyObject): boolean };
  Formatter: {
    request(method: string, uri: string, timestamp: string | number, nonce: string, body?: string): string;
    response(timestamp: string | number, nonce: string, body?: string): string;
  };
  Aes: { AesGcm: { encrypt(plaintext: string, key: string, iv: string, aad?: string): string } };
};
export { Rsa as pluginRsa, Formatter as pluginFormatter };

export const twelve = (): string => randomBytes(6).toString('hex');

/** A notify `resource` sealed the way WeChat seals it: AEAD_AES_256_GCM under the APIv3 key. */
export function sealedResource(plain: unknown, apiV3Key: string, associatedData: string, nonce = twelve()): Record<string, string> {
  return {
    original_type: associatedData,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: Aes.AesGcm.encrypt(JSON.stringify(plain), apiV3Key, nonce, associatedData),
    associated_data: associatedData,
    nonce,
  };
}

export function notifyBody(eventType: string, resource: Record<string, string>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `EV-${twelve()}`,
    create_time: '2026-01-15T12:01:02+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: 'test',
    resource,
    ...extra,
  });
}

export interface SignOptions {
  readonly serial: string;
  readonly privateKey: KeyObject;
  /** Unix seconds; default now. */
  readonly timestamp?: number;
  readonly nonce?: string;
  /** Put this in Wechatpay-Signature instead of the real signature. */
  readonly signature?: string;
}

/** The four Wechatpay-* headers (lower-case, as they reach the route) over `body`. */
export function signCallback(body: string, options: SignOptions): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? twelve() + twelve();
  const signature = options.signature ?? Rsa.sign(Formatter.response(timestamp, nonce, body), options.privateKey);
  return {
    'content-type': 'application/json',
    'wechatpay-timestamp': String(timestamp),
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': options.serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** A paid `transaction` resource for the sample merchant. */
export function transactionResource(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: 'wxd930ea5d5a258f4f',
    mchid: '10000100',
    out_trade_no: '2026011512000000020000000001',
    transaction_id: '4200000015201711256947025404',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: '2026-01-15T12:01:02+08:00',
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
    ...overrides,
  };
}

export function refundResource(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mchid: '10000100',
    out_trade_no: '2026011512000000020000000001',
    transaction_id: '4200000015201711256947025404',
    out_refund_no: '2026011512000000020000000001R1',
    refund_id: '50000404922017112502468056157',
    refund_status: 'SUCCESS',
    success_time: '2026-01-15T13:00:00+08:00',
    user_received_account: '支付用户零钱',
    amount: { total: 9900, refund: 9900, payer_total: 9900, payer_refund: 9900 },
    ...overrides,
  };
}
