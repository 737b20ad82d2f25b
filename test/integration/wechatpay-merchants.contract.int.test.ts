import { describe, expect, it } from 'vitest';
import type { SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { Money } from '../../src/domain/money.js';
import { paymentGatewayContract, type GatewayWorld } from '../contracts/payment-gateway.contract.js';
import { NORTH, startPartnerSandbox, SOUTH, WEST, type PartnerSandbox } from '../support/partner-sandbox.js';
import type { TrustMode } from '../support/wechat-sandbox-v3.js';

/** The contract's world around a partner gateway: the simulator's control API names the sub-merchant's orders. */
function worldOf(
  partner: PartnerSandbox,
  gateway: GatewayWorld['gateway'],
  closeNotBeforeMs: number,
  merchant: 'south' | 'north' = 'south',
): GatewayWorld {
  const { sb } = partner;
  const control = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const { status, json } = await sb.control(path, body);
    if (status >= 300) throw new Error(`control ${path}: ${status} ${JSON.stringify(json)}`);
    return json;
  };
  const scope = merchant === 'south' ? partner.scope() : `?mch_id=${NORTH.mchId}`;
  return {
    gateway,
    pay: async (prepay) => void (await control('/pay', { prepay_id: prepay.prepayId })),
    setTradeState: async (no, state) => void (await control(`/orders/${no}/trade-state${scope}`, { trade_state: state })),
    settleRefund: async (no, status) => void (await control(`/refunds/${no}/settle${scope}`, { refund_status: status })),
    closeNotBeforeMs,
    // The sub-merchant's account is not the provider's: partner gateways fetch no fund-flow bill (see their fundFlowBill).
    ...(merchant === 'south' ? { billsFundFlow: false, otherAppId: SOUTH.subAppIds[1] } : { otherAppId: NORTH.appIds[1] }),
    advance: (ms) => sb.clock.advance(ms),
    now: () => sb.clock.now(),
    close: () => partner.close(),
  };
}

/** The v2 gateway in 服务商 mode (the provider's appid, mch_id and key, sub_mch_id SOUTH) on the simulator. */
for (const signType of ['MD5', 'HMAC-SHA256'] as const satisfies readonly SignType[]) {
  paymentGatewayContract(`WeChat Pay v2 partner (${signType}) on the simulator`, async () => {
    const partner = await startPartnerSandbox({ signType, refundSettleMs: 3_600_000_000 });
    return worldOf(partner, partner.gatewayV2(), 5 * 60_000);
  });
}

/** The v3 gateway in 服务商 mode (/v3/pay/partner/transactions, sp_mchid + sub_mchid) on the simulator, both trust modes. */
for (const mode of ['publicKey', 'platformCertificate'] as const satisfies readonly TrustMode[]) {
  paymentGatewayContract(`WeChat Pay v3 partner (${mode}) on the simulator`, async () => {
    const partner = await startPartnerSandbox({ refundSettleMs: 3_600_000_000, signWith: mode });
    return worldOf(partner, partner.gatewayV3(mode), 0);
  });
}

/**
 * A direct merchant of two mini-programs beside them (NORTH, a further merchant of the simulator): its gateways, with
 * PrepayRequest.appId naming the second one, under the same contract.
 */
paymentGatewayContract('WeChat Pay v2 direct, two mini-programs, on the simulator', async () => {
  const partner = await startPartnerSandbox({ refundSettleMs: 3_600_000_000, signType: 'HMAC-SHA256' });
  return worldOf(partner, partner.northV2(), 5 * 60_000, 'north');
});
paymentGatewayContract('WeChat Pay v3 direct, two mini-programs, on the simulator', async () => {
  const partner = await startPartnerSandbox({ refundSettleMs: 3_600_000_000 });
  return worldOf(partner, partner.northV3('publicKey'), 0, 'north');
});

describe('partner callbacks from the simulator', () => {
  const prepayRequest = (no: string, appId?: string) => ({
    outTradeNo: no,
    description: '南区店-课程',
    amount: Money.ofFen(9900),
    openid: 'oSubOpenid_of_the_mini_program',
    clientIp: '203.0.113.7',
    payableUntil: new Date(Date.now() + 3_600_000),
    ...(appId ? { appId } : {}),
  });

  for (const api of ['v2', 'v3'] as const) {
    it(`${api}: the payment notify of a sub-merchant's order verifies as that sub-merchant and its mini-program, and so does its refund's; no sibling's verifier takes either`, async () => {
      const partner = await startPartnerSandbox({ refundSettleMs: 3_600_000_000 });
      try {
        const gateway = api === 'v2' ? partner.gatewayV2() : partner.gatewayV3('publicKey');
        const no = `20260115120000000300${api === 'v2' ? '1' : '2'}${String(process.pid % 10_000_000).padStart(7, '0')}`;
        const created = await gateway.createPrepay(prepayRequest(no, SOUTH.subAppIds[1]));
        if (created.kind !== 'created') throw new Error(JSON.stringify(created));
        await partner.sb.control('/pay', { prepay_id: created.prepay.prepayId });
        await partner.sb.waitFor(() => partner.verdicts.length > 0);
        const [{ verdict, dialect }] = partner.verdicts as [PartnerSandbox['verdicts'][number]];
        expect(dialect).toBe(api);
        expect(verdict).toMatchObject({
          ok: true,
          value: { appId: SOUTH.subAppIds[1], mchId: '1900000100', subMchId: SOUTH.subMchId, outTradeNo: no, succeeded: true },
        });
        const received = partner.sb.received[0];
        if (!received) throw new Error('no callback received');
        const callback = { body: received.body, headers: received.headers };
        const sibling = api === 'v2' ? partner.verifierV2(WEST) : partner.verifierV3('both', WEST);
        expect(await sibling.payment(callback)).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });

        // The refund's notify, encrypted with the provider's key (v2 ECB, v3 AEAD), is this sub-merchant's alone too.
        const refund = { outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(100) };
        expect(await gateway.refund(refund)).toMatchObject({ kind: 'accepted' });
        const settled = await partner.sb.control(`/refunds/${no}R1/settle${partner.scope()}`, { refund_status: 'SUCCESS' });
        expect(settled.status).toBe(200);
        await partner.sb.waitFor(() => partner.verdicts.some((v) => v.path === '/refund-notify'));
        const refunded = partner.verdicts.find((v) => v.path === '/refund-notify');
        expect(refunded?.verdict).toMatchObject({
          ok: true,
          value: { mchId: '1900000100', subMchId: SOUTH.subMchId, outRefundNo: `${no}R1`, status: 'SUCCESS' },
        });
        const refundCallback = partner.sb.received.find((r) => r.path === '/refund-notify');
        if (!refundCallback) throw new Error('no refund callback received');
        expect(await sibling.refund({ body: refundCallback.body, headers: refundCallback.headers })).toMatchObject({
          ok: false,
          error: { reason: 'foreignMerchant' },
        });
      } finally {
        await partner.close();
      }
    });
  }
});
