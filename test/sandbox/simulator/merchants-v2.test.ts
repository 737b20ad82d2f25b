import { afterEach, describe, expect, it } from 'vitest';
import { decryptRefundNotify } from '../../../src/adapters/wechatpay/v2/refund-notify.js';
import { verifyFields } from '../../../src/adapters/wechatpay/v2/sign.js';
import { parseWechatXml } from '../../../src/adapters/wechatpay/v2/xml.js';
import { createWechatPaySimulator, parseSimulatorSnapshot } from '../../../src/sandbox/simulator/router.js';
import { startV3Sandbox, type V3Sandbox } from '../../support/wechat-sandbox-v3.js';
import { SAMPLE } from '../../support/wechat-test-signer.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';
import { ACME, NORTH, STRANGER_SUB, multiMerchantOptions, nextNo, startMultiMerchant, v2 } from './merchants-harness.js';

/**
 * The v2 wire with several merchants at once: each mch_id verified with its own key, a provider (服务商) calling for
 * its sub-merchants (sub_mch_id, sub_appid, sub_openid), refused as WeChat refuses a sub-merchant it does not serve,
 * and out_trade_no unique per merchant and per sub-merchant.
 */
let sb: V3Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const [SUB1, SUB2] = ACME.subs;
const partner = (sub: { subMchId: string; subAppIds: readonly string[] }, fields: Record<string, string> = {}) => ({
  appid: ACME.spAppId,
  mch_id: ACME.spMchId,
  sub_appid: sub.subAppIds[0] as string,
  sub_mch_id: sub.subMchId,
  ...fields,
});

const order = (s: V3Sandbox, outTradeNo: string, extra: Record<string, string> = {}) => ({
  body: 'multi-merchant',
  out_trade_no: outTradeNo,
  total_fee: '100',
  spbill_create_ip: '127.0.0.1',
  notify_url: `${s.url}/notify`,
  trade_type: 'JSAPI',
  ...extra,
});

const primary = (fields: Record<string, string>) => ({ appid: SAMPLE.appId, mch_id: SAMPLE.mchId, ...fields });
const north = (fields: Record<string, string>, appid = NORTH.appIds[1] as string) => ({ appid, mch_id: NORTH.mchId, ...fields });

const payNotifies = (s: V3Sandbox) =>
  s.received.filter((r) => r.path === '/notify').map((r) => parseWechatXml(r.body, { maxBytes: 65_536 }));

