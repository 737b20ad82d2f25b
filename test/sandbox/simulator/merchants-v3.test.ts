import { afterEach, describe, expect, it } from 'vitest';
import { decryptResource } from '../../../src/adapters/wechatpay/v3/aead-aes-256-gcm.js';
import type { V3Sandbox } from '../../support/wechat-sandbox-v3.js';
import { SAMPLE } from '../../support/wechat-test-signer.js';
import {
  ACME,
  NORTH,
  STRANGER_SUB,
  acmeIdentity,
  headersOf,
  nextNo,
  northIdentity,
  primaryIdentity,
  signedBy,
  startMultiMerchant,
  v3,
} from './merchants-harness.js';

/**
 * API v3 with several merchants at once: each mch_id authenticated with its own certificate and answered, notified
 * and sealed with its own WeChat Pay keys; the partner (服务商) paths of wechatpay-go's partnerpayments; refunds,
 * refund queries and trade bills with sub_mchid; out_trade_no unique per merchant and sub-merchant.
 */
let sb: V3Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const [SUB1, SUB2] = ACME.subs;
const acme = () => ({ mchId: ACME.spMchId, serialNo: acmeIdentity().serialNo, key: acmeIdentity().key });
const northSigner = () => ({ mchId: NORTH.mchId, serialNo: northIdentity().serialNo, key: northIdentity().key });

const partnerPrepay = (s: V3Sandbox, sub: (typeof ACME.subs)[number], overrides: Record<string, unknown> = {}) => ({
  sp_appid: ACME.spAppId,
  sp_mchid: ACME.spMchId,
  sub_appid: sub.subAppIds[0],
  sub_mchid: sub.subMchId,
  description: 'partner',
  out_trade_no: nextNo(),
  notify_url: `${s.url}/notify`,
  amount: { total: 100, currency: 'CNY' },
  payer: { sub_openid: 'oSubUser1' },
  ...overrides,
});

const directPrepay = (s: V3Sandbox, appid: string, mchid: string, overrides: Record<string, unknown> = {}) => ({
  appid,
  mchid,
  description: 'direct',
  out_trade_no: nextNo(),
  notify_url: `${s.url}/notify`,
  amount: { total: 100, currency: 'CNY' },
  payer: { openid: 'oDirect' },
  ...overrides,
});

const v3Notifies = (s: V3Sandbox, path: string) => s.received.filter((r) => r.path === path && r.headers['wechatpay-signature']);

