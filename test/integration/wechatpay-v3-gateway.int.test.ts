import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { V3Failure } from '../../src/adapters/wechatpay/v3/client.js';
import type { TrustEvent } from '../../src/adapters/wechatpay/v3/trust.js';
import { V3Trust } from '../../src/adapters/wechatpay/v3/trust.js';
import { createCertificatePem } from '../../src/sandbox/identity/x509-builder.js';
import { simulatorV3Options } from '../../src/sandbox/identity/identity-store.js';
import { GatewayUnavailableError, type PrepayRequest } from '../../src/application/ports/payment-gateway.js';
import { Money } from '../../src/domain/money.js';
import { testIdentity } from '../support/v3-identity.js';
import { startV3Sandbox, type V3Sandbox } from '../support/wechat-sandbox-v3.js';

let sb: V3Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

let serial = 0;
const request = (v3: V3Sandbox, fen = 2500): PrepayRequest => ({
  outTradeNo: `2026011512000000022${String(++serial).padStart(5, '0')}${String(process.pid % 10_000).padStart(4, '0')}`,
  description: '健康商城-课程',
  amount: Money.ofFen(fen),
  openid: 'oV3GatewayUser00000000000001',
  clientIp: '203.0.113.7',
  payableUntil: new Date(v3.clock.now().getTime() + 24 * 3_600_000),
});

/** A second platform certificate from the identity's CA, valid longer than the first: WeChat's rotation. */
function rotatedPlatform(): { serialNo: string; privateKeyPem: string; certificatePem: string } {
  const id = testIdentity();
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serialNo = '5E1F2D2C3B4A59687766554433221100FFEEDDCC';
  const certificatePem = createCertificatePem({
    serialHex: serialNo,
    subject: [
      ['C', 'CN'],
      ['CN', 'Tenpay.com sandbox platform 2'],
    ],
    subjectPublicKey: pair.publicKey,
    isCa: false,
    notBefore: new Date('2025-12-01T00:00:00Z'),
    notAfter: new Date('2031-12-01T00:00:00Z'),
    signingKey: createPrivateKey(id.ca.privateKeyPem),
    issuer: new X509Certificate(id.ca.certificatePem).subject.split('\n').map((line) => line.split('=') as ['C', string]),
  });
  return { serialNo, privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem };
}

describe('v3 gateway on the simulator: platform-certificate rotation', () => {
  it('learns a rotated certificate from a download signed by the configured one, then verifies notifies signed by the new one', async () => {
    const id = testIdentity();
    const next = rotatedPlatform();
    const v3 = await startV3Sandbox({
      v3: { ...simulatorV3Options(id), platformCertificates: [id.platform, next], signWith: 'platformCertificate' },
    });
    sb = v3;
    const events: TrustEvent[] = [];
    const trust = v3.trust('platformCertificate', events);
    const gateway = v3.gatewayV3('platformCertificate', {}, { trust });
    const r = request(v3);
    const created = await gateway.createPrepay(r);
    expect(created.kind).toBe('created');
    expect(events).toMatchObject([{ type: 'certificates.refreshed', added: [next.serialNo], trustedBy: 'storedKey' }]);
    expect(trust.requestSerial()).toBe(next.serialNo);

    if (created.kind !== 'created') return;
    await v3.control('/pay', { prepay_id: created.prepay.prepayId });
    await v3.waitFor(() => v3.received.some((got) => got.headers['wechatpay-serial'] === next.serialNo));
    const notify = v3.received.find((got) => got.headers['wechatpay-serial'] === next.serialNo);
    const verdict = await v3.verifierV3('platformCertificate', trust).payment({ body: notify?.body ?? '', headers: notify?.headers ?? {} });
    expect(verdict).toMatchObject({ ok: true, value: { outTradeNo: r.outTradeNo, succeeded: true } });
  });

  it('trusts nothing when no anchor is configured and the bootstrap is refused', async () => {
    const v3 = await startV3Sandbox({ signWith: 'platformCertificate' });
    sb = v3;
    const events: TrustEvent[] = [];
    const trust = new V3Trust(
      { platformCertificates: { anchors: [], bootstrap: 'refuse', apiV3Key: Buffer.from(v3.identity.apiV3Key) } },
      v3.clock,
      (e) => events.push(e),
    );
    await expect(v3.gatewayV3('platformCertificate', {}, { trust }).createPrepay(request(v3))).rejects.toBeInstanceOf(
      GatewayUnavailableError,
    );
    expect(events[0]).toMatchObject({ type: 'certificates.refused', reason: 'untrustedSigner' });
  });
});