describe('v2 partner mode (服务商)', () => {
  it('pays, notifies, queries, refunds and bills a sub-merchant’s order, every message signed with the provider’s key', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    const no = nextNo();
    const prepay = await v2(s, '/pay/unifiedorder', partner(SUB1, order(s, no, { sub_openid: 'oSubUser1' })), ACME.apiKey);
    expect(prepay).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: ACME.spMchId, sub_mch_id: SUB1.subMchId });
    expect(verifyFields(prepay, ACME.apiKey, 'MD5')).toBe(true);

    expect((await s.control('/pay', { prepay_id: prepay.prepay_id })).status).toBe(200);
    await s.waitFor(() => payNotifies(s).length === 1);
    const notify = payNotifies(s)[0] as Record<string, string>;
    expect(notify).toMatchObject({
      appid: ACME.spAppId,
      mch_id: ACME.spMchId,
      sub_appid: SUB1.subAppIds[0],
      sub_mch_id: SUB1.subMchId,
      sub_openid: 'oSubUser1',
      out_trade_no: no,
      result_code: 'SUCCESS',
    });
    expect(notify.openid).toMatch(/^o.{27}$/);
    expect(verifyFields(notify, ACME.apiKey, 'MD5')).toBe(true);
    expect(verifyFields(notify, SAMPLE.apiKey, 'MD5')).toBe(false);

    const query = await v2(s, '/pay/orderquery', partner(SUB1, { out_trade_no: no }), ACME.apiKey);
    expect(query).toMatchObject({ result_code: 'SUCCESS', trade_state: 'SUCCESS', sub_mch_id: SUB1.subMchId, sub_openid: 'oSubUser1' });
    // The other sub-merchant has no such order.
    expect(await v2(s, '/pay/orderquery', partner(SUB2, { out_trade_no: no }), ACME.apiKey)).toMatchObject({ err_code: 'ORDERNOTEXIST' });

    const refund = await v2(
      s,
      '/secapi/pay/refund',
      partner(SUB1, {
        out_trade_no: no,
        out_refund_no: `R${no}`,
        total_fee: '100',
        refund_fee: '40',
        notify_url: `${s.url}/refund-notify`,
      }),
      ACME.apiKey,
    );
    expect(refund).toMatchObject({ result_code: 'SUCCESS', refund_fee: '40', sub_mch_id: SUB1.subMchId });
    await s.waitFor(() => s.received.some((r) => r.path === '/refund-notify'));
    const refundNotify = s.received.find((r) => r.path === '/refund-notify')?.body as string;
    expect(parseWechatXml(refundNotify, { maxBytes: 65_536 })).toMatchObject({ mch_id: ACME.spMchId, sub_mch_id: SUB1.subMchId });
    const decrypted = decryptRefundNotify(refundNotify, { appId: ACME.spAppId, mchId: ACME.spMchId, apiKey: ACME.apiKey, signType: 'MD5' });
    expect(decrypted.ok).toBe(true);
    expect(decryptRefundNotify(refundNotify, { ...SAMPLE, signType: 'MD5' }).ok).toBe(false);

    const refundQuery = await v2(s, '/pay/refundquery', partner(SUB1, { out_refund_no: `R${no}` }), ACME.apiKey);
    expect(refundQuery).toMatchObject({ result_code: 'SUCCESS', refund_count: '1', refund_status_0: 'SUCCESS' });

    s.clock.advance(36 * 3_600_000);
    const day = formatDay(s.clock.now().getTime() - 36 * 3_600_000);
    const bill = await v2(s, '/pay/downloadbill', partner(SUB1, { bill_date: day, bill_type: 'ALL' }), ACME.apiKey);
    expect(bill.bill).toContain(`\`${SUB1.subMchId}`);
    expect(bill.bill).toContain(`\`${no}`);
    expect(bill.bill).toContain(`\`${ACME.spMchId}`);
    // The other sub-merchant's bill has nothing of it.
    expect(await v2(s, '/pay/downloadbill', partner(SUB2, { bill_date: day, bill_type: 'ALL' }), ACME.apiKey)).toMatchObject({
      return_code: 'FAIL',
      return_msg: 'No Bill Exist',
    });
  });

  it('closes a sub-merchant’s order under its sub_mch_id only', async () => {
    sb = await startMultiMerchant();
    const no = nextNo();
    await v2(sb, '/pay/unifiedorder', partner(SUB1, order(sb, no, { sub_openid: 'oSubUser1' })), ACME.apiKey);
    sb.clock.advance(6 * 60_000);
    expect(await v2(sb, '/pay/closeorder', partner(SUB2, { out_trade_no: no }), ACME.apiKey)).toMatchObject({ err_code: 'ORDERNOTEXIST' });
    expect(await v2(sb, '/pay/closeorder', partner(SUB1, { out_trade_no: no }), ACME.apiKey)).toMatchObject({ result_code: 'SUCCESS' });
  });

  it('refuses a sub_mch_id not bound to the provider, a provider naming none, and a direct merchant naming one', async () => {
    sb = await startMultiMerchant();
    const stranger = { subMchId: STRANGER_SUB, subAppIds: ['wx3900000000000001'] };
    for (const path of ['/pay/unifiedorder', '/pay/orderquery', '/pay/closeorder', '/secapi/pay/refund', '/pay/refundquery']) {
      const fields =
        path === '/pay/unifiedorder' ? order(sb, nextNo(), { sub_openid: 'oX' }) : { out_trade_no: nextNo(), out_refund_no: 'R1' };
      expect(await v2(sb, path, partner(stranger, fields), ACME.apiKey), path).toEqual({
        return_code: 'FAIL',
        return_msg: '商户号mch_id或sub_mch_id不存在',
      });
    }
    const withoutSub = { appid: ACME.spAppId, mch_id: ACME.spMchId, ...order(sb, nextNo(), { openid: 'oSp' }) };
    expect(await v2(sb, '/pay/unifiedorder', withoutSub, ACME.apiKey)).toEqual({
      return_code: 'FAIL',
      return_msg: '受理机构必须传入sub_mch_id',
    });
    const directWithSub = north(order(sb, nextNo(), { openid: 'oN', sub_mch_id: SUB1.subMchId }));
    expect(await v2(sb, '/pay/unifiedorder', directWithSub, NORTH.apiKey)).toEqual({
      return_code: 'FAIL',
      return_msg: '普通商户不允许传sub_mch_id',
    });
    // A sub_appid of the other sub-merchant.
    const crossed = partner(SUB1, order(sb, nextNo(), { sub_openid: 'oX', sub_appid: SUB2.subAppIds[0] as string }));
    expect(await v2(sb, '/pay/unifiedorder', crossed, ACME.apiKey)).toMatchObject({
      result_code: 'FAIL',
      err_code: 'PARAM_ERROR',
      err_code_des: 'sub_mch_id与sub_appid不匹配',
    });
    // Nothing was created by any of them.
    expect(sb.simulator.snapshot().orders).toEqual([]);
  });

  it('needs sub_appid with sub_openid, and a payer', async () => {
    sb = await startMultiMerchant();
    const noAppid = { appid: ACME.spAppId, mch_id: ACME.spMchId, sub_mch_id: SUB1.subMchId, ...order(sb, nextNo(), { sub_openid: 'oX' }) };
    expect(await v2(sb, '/pay/unifiedorder', noAppid, ACME.apiKey)).toMatchObject({
      err_code: 'LACK_PARAMS',
      err_code_des: '缺少参数sub_appid',
    });
    expect(await v2(sb, '/pay/unifiedorder', partner(SUB1, order(sb, nextNo())), ACME.apiKey)).toMatchObject({
      err_code: 'LACK_PARAMS',
      err_code_des: '缺少参数sub_openid',
    });
  });

  it('a provider’s bill without sub_mch_id covers all of its sub-merchants, and nobody else’s', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    const nos: string[] = [];
    for (const [fields, key] of [
      [partner(SUB1, order(s, nextNo(), { sub_openid: 'o1' })), ACME.apiKey],
      [partner(SUB2, order(s, nextNo(), { sub_openid: 'o2' })), ACME.apiKey],
      [north(order(s, nextNo(), { openid: 'oN' })), NORTH.apiKey],
    ] as const) {
      const prepay = await v2(s, '/pay/unifiedorder', fields, key);
      nos.push((fields as Record<string, string>).out_trade_no as string);
      await s.control('/pay', { prepay_id: prepay.prepay_id });
    }
    s.clock.advance(36 * 3_600_000);
    const day = formatDay(s.clock.now().getTime() - 36 * 3_600_000);
    const all = (await v2(s, '/pay/downloadbill', { appid: ACME.spAppId, mch_id: ACME.spMchId, bill_date: day }, ACME.apiKey)).bill;
    expect(all).toContain(nos[0]);
    expect(all).toContain(nos[1]);
    expect(all).not.toContain(nos[2]);
    const northBill = (await v2(s, '/pay/downloadbill', north({ bill_date: day }), NORTH.apiKey)).bill;
    expect(northBill).toContain(nos[2]);
    expect(northBill).not.toContain(nos[0]);
    expect(northBill).toContain(`\`${NORTH.appIds[1]}`);
  });
});