describe('v3 partner mode (服务商)', () => {
  it('prepays, pays, notifies, queries, refunds and bills for a sub-merchant, sealed and signed with the provider’s keys', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    const body = partnerPrepay(s, SUB1);
    const no = body.out_trade_no;
    const prepay = await v3(s, acme(), 'POST', '/v3/pay/partner/transactions/jsapi', body);
    expect(prepay.status).toBe(200);
    expect(signedBy(prepay.headers, prepay.text, acmeIdentity().platformPublicKey)).toBe(true);
    expect(signedBy(prepay.headers, prepay.text, s.identity.platformCertificate.publicKey)).toBe(false);

    expect((await s.control('/pay', { prepay_id: prepay.json.prepay_id })).status).toBe(200);
    await s.waitFor(() => v3Notifies(s, '/notify').length === 1);
    const got = v3Notifies(s, '/notify')[0];
    if (!got) throw new Error('no notify');
    expect(got.headers['wechatpay-serial']).toBe(acmeIdentity().wechatpayPublicKeyId);
    expect(signedBy(headersOf(got), got.body, acmeIdentity().wechatpayPublicKey)).toBe(true);
    const envelope = JSON.parse(got.body) as { event_type: string; resource: unknown };
    expect(envelope.event_type).toBe('TRANSACTION.SUCCESS');
    expect(decryptResource(envelope.resource, s.identity.apiV3Key)).toBeUndefined();
    const resource = JSON.parse(decryptResource(envelope.resource, acmeIdentity().apiV3Key) as string) as Record<string, unknown>;
    expect(resource).toMatchObject({
      sp_appid: ACME.spAppId,
      sp_mchid: ACME.spMchId,
      sub_appid: SUB1.subAppIds[0],
      sub_mchid: SUB1.subMchId,
      out_trade_no: no,
      trade_state: 'SUCCESS',
      payer: { sub_openid: 'oSubUser1', sp_openid: expect.stringMatching(/^o/) },
      amount: { total: 100 },
    });
    expect(resource).not.toHaveProperty('mchid');

    const query = await v3(
      s,
      acme(),
      'GET',
      `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${ACME.spMchId}&sub_mchid=${SUB1.subMchId}`,
    );
    expect(query).toMatchObject({ status: 200, json: { sub_mchid: SUB1.subMchId, trade_state: 'SUCCESS' } });
    const byId = await v3(
      s,
      acme(),
      'GET',
      `/v3/pay/partner/transactions/id/${String(resource.transaction_id)}?sp_mchid=${ACME.spMchId}&sub_mchid=${SUB1.subMchId}`,
    );
    expect(byId).toMatchObject({ status: 200, json: { out_trade_no: no } });
    // The other sub-merchant has no such order.
    expect(
      await v3(s, acme(), 'GET', `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${ACME.spMchId}&sub_mchid=${SUB2.subMchId}`),
    ).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_EXIST' } });

    const refund = await v3(s, acme(), 'POST', '/v3/refund/domestic/refunds', {
      sub_mchid: SUB1.subMchId,
      out_trade_no: no,
      out_refund_no: `R${no}`,
      notify_url: `${s.url}/refund-notify`,
      amount: { refund: 30, total: 100, currency: 'CNY' },
    });
    expect(refund).toMatchObject({ status: 200, json: { out_refund_no: `R${no}`, amount: { refund: 30 } } });
    await s.waitFor(() => v3Notifies(s, '/refund-notify').length === 1);
    const refundNotify = v3Notifies(s, '/refund-notify')[0];
    if (!refundNotify) throw new Error('no refund notify');
    expect(signedBy(headersOf(refundNotify), refundNotify.body, acmeIdentity().wechatpayPublicKey)).toBe(true);
    const refundResource = JSON.parse(
      decryptResource((JSON.parse(refundNotify.body) as { resource: unknown }).resource, acmeIdentity().apiV3Key) as string,
    ) as Record<string, unknown>;
    expect(refundResource).toMatchObject({
      sp_mchid: ACME.spMchId,
      sub_mchid: SUB1.subMchId,
      out_refund_no: `R${no}`,
      refund_status: 'SUCCESS',
    });

    expect(await v3(s, acme(), 'GET', `/v3/refund/domestic/refunds/R${no}?sub_mchid=${SUB1.subMchId}`)).toMatchObject({
      status: 200,
      json: { out_trade_no: no, status: 'SUCCESS' },
    });
    expect(await v3(s, acme(), 'GET', `/v3/refund/domestic/refunds/R${no}?sub_mchid=${SUB2.subMchId}`)).toMatchObject({ status: 404 });

    s.clock.advance(36 * 3_600_000);
    const day = new Date(s.clock.now().getTime() - 36 * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const bill = await v3(s, acme(), 'GET', `/v3/bill/tradebill?bill_date=${day}&sub_mchid=${SUB1.subMchId}`);
    expect(bill.status).toBe(200);
    const file = await v3(
      s,
      acme(),
      'GET',
      new URL(String(bill.json.download_url)).pathname.replace('/sandbox/wxpay', '') + new URL(String(bill.json.download_url)).search,
    );
    expect(file.text).toContain(`\`${no}`);
    expect(file.text).toContain(`\`${SUB1.subMchId}`);
    expect(await v3(s, acme(), 'GET', `/v3/bill/tradebill?bill_date=${day}&sub_mchid=${SUB2.subMchId}`)).toMatchObject({
      status: 400,
      json: { code: 'NO_STATEMENT_EXIST' },
    });
  });

  it('closes under sp_mchid and sub_mchid', async () => {
    sb = await startMultiMerchant();
    const body = partnerPrepay(sb, SUB2);
    expect((await v3(sb, acme(), 'POST', '/v3/pay/partner/transactions/jsapi', body)).status).toBe(200);
    const path = `/v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}/close`;
    expect(await v3(sb, acme(), 'POST', path, { sp_mchid: ACME.spMchId, sub_mchid: SUB1.subMchId })).toMatchObject({ status: 404 });
    expect((await v3(sb, acme(), 'POST', path, { sp_mchid: ACME.spMchId, sub_mchid: SUB2.subMchId })).status).toBe(204);
    const after = `/v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}?sp_mchid=${ACME.spMchId}&sub_mchid=${SUB2.subMchId}`;
    expect(await v3(sb, acme(), 'GET', after)).toMatchObject({ json: { trade_state: 'CLOSED' } });
  });

  it('refuses a sub_mchid not bound to the provider, a provider naming none, a direct merchant naming one', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    const stranger = { subMchId: STRANGER_SUB, subAppIds: ['wx3900000000000001'] } as unknown as (typeof ACME.subs)[number];
    const noAuth = { status: 403, json: { code: 'NO_AUTH', message: '受理关系不存在' } };
    expect(await v3(s, acme(), 'POST', '/v3/pay/partner/transactions/jsapi', partnerPrepay(s, stranger))).toMatchObject(noAuth);
    expect(
      await v3(
        s,
        acme(),
        'GET',
        `/v3/pay/partner/transactions/out-trade-no/${nextNo()}?sp_mchid=${ACME.spMchId}&sub_mchid=${STRANGER_SUB}`,
      ),
    ).toMatchObject(noAuth);
    const refund = {
      sub_mchid: STRANGER_SUB,
      out_trade_no: nextNo(),
      out_refund_no: 'R1',
      amount: { refund: 1, total: 1, currency: 'CNY' },
    };
    expect(await v3(s, acme(), 'POST', '/v3/refund/domestic/refunds', refund)).toMatchObject(noAuth);
    expect(await v3(s, acme(), 'GET', `/v3/bill/tradebill?bill_date=2026-01-01&sub_mchid=${STRANGER_SUB}`)).toMatchObject(noAuth);

    const needsSub = { status: 400, json: { code: 'PARAM_ERROR', message: '受理机构必须传入sub_mch_id' } };
    expect(await v3(s, acme(), 'POST', '/v3/pay/transactions/jsapi', directPrepay(s, ACME.spAppId, ACME.spMchId))).toMatchObject(needsSub);
    expect(await v3(s, acme(), 'POST', '/v3/refund/domestic/refunds', { ...refund, sub_mchid: undefined })).toMatchObject(needsSub);

    const direct = { status: 400, json: { code: 'PARAM_ERROR', message: '普通商户不允许传sub_mch_id' } };
    expect(await v3(s, northSigner(), 'POST', '/v3/refund/domestic/refunds', { ...refund, sub_mchid: SUB1.subMchId })).toMatchObject(
      direct,
    );

    // A sub_appid of the other sub-merchant, and a payer named by sub_openid without sub_appid.
    expect(
      await v3(s, acme(), 'POST', '/v3/pay/partner/transactions/jsapi', partnerPrepay(s, SUB1, { sub_appid: SUB2.subAppIds[0] })),
    ).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR', message: 'sub_mch_id与sub_appid不匹配' } });
    expect(
      await v3(s, acme(), 'POST', '/v3/pay/partner/transactions/jsapi', partnerPrepay(s, SUB1, { sub_appid: undefined })),
    ).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR', detail: { field: '/sub_appid' } } });
    expect(s.simulator.snapshot().orders).toEqual([]);
  });
});

