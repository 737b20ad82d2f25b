import { paymentGatewayContract } from '../contracts/payment-gateway.contract.js';
import { startV3Sandbox, type TrustMode } from '../support/wechat-sandbox-v3.js';

/**
 * The v3 gateway talking JSON over HTTP to the project's simulator, in both trust modes: answers signed with the WeChat
 * Pay public key, and answers signed with a platform certificate kept current from /v3/certificates.
 */
for (const mode of ['publicKey', 'platformCertificate'] as const satisfies readonly TrustMode[]) {
  paymentGatewayContract(`WeChat Pay v3 (${mode}) on the simulator`, async () => {
    const sb = await startV3Sandbox({ refundSettleMs: 3_600_000_000, signWith: mode });
    const gateway = sb.gatewayV3(mode);
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
      closeNotBeforeMs: 0,
      advance: (ms) => sb.clock.advance(ms),
      now: () => sb.clock.now(),
      close: () => sb.close(),
    };
  });
}
