import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayUnavailableError, type PaymentGateway, type PrepayRequest } from '../../src/application/ports/payment-gateway.js';
import { requestPaymentParams } from '../../src/adapters/wechatpay/shared/request-payment.js';
import { Money } from '../../src/domain/money.js';
import type { Prepay } from '../../src/domain/prepay.js';

/** Everything outside the gateway that a contract case needs to drive: the payer, WeChat's back office, time. */
export interface GatewayWorld {
  readonly gateway: PaymentGateway;
  /** The user pays this prepay in WeChat's cashier. */
  pay(prepay: Prepay): Promise<void>;
  /** WeChat's view of an unpaid order changes (the user is entering the password, the bank refused, ...). */
  setTradeState(outTradeNo: string, state: 'USERPAYING' | 'PAYERROR' | 'REVOKED'): Promise<void>;
  /** WeChat finishes a refund. */
  settleRefund(outRefundNo: string, status: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE'): Promise<void>;
  advance(ms: number): void;
  now(): Date;
  /**
   * How long after creation an order can first be closed: 5 minutes in v2's closeorder docs; none in the domestic v3
   * close-order docs (the rule is v2's and the cross-border API's).
   */
  readonly closeNotBeforeMs: number;
  /**
   * false: the gateway fetches no fund-flow bill, so fundFlowBill answers undefined every day (a partner merchant: its
   * money sits in the sub-merchant's account, not the provider's). Default true.
   */
  readonly billsFundFlow?: boolean;
  /** Another mini-program the merchant takes payments for (PrepayRequest.appId), when it is configured with one. */
  readonly otherAppId?: string;
  close(): Promise<void>;
}

const MINUTE = 60_000;
let serial = 0;

/**
 * What every PaymentGateway adapter must do, whatever protocol it speaks: the fake, the v2 gateway on the simulator
 * and the v3 gateway on the simulator are all held to it.
 */
export function paymentGatewayContract(name: string, open: () => Promise<GatewayWorld>): void {
  describe(`PaymentGateway contract: ${name}`, () => {
    let world: GatewayWorld;
    beforeEach(async () => {
      world = await open();
    });
    afterEach(async () => {
      await world.close();
    });

    const request = (overrides: Partial<PrepayRequest> = {}): PrepayRequest => ({
      outTradeNo: `2026011512000000020${String(++serial).padStart(5, '0')}${String(process.pid % 10_000).padStart(4, '0')}`,
      description: '健康商城-课程',
      amount: Money.ofFen(9900),
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      clientIp: '203.0.113.7',
      payableUntil: new Date(world.now().getTime() + 7 * 24 * 60 * MINUTE),
      ...overrides,
    });

    async function created(r: PrepayRequest): Promise<Prepay> {
      const outcome = await world.gateway.createPrepay(r);
      if (outcome.kind !== 'created') throw new Error(`createPrepay: ${JSON.stringify(outcome)}`);
      return outcome.prepay;
    }

    async function paid(r: PrepayRequest = request()): Promise<{ r: PrepayRequest; transactionId: string }> {
      await world.pay(await created(r));
      const query = await world.gateway.queryOrder(r.outTradeNo);
      if (query.kind !== 'paid') throw new Error(`queryOrder after paying: ${JSON.stringify(query)}`);
      return { r, transactionId: query.transactionId };
    }

    it('creates a prepay good for 2 hours, and hands the same prepay_id back while it lives', async () => {
      const r = request();
      const first = await created(r);
      expect(first.expiresAt.getTime() - first.issuedAt.getTime()).toBe(120 * MINUTE);
      world.advance(30 * MINUTE);
      expect((await created(r)).prepayId).toBe(first.prepayId);
      world.advance(91 * MINUTE);
      expect((await created(r)).prepayId).not.toBe(first.prepayId);
    });

    it('signs client payment parameters for the prepay', async () => {
      const prepay = await created(request());
      expect(requestPaymentParams(world.gateway.clientPayment(prepay))).toMatchObject({
        package: `prepay_id=${prepay.prepayId}`,
        signType: prepay.signType,
      });
    });

    it('takes a payment in another of the merchant’s mini-programs, signing the client payment over that appid', async () => {
      const otherAppId = world.otherAppId;
      if (otherAppId === undefined) return;
      const r = request({ appId: otherAppId });
      const prepay = await created(r);
      expect(requestPaymentParams(world.gateway.clientPayment(prepay, otherAppId))).toMatchObject({
        appId: otherAppId,
        package: `prepay_id=${prepay.prepayId}`,
      });
      await world.pay(prepay);
      expect(await world.gateway.queryOrder(r.outTradeNo)).toMatchObject({ kind: 'paid', amount: r.amount });
    });

    it('answers ORDERPAID for a paid number, and "parameters changed" for a used number with other parameters', async () => {
      const r = request();
      await created(r);
      expect(await world.gateway.createPrepay({ ...r, amount: Money.ofFen(100) })).toEqual({ kind: 'parametersChanged' });
      await paid(r);
      expect(await world.gateway.createPrepay(r)).toEqual({ kind: 'alreadyPaid' });
    });

    it('reports each trade state: not paid, paying, paid (with amount and time), failed, revoked, unknown', async () => {
      const unpaid = request();
      await created(unpaid);
      expect(await world.gateway.queryOrder(unpaid.outTradeNo)).toEqual({ kind: 'notPaid', state: 'NOTPAY' });
      await world.setTradeState(unpaid.outTradeNo, 'USERPAYING');
      expect(await world.gateway.queryOrder(unpaid.outTradeNo)).toEqual({ kind: 'notPaid', state: 'USERPAYING' });
      await world.setTradeState(unpaid.outTradeNo, 'PAYERROR');
      expect(await world.gateway.queryOrder(unpaid.outTradeNo)).toEqual({ kind: 'failed', reason: 'PAYERROR' });
      const revoked = request();
      await created(revoked);
      await world.setTradeState(revoked.outTradeNo, 'REVOKED');
      expect(await world.gateway.queryOrder(revoked.outTradeNo)).toEqual({ kind: 'failed', reason: 'REVOKED' });

      const { r, transactionId } = await paid();
      expect(await world.gateway.queryOrder(r.outTradeNo)).toMatchObject({ kind: 'paid', transactionId, amount: Money.ofFen(9900) });
      expect(await world.gateway.queryOrder('2026011512000000029999999999')).toEqual({ kind: 'notFound' });
    });

    it('closes when the protocol allows (v2: after 5 minutes; v3: at once), then reports the order closed everywhere; a paid order cannot be closed', async () => {
      const r = request();
      await created(r);
      if (world.closeNotBeforeMs > 0) {
        await expect(world.gateway.closeOrder(r.outTradeNo)).rejects.toBeInstanceOf(GatewayUnavailableError);
        world.advance(world.closeNotBeforeMs);
      }
      expect(await world.gateway.closeOrder(r.outTradeNo)).toBe('closed');
      expect(await world.gateway.closeOrder(r.outTradeNo)).toBe('alreadyClosed');
      expect(await world.gateway.queryOrder(r.outTradeNo)).toEqual({ kind: 'failed', reason: 'CLOSED' });
      expect(await world.gateway.createPrepay(r)).toEqual({ kind: 'closed' });

      const { r: bought } = await paid();
      world.advance(world.closeNotBeforeMs);
      expect(await world.gateway.closeOrder(bought.outTradeNo)).toBe('alreadyPaid');
    });

    it('accepts a refund, recognises a repeated refund number, and refuses more than was paid', async () => {
      const { r, transactionId } = await paid();
      const submission = { outTradeNo: r.outTradeNo, outRefundNo: `${r.outTradeNo}R1`, totalFee: r.amount, refundFee: Money.ofFen(2900) };
      const accepted = await world.gateway.refund(submission);
      expect(accepted).toMatchObject({
        kind: 'accepted',
        report: {
          outTradeNo: r.outTradeNo,
          transactionId,
          outRefundNo: submission.outRefundNo,
          amount: Money.ofFen(2900),
          status: 'PROCESSING',
        },
      });
      const again = await world.gateway.refund(submission);
      expect(again.kind === 'accepted' && accepted.kind === 'accepted' && again.report.refundId).toBe(
        accepted.kind === 'accepted' && accepted.report.refundId,
      );
      expect(await world.gateway.refund({ ...submission, outRefundNo: `${r.outTradeNo}R2`, refundFee: Money.ofFen(7001) })).toMatchObject({
        kind: 'rejected',
      });
      expect(await world.gateway.refund({ ...submission, outRefundNo: `${r.outTradeNo}R2`, refundFee: Money.ofFen(7000) })).toMatchObject({
        kind: 'accepted',
      });
    });

    it('answers a refund of an unpaid order with notFound', async () => {
      const r = request();
      await created(r);
      expect(
        await world.gateway.refund({ outTradeNo: r.outTradeNo, outRefundNo: `${r.outTradeNo}R1`, totalFee: r.amount, refundFee: r.amount }),
      ).toEqual({
        kind: 'notFound',
      });
    });

    it('reports each refund status with the identifiers of the refund', async () => {
      const { r, transactionId } = await paid();
      const statuses = [
        ['SUCCESS', 'SUCCESS'],
        ['REFUNDCLOSE', 'CLOSED'],
        ['CHANGE', 'ABNORMAL'],
      ] as const;
      expect(await world.gateway.queryRefund(`${r.outTradeNo}R9`)).toEqual({ kind: 'notFound' });
      for (const [i, [wire, status]] of statuses.entries()) {
        const outRefundNo = `${r.outTradeNo}R${i + 1}`;
        const accepted = await world.gateway.refund({
          outTradeNo: r.outTradeNo,
          outRefundNo,
          totalFee: r.amount,
          refundFee: Money.ofFen(100),
        });
        if (accepted.kind !== 'accepted') throw new Error(JSON.stringify(accepted));
        expect(await world.gateway.queryRefund(outRefundNo)).toMatchObject({ kind: 'found', report: { status: 'PROCESSING' } });
        await world.settleRefund(outRefundNo, wire);
        expect(await world.gateway.queryRefund(outRefundNo)).toMatchObject({
          kind: 'found',
          report: {
            outTradeNo: r.outTradeNo,
            transactionId,
            outRefundNo,
            refundId: accepted.report.refundId,
            amount: Money.ofFen(100),
            status,
          },
        });
      }
    });

    it('has no bill for a day until 10:00 Beijing time the next day, then bills every payment of that day', async () => {
      const { r, transactionId } = await paid();
      const beijing = world.now().getTime() + 8 * 60 * MINUTE;
      const day = new Date(beijing).toISOString().slice(0, 10).replaceAll('-', '');
      const nextMorningAtTen = Math.floor(beijing / (24 * 60 * MINUTE) + 1) * 24 * 60 * MINUTE + 10 * 60 * MINUTE;
      expect(await world.gateway.billedPayments(day)).toBeUndefined();
      world.advance(nextMorningAtTen - beijing - MINUTE);
      expect(await world.gateway.billedPayments(day)).toBeUndefined();
      world.advance(MINUTE);
      const bill = await world.gateway.billedPayments(day);
      expect(bill?.payments).toContainEqual({ outTradeNo: r.outTradeNo, transactionId, totalFee: r.amount });
      expect(bill?.discrepancies).toEqual([]);
    });

    it("bills a day's refunds and the account's fund flow (payment in, its fee, the refund out) from 10:00 the next day", async () => {
      const { r, transactionId } = await paid();
      const outRefundNo = `${r.outTradeNo}R1`;
      const accepted = await world.gateway.refund({
        outTradeNo: r.outTradeNo,
        outRefundNo,
        totalFee: r.amount,
        refundFee: Money.ofFen(2500),
      });
      if (accepted.kind !== 'accepted') throw new Error(JSON.stringify(accepted));
      await world.settleRefund(outRefundNo, 'SUCCESS');
      const beijing = world.now().getTime() + 8 * 60 * MINUTE;
      const day = new Date(beijing).toISOString().slice(0, 10).replaceAll('-', '');
      const nextMorningAtTen = Math.floor(beijing / (24 * 60 * MINUTE) + 1) * 24 * 60 * MINUTE + 10 * 60 * MINUTE;
      expect(await world.gateway.refundBill(day)).toBeUndefined();
      expect(await world.gateway.fundFlowBill(day)).toBeUndefined();
      world.advance(nextMorningAtTen - beijing);

      const refunds = await world.gateway.refundBill(day);
      expect(refunds?.refunds).toContainEqual({
        outTradeNo: r.outTradeNo,
        transactionId,
        outRefundNo,
        refundId: accepted.report.refundId,
        amount: Money.ofFen(2500),
        status: 'SUCCESS',
      });
      expect(refunds?.discrepancies).toEqual([]);

      const funds = await world.gateway.fundFlowBill(day);
      if (world.billsFundFlow === false) {
        expect(funds).toBeUndefined();
        return;
      }
      expect(funds?.discrepancies).toEqual([]);
      const mine = funds?.lines.filter((l) => l.businessNo === transactionId || l.businessNo === accepted.report.refundId) ?? [];
      expect(mine.map(({ kind, income, amount, businessNo, voucherNo }) => ({ kind, income, amount, businessNo, voucherNo }))).toEqual([
        { kind: 'payment', income: true, amount: r.amount, businessNo: transactionId, voucherNo: r.outTradeNo },
        { kind: 'fee', income: false, amount: Money.ofFen(59), businessNo: transactionId, voucherNo: r.outTradeNo },
        { kind: 'refund', income: false, amount: Money.ofFen(2500), businessNo: accepted.report.refundId, voucherNo: outRefundNo },
      ]);
      expect(new Set(funds?.lines.map((l) => l.flowId)).size).toBe(funds?.lines.length);
    });
  });
}