describe('v3 gateway on the simulator: faults', () => {
  it('retries SYSTEM_ERROR, 502 and a timeout with the same request; logs each with a Request-ID where WeChat gave one', async () => {
    const v3 = await startV3Sandbox({ hangMs: 2_000 });
    sb = v3;
    const failures: V3Failure[] = [];
    const gateway = v3.gatewayV3('publicKey', { retries: 3, timeoutMs: 300 }, { onFailure: (f) => failures.push(f) });
    const r = request(v3);
    const created = await gateway.createPrepay(r);
    if (created.kind !== 'created') throw new Error('no prepay');
    await v3.control('/faults', { fault: 'systemError', api: 'orderquery' });
    await v3.control('/faults', { fault: 'httpError', api: 'orderquery' });
    await v3.control('/faults', { fault: 'timeout', api: 'orderquery' });
    expect(await gateway.queryOrder(r.outTradeNo)).toEqual({ kind: 'notPaid', state: 'NOTPAY' });
    expect(failures).toMatchObject([
      { operation: 'orderquery', attempt: 0, willRetry: true, status: 500, code: 'SYSTEM_ERROR', requestId: expect.any(String) },
      { operation: 'orderquery', attempt: 1, willRetry: true, message: expect.stringContaining('HTTP 502') },
      { operation: 'orderquery', attempt: 2, willRetry: true, message: expect.stringContaining('timeout') },
    ]);
  });

  it('refuses a tampered 204 close and a tampered refusal, without acting on either', async () => {
    const v3 = await startV3Sandbox();
    sb = v3;
    const gateway = v3.gatewayV3('publicKey', { retries: 0 });
    const r = request(v3);
    await gateway.createPrepay(r);
    v3.clock.advance(5 * 60_000);
    await v3.control('/faults', { fault: 'badSignature', api: 'closeorder' });
    await expect(gateway.closeOrder(r.outTradeNo)).rejects.toThrow(/answer refused \(badSignature/);
    expect(await gateway.closeOrder(r.outTradeNo)).toBe('alreadyClosed'); // the tampered answer was a real close
    await v3.control('/faults', { fault: 'badSignature', api: 'unifiedorder' });
    await expect(gateway.createPrepay(r)).rejects.toBeInstanceOf(GatewayUnavailableError);
  });
});

describe('v2 → v3 on one simulator: orders opened on v2 are served by v3', () => {
  it('a v2 order is queried and refunded over v3, and its refund is notified in v3', async () => {
    const v3 = await startV3Sandbox({ refundSettleMs: 1 });
    sb = v3;
    const v2 = v3.gateway();
    const gateway = v3.gatewayV3('publicKey');
    const r = request(v3);
    const created = await v2.createPrepay(r);
    if (created.kind !== 'created') throw new Error('no prepay');
    expect(created.prepay.signType).toBe('MD5');
    await v3.control('/pay', { prepay_id: created.prepay.prepayId });
    const paid = await gateway.queryOrder(r.outTradeNo);
    expect(paid).toMatchObject({ kind: 'paid', amount: r.amount });
    await v3.waitFor(() => v3.received.some((got) => got.body.includes(r.outTradeNo) && got.body.startsWith('<xml>')));

    const refund = await gateway.refund({
      outTradeNo: r.outTradeNo,
      outRefundNo: `${r.outTradeNo}R1`,
      totalFee: r.amount,
      refundFee: r.amount,
    });
    expect(refund).toMatchObject({ kind: 'accepted', report: { outRefundNo: `${r.outTradeNo}R1`, status: 'PROCESSING' } });
    await v3.waitFor(() => v3.received.some((got) => got.path === '/refund-notify'));
    const notify = v3.received.find((got) => got.path === '/refund-notify');
    expect(notify?.headers['wechatpay-serial']).toBe(v3.identity.wechatpayPublicKey.id);
    const verdict = await v3.verifierV3('publicKey').refund({ body: notify?.body ?? '', headers: notify?.headers ?? {} });
    expect(verdict).toMatchObject({ ok: true, value: { outTradeNo: r.outTradeNo, status: 'SUCCESS', refundFee: r.amount } });
    expect(await v2.queryRefund(`${r.outTradeNo}R1`)).toMatchObject({ kind: 'found', report: { status: 'SUCCESS' } });
  });
});
