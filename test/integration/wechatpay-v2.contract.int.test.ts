import type { SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { paymentGatewayContract } from '../contracts/payment-gateway.contract.js';
import { startSandbox } from '../support/wechat-sandbox.js';

/** The v2 gateway talking XML over HTTP to the project's simulator, which settles refunds only when told to. */
for (const signType of ['MD5', 'HMAC-SHA256'] as const satisfies readonly SignType[]) {
  paymentGatewayContract(`WeChat Pay v2 (${signType}) on the simulator`, async () => {
    const sb = await startSandbox({ signType, refundSettleMs: 3_600_000_000 });
    const gateway = sb.gateway();
    const control = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
      const { status, json } = await sb.control(path, body);
      if (status >= 300) throw new Error(`control ${path}: ${status} ${JSON.stringify(json)}`);
      return json;
    };
    return {
      gateway,
      pay: async (prepay) => void (await control('/pay', { prepay_id: prepay.prepayId })),
      setTradeState: async (no, state) => void (await control(`/orders/${no}/trade-state`, { trade_state: state })),
      settleRefund: async (no, status) => void (await control(`/refunds/${no}/settle`, { refund_status: status })),
      closeNotBeforeMs: 5 * 60_000,
      advance: (ms) => sb.clock.advance(ms),
      now: () => sb.clock.now(),
      close: () => sb.close(),
    };
  });
}
