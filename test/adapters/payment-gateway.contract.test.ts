import { paymentGatewayContract } from '../contracts/payment-gateway.contract.js';
import { FakePaymentGateway } from '../support/doubles/fake-payment-gateway.js';
import { ManualClock } from '../support/doubles/manual-clock.js';

const REFUND_STATUS = { SUCCESS: 'SUCCESS', REFUNDCLOSE: 'CLOSED', CHANGE: 'ABNORMAL' } as const;

// The use-case tests' WeChat Pay must follow the same rules as the real adapters.
paymentGatewayContract('the in-memory fake', async () => {
  const clock = new ManualClock();
  const gateway = new FakePaymentGateway(clock);
  return {
    gateway,
    pay: async (prepay) => {
      const no = [...gateway.trades.entries()].find(([, t]) => t.prepays.some((p) => p.prepayId === prepay.prepayId))?.[0];
      if (!no) throw new Error(`unknown prepay ${prepay.prepayId}`);
      gateway.pay(no);
    },
    setTradeState: async (no, state) => gateway.setTradeState(no, state),
    settleRefund: async (no, status) => void gateway.settleRefund(no, REFUND_STATUS[status]),
    closeNotBeforeMs: 5 * 60_000,
    advance: (ms) => clock.advance(ms),
    now: () => clock.now(),
    close: async () => undefined,
  };
});
