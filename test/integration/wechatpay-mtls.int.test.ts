import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signFields } from '../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml } from '../../src/adapters/wechatpay/v2/xml.js';
import { Money } from '../../src/domain/money.js';
import { describeIfAvailable, opensslUnavailable } from '../support/integration.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';
import { SAMPLE } from '../support/wechat-test-signer.js';

const describeWithOpenssl = describeIfAvailable('openssl', opensslUnavailable());

/**
 * Refunds go to /secapi over mutual TLS with the merchant certificate (digest §8.1). A private CA signs a server
 * certificate for 127.0.0.1 and a client certificate (CN = mch_id, PKCS#12 password = mch_id as WeChat issues it);
 * the simulator is served over https as well and told to refuse /secapi calls without a verified client cert.
 */
describeWithOpenssl('refund over mutual TLS', () => {
  let dir: string;
  let sb: Sandbox;
  let server: https.Server;
  let httpsUrl: string;
  const pem = (name: string): Buffer => readFileSync(join(dir, name));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxpay-mtls-'));
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Test CA', '-days', '2');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    );
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=10000100');
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2');
    ssl('pkcs12', '-export', '-out', 'client.p12', '-inkey', 'client.key', '-in', 'client.crt', '-passout', 'pass:10000100');

    sb = await startSandbox({ requireClientCertForSecapi: true });
    const app = express();
    app.use('/sandbox/wxpay', sb.simulator.router);
    // rejectUnauthorized false on the server side only so that a certificate-less call reaches the simulator and
    // gets WeChat-style refusal; the client side always verifies.
    server = https.createServer(
      { key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: false },
      app,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    httpsUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/wxpay`;
  }, 30_000);

  afterAll(async () => {
    await sb?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function paidOrder(no: string): Promise<void> {
    const created = await sb.gateway().createPrepay({
      outTradeNo: no,
      description: 't',
      amount: Money.ofFen(300),
      openid: 'o1',
      clientIp: '127.0.0.1',
      payableUntil: new Date(Date.UTC(2026, 0, 22)),
    });
    if (created.kind !== 'created') throw new Error('prepay refused');
    await sb.control('/pay', { prepay_id: created.prepay.prepayId });
  }
  const refundOf = (no: string, outRefundNo: string) => ({
    outTradeNo: no,
    outRefundNo,
    totalFee: Money.ofFen(300),
    refundFee: Money.ofFen(100),
  });

  it.each([
    ['a PEM pair', () => ({ cert: pem('client.crt'), key: pem('client.key'), ca: pem('ca.crt') })],
    ['PKCS#12 (password = mch_id)', () => ({ pfx: pem('client.p12'), passphrase: '10000100', ca: pem('ca.crt') })],
  ])('is accepted with %s', async (_name, tls) => {
    const no = `202601151200000002${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
    await paidOrder(no);
    const gateway = sb.gateway({ baseUrl: httpsUrl, tls: tls() });
    expect(await gateway.refund(refundOf(no, `R${no}`))).toMatchObject({ kind: 'accepted' });
  });

  it('without a client certificate the simulator refuses like WeChat', async () => {
    const no = '2026011512000000029999999991';
    await paidOrder(no);
    const fields = {
      appid: SAMPLE.appId,
      mch_id: SAMPLE.mchId,
      nonce_str: 'n',
      out_trade_no: no,
      out_refund_no: 'R-nocert',
      total_fee: '300',
      refund_fee: '100',
    };
    const body = buildWechatXml({ ...fields, sign: signFields(fields, SAMPLE.apiKey, 'MD5') });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(`${httpsUrl}/secapi/pay/refund`, { method: 'POST', ca: pem('ca.crt') }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    // As WeChat's front end does: HTTP 400 before any XML is read.
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('No required SSL certificate was sent');
  });

  it('serves the fund-flow bill (downloadfundflow) over the merchant certificate only, signed HMAC-SHA256 for an MD5 merchant', async () => {
    const no = '2026011512000000029999999993';
    await paidOrder(no);
    sb.clock.advance(24 * 3_600_000); // the day's bills exist from 10:00 the next morning
    const day = '20260115';
    const withCert = sb.gateway({
      baseUrl: httpsUrl,
      signType: 'MD5',
      tls: { cert: pem('client.crt'), key: pem('client.key'), ca: pem('ca.crt') },
    });
    const bill = await withCert.fundFlowBill(day);
    expect(bill?.lines).toContainEqual(expect.objectContaining({ kind: 'payment', voucherNo: no, amount: Money.ofFen(300) }));
    expect(bill?.discrepancies).toEqual([]);
    // Trusting the server but presenting no certificate of our own (the type wants one: this is the mistake it prevents).
    const withoutCert = sb.gateway({ baseUrl: httpsUrl, tls: { ca: pem('ca.crt') } as never, retries: 0 });
    await expect(withoutCert.fundFlowBill(day)).rejects.toThrow(/client certificate/);
  });

  it('server certificates are verified: without trusting the CA the call fails, it is never downgraded', async () => {
    const no = '2026011512000000029999999992';
    await paidOrder(no);
    const gateway = sb.gateway({ baseUrl: httpsUrl, tls: { cert: pem('client.crt'), key: pem('client.key') }, retries: 0 });
    await expect(gateway.refund(refundOf(no, 'R-untrusted'))).rejects.toThrow(/certificate/i);
  });
});