describe('several direct merchants', () => {
  it('a merchant’s key signs for that merchant only, and its appids are its own', async () => {
    sb = await startMultiMerchant();
    // NORTH's key, naming the simulator's own merchant: WeChat checks the sign with the named mch_id's key.
    expect(await v2(sb, '/pay/unifiedorder', primary(order(sb, nextNo(), { openid: 'o1' })), NORTH.apiKey)).toEqual({
      return_code: 'FAIL',
      return_msg: '签名错误',
    });
    // The provider's key cannot sign for its sub-merchant's neighbour either: NORTH is not the provider.
    expect(await v2(sb, '/pay/unifiedorder', partner(SUB1, order(sb, nextNo(), { sub_openid: 'o1' })), NORTH.apiKey)).toEqual({
      return_code: 'FAIL',
      return_msg: '签名错误',
    });
    // The right key with another merchant's appid.
    expect(await v2(sb, '/pay/unifiedorder', north(order(sb, nextNo(), { openid: 'o1' }), SAMPLE.appId), NORTH.apiKey)).toMatchObject({
      result_code: 'FAIL',
      err_code: 'APPID_MCHID_NOT_MATCH',
    });
    const ok = await v2(sb, '/pay/unifiedorder', north(order(sb, nextNo(), { openid: 'o1' })), NORTH.apiKey);
    expect(ok).toMatchObject({ result_code: 'SUCCESS', mch_id: NORTH.mchId, appid: NORTH.appIds[1] });
    expect(verifyFields(ok, NORTH.apiKey, 'MD5')).toBe(true);
  });

  it('the same out_trade_no at two merchants and two sub-merchants is four independent orders', async () => {
    sb = await startMultiMerchant();
    const s = sb;
    const no = nextNo();
    const prepays = [
      await v2(s, '/pay/unifiedorder', primary(order(s, no, { openid: 'oA', total_fee: '101' })), SAMPLE.apiKey),
      await v2(s, '/pay/unifiedorder', north(order(s, no, { openid: 'oB', total_fee: '102' })), NORTH.apiKey),
      await v2(s, '/pay/unifiedorder', partner(SUB1, order(s, no, { sub_openid: 'oC', total_fee: '103' })), ACME.apiKey),
      await v2(s, '/pay/unifiedorder', partner(SUB2, order(s, no, { sub_openid: 'oD', total_fee: '104' })), ACME.apiKey),
    ];
    for (const p of prepays) expect(p).toMatchObject({ result_code: 'SUCCESS' });
    expect(new Set(prepays.map((p) => p.prepay_id)).size).toBe(4);

    await s.control('/pay', { prepay_id: prepays[1]?.prepay_id });
    await s.waitFor(() => payNotifies(s).length === 1);
    expect(payNotifies(s)[0]).toMatchObject({ mch_id: NORTH.mchId, total_fee: '102', openid: 'oB' });
    // GET /control/notifies names whose delivery it is when the number exists at several merchants.
    expect(s.simulator.deliveries()[0]).toMatchObject({ subject: no, mchId: NORTH.mchId });
    expect(s.simulator.deliveries()[0]).not.toHaveProperty('subMchId');
    expect(verifyFields(payNotifies(s)[0] as Record<string, string>, NORTH.apiKey, 'MD5')).toBe(true);

    expect(await v2(s, '/pay/orderquery', primary({ out_trade_no: no }), SAMPLE.apiKey)).toMatchObject({ trade_state: 'NOTPAY' });
    expect(await v2(s, '/pay/orderquery', north({ out_trade_no: no }), NORTH.apiKey)).toMatchObject({
      trade_state: 'SUCCESS',
      total_fee: '102',
    });
    expect(await v2(s, '/pay/orderquery', partner(SUB1, { out_trade_no: no }), ACME.apiKey)).toMatchObject({ trade_state: 'NOTPAY' });
    // A transaction_id of NORTH's order finds nothing at the simulator's own merchant.
    const paid = await v2(s, '/pay/orderquery', north({ out_trade_no: no }), NORTH.apiKey);
    expect(await v2(s, '/pay/orderquery', primary({ transaction_id: paid.transaction_id as string }), SAMPLE.apiKey)).toMatchObject({
      err_code: 'ORDERNOTEXIST',
    });
    // The control API names another merchant's order with ?mch_id (and &sub_mch_id).
    expect((await s.control(`/orders/${no}`, undefined, 'GET')).json).toMatchObject({ total_fee: 101 });
    expect((await s.control(`/orders/${no}?mch_id=${NORTH.mchId}`, undefined, 'GET')).json).toMatchObject({ total_fee: 102 });
    expect((await s.control(`/orders/${no}?mch_id=${ACME.spMchId}&sub_mch_id=${SUB2.subMchId}`, undefined, 'GET')).json).toMatchObject({
      total_fee: 104,
      sub_mch_id: SUB2.subMchId,
    });
  });

  it('code2Session answers every configured mini-program with its own AppSecret', async () => {
    sb = await startMultiMerchant({ miniPrograms: [{ appId: NORTH.appIds[0] as string, appSecret: 'north-secret' }] });
    const login = async (appid: string, secret: string) => {
      const { code } = (await sb!.control('/code', { openid: 'oLogin' })).json as { code: string };
      const url = `${sb!.url}/sandbox/wxpay/sns/jscode2session?appid=${appid}&secret=${secret}&js_code=${code}&grant_type=authorization_code`;
      return (await (await fetch(url)).json()) as Record<string, unknown>;
    };
    expect(await login(NORTH.appIds[0] as string, 'north-secret')).toMatchObject({ openid: 'oLogin' });
    expect(await login(NORTH.appIds[0] as string, sb.simulator.credentials.appSecret)).toMatchObject({ errcode: 40125 });
    expect(await login(SAMPLE.appId, sb.simulator.credentials.appSecret)).toMatchObject({ openid: 'oLogin' });
    expect(await login(NORTH.appIds[1] as string, 'north-secret')).toMatchObject({ errcode: 40013 });
  });

  it('a snapshot keeps every merchant’s orders apart, and a single-merchant snapshot keeps its old shape', async () => {
    sb = await startMultiMerchant();
    const no = nextNo();
    await v2(sb, '/pay/unifiedorder', primary(order(sb, no, { openid: 'oA' })), SAMPLE.apiKey);
    await v2(sb, '/pay/unifiedorder', partner(SUB1, order(sb, no, { sub_openid: 'oC' })), ACME.apiKey);
    const snapshot = parseSimulatorSnapshot(JSON.parse(JSON.stringify(sb.simulator.snapshot())));
    expect(snapshot.orders.map((o) => [o.mchId, o.subMchId])).toEqual([
      [undefined, undefined],
      [ACME.spMchId, SUB1.subMchId],
    ]);
    const again = createWechatPaySimulator({ clock: new ManualClock(), ...multiMerchantOptions() });
    try {
      expect(again.restore(snapshot)).toBe(2);
      expect(again.snapshot().orders).toEqual(snapshot.orders);
    } finally {
      again.close();
    }
    expect(() => parseSimulatorSnapshot({ ...snapshot, orders: [snapshot.orders[1], snapshot.orders[1]] })).toThrow(/appears twice/);
    expect(Object.keys(snapshot.orders[0] as object)).not.toContain('mchId');
  });
});

describe('a merchant removed from the options', () => {
  it('keeps its restored orders, but nothing is signed for it with another merchant’s keys', async () => {
    sb = await startMultiMerchant();
    const prepay = await v2(sb, '/pay/unifiedorder', north(order(sb, nextNo(), { openid: 'oB' })), NORTH.apiKey);
    const snapshot = sb.simulator.snapshot();
    await sb.close();
    const events: string[] = [];
    sb = await startV3Sandbox({ logger: (event) => void events.push(event.type) });
    expect(sb.simulator.restore(snapshot)).toBe(1);
    expect((await sb.control('/pay', { prepay_id: prepay.prepay_id })).status).toBe(200);
    expect(events).toContain('notify.skipped');
    expect(sb.simulator.deliveries()).toEqual([]);
  });
});

function formatDay(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