describe('several v3 merchants', () => {
  it('a merchant’s certificate signs for that merchant only', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    // NORTH's key and serial, naming the simulator's own merchant in the Authorization.
    const forged = { ...northSigner(), mchId: SAMPLE.mchId };
    expect(await v3(s, forged, 'POST', '/v3/pay/transactions/jsapi', directPrepay(s, SAMPLE.appId, SAMPLE.mchId))).toMatchObject({
      status: 401,
      json: { code: 'SIGN_ERROR' },
    });
    // The primary's serial with NORTH's key: the signature does not verify.
    const wrongKey = { ...primaryIdentity(s), key: northIdentity().key };
    expect((await v3(s, wrongKey, 'POST', '/v3/pay/transactions/jsapi', directPrepay(s, SAMPLE.appId, SAMPLE.mchId))).status).toBe(401);
    // NORTH authenticated, naming another merchant in the body.
    expect(await v3(s, northSigner(), 'POST', '/v3/pay/transactions/jsapi', directPrepay(s, SAMPLE.appId, SAMPLE.mchId))).toMatchObject({
      status: 400,
      json: { code: 'MCH_NOT_EXISTS' },
    });
    expect(await v3(s, northSigner(), 'POST', '/v3/pay/transactions/jsapi', directPrepay(s, SAMPLE.appId, NORTH.mchId))).toMatchObject({
      status: 400,
      json: { code: 'APPID_MCHID_NOT_MATCH' },
    });
    const ok = await v3(s, northSigner(), 'POST', '/v3/pay/transactions/jsapi', directPrepay(s, NORTH.appIds[1] as string, NORTH.mchId));
    expect(ok.status).toBe(200);
    expect(signedBy(ok.headers, ok.text, northIdentity().platformPublicKey)).toBe(true);
  });

  it('the same out_trade_no at three merchants is three orders, each notified with its own keys', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    const no = nextNo();
    const a = await v3(
      s,
      primaryIdentity(s),
      'POST',
      '/v3/pay/transactions/jsapi',
      directPrepay(s, SAMPLE.appId, SAMPLE.mchId, { out_trade_no: no }),
    );
    const b = await v3(
      s,
      northSigner(),
      'POST',
      '/v3/pay/transactions/jsapi',
      directPrepay(s, NORTH.appIds[0] as string, NORTH.mchId, { out_trade_no: no, amount: { total: 200, currency: 'CNY' } }),
    );
    const c = await v3(s, acme(), 'POST', '/v3/pay/partner/transactions/jsapi', partnerPrepay(s, SUB1, { out_trade_no: no }));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(new Set([a.json.prepay_id, b.json.prepay_id, c.json.prepay_id]).size).toBe(3);

    await s.control('/pay', { prepay_id: b.json.prepay_id });
    await s.waitFor(() => v3Notifies(s, '/notify').length === 1);
    const got = v3Notifies(s, '/notify')[0];
    if (!got) throw new Error('no notify');
    expect(signedBy(headersOf(got), got.body, northIdentity().wechatpayPublicKey)).toBe(true);
    const resource = JSON.parse(
      decryptResource((JSON.parse(got.body) as { resource: unknown }).resource, northIdentity().apiV3Key) as string,
    );
    expect(resource).toMatchObject({ mchid: NORTH.mchId, appid: NORTH.appIds[0], amount: { total: 200 } });

    const stateOf = async (signer: Parameters<typeof v3>[1], path: string) => (await v3(s, signer, 'GET', path)).json.trade_state;
    expect(await stateOf(primaryIdentity(s), `/v3/pay/transactions/out-trade-no/${no}?mchid=${SAMPLE.mchId}`)).toBe('NOTPAY');
    expect(await stateOf(northSigner(), `/v3/pay/transactions/out-trade-no/${no}?mchid=${NORTH.mchId}`)).toBe('SUCCESS');
    expect(
      await stateOf(acme(), `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${ACME.spMchId}&sub_mchid=${SUB1.subMchId}`),
    ).toBe('NOTPAY');
  });

  it('/control/keys keeps the single merchant’s shape and lists the others by mch_id', async () => {
    sb = await startMultiMerchant();
    const keys = (await sb.control('/keys', undefined, 'GET')).json;
    expect(keys).toMatchObject({ appid: SAMPLE.appId, mchid: SAMPLE.mchId, api_v3_key: sb.identity.apiV3Key });
    expect(keys.merchants).toMatchObject({
      [NORTH.mchId]: { mchid: NORTH.mchId, appids: NORTH.appIds, api_v3_key: northIdentity().apiV3Key },
    });
    expect(keys.providers).toMatchObject({
      [ACME.spMchId]: {
        sp_mchid: ACME.spMchId,
        sp_appid: ACME.spAppId,
        api_v3_key: acmeIdentity().apiV3Key,
        wechatpay_public_key: { id: acmeIdentity().wechatpayPublicKeyId },
        sub_merchants: ACME.subs.map((sub) => ({ sub_mchid: sub.subMchId, sub_appids: sub.subAppIds })),
      },
    });
    expect(JSON.stringify(keys)).not.toContain('PRIVATE KEY');
    // /v3/certificates answers each merchant with its own platform certificates, sealed under its own APIv3 key.
    const certificates = await v3(sb, acme(), 'GET', '/v3/certificates');
    const data = certificates.json.data as { serial_no: string; encrypt_certificate: unknown }[];
    expect(data.map((c) => c.serial_no)).toEqual([
      (keys.providers as Record<string, { platform_certificates: { serial_no: string }[] }>)[ACME.spMchId]?.platform_certificates[0]
        ?.serial_no,
    ]);
    expect(decryptResource(data[0]?.encrypt_certificate, acmeIdentity().apiV3Key)).toContain('BEGIN CERTIFICATE');
  });
});
