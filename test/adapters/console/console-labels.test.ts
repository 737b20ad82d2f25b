import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../src/application/ports/audit-log.js';
import type { PaymentEvent } from '../../../src/application/ports/payment-events.js';
import type { NotifyRefusal, NotifyVerdict } from '../../../src/application/payments/handle-notify.js';
import type { RefundNoticeVerdict } from '../../../src/application/refunds/handle-refund-notice.js';
import type { ConsoleContext } from '../../../src/adapters/console/context.js';
import { translator, type Lang } from '../../../src/adapters/console/i18n.js';
import { actorName, auditAction, eventType, notifyDetail } from '../../../src/adapters/console/labels.js';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** Every detail the notify log can hold (the callback route writes a verdict's result or reason, or 'error'). */
type NotifyDetail =
  | Extract<NotifyVerdict, { ack: true }>['result']
  | NotifyRefusal
  | Extract<RefundNoticeVerdict, { ack: true }>['result']
  | Extract<RefundNoticeVerdict, { ack: false }>['reason']
  | 'error';
// A Record over the union: a new detail or event type does not compile here until it is listed, and then labelled.
const NOTIFY_DETAILS: Record<NotifyDetail, true> = {
  recorded: true,
  duplicate: true,
  failureReported: true,
  conflictRecorded: true,
  refunded: true,
  closed: true,
  abnormal: true,
  ForeignMerchant: true,
  UnknownOrder: true,
  AmountMismatch: true,
  SignTypeMismatch: true,
  NotConfirmedByWechat: true,
  ConfirmationDiffers: true,
  ConfirmationRejected: true,
  RefundMismatch: true,
  error: true,
};
const EVENT_TYPES: Record<PaymentEvent['type'], true> = {
  OrderPaid: true,
  OrderFailed: true,
  RefundSucceeded: true,
  OrderRefunded: true,
  PaymentConflict: true,
};

const ctxIn = (lang: Lang): ConsoleContext => ({ lang, t: translator(lang), here: '/console' });

/** The page's text as a person reads it: no markup, no attribute values (a code in a title tooltip is fine). */
const visibleText = (page: string): string =>
  page
    .replace(/<head>[\s\S]*<\/head>/, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** Issue 21 #12: the console says in words what the service records as codes. */
describe('console labels', () => {
  it('labels every notify detail, event type, audit action and actor in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      const ctx = ctxIn(lang);
      for (const detail of Object.keys(NOTIFY_DETAILS)) expect(notifyDetail(ctx, detail), detail).not.toBe(detail);
      for (const type of Object.keys(EVENT_TYPES)) expect(eventType(ctx, type), type).not.toBe(type);
      for (const action of AUDIT_ACTIONS) expect(auditAction(ctx, action), action).not.toBe(action);
      for (const actor of ['cli', 'admin-token']) expect(actorName(ctx, actor), actor).not.toBe(actor);
    }
    expect(actorName(ctxIn('zh'), 'operator:olivia')).toBe('操作员 olivia');
  });

  describe('on the pages', () => {
    let app: ConsoleApp;
    let operator: ConsoleSession;
    let refunded = '';
    beforeAll(async () => {
      app = await consoleApp();
      operator = await app.session('operator');
      const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
      if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
      refunded = prepay.value.outTradeNo;
      await app.f.handleNotify.execute(app.f.gateway.pay(refunded));
      for (const detail of ['failureReported', 'recorded'] as const) {
        await app.f.notifyLog.append({
          receivedAt: app.f.clock.now(),
          kind: 'pay',
          outTradeNo: refunded,
          rawBody: '<xml/>',
          verdict: 'SUCCESS',
          detail,
        });
      }
      // Refunded through the console: the audit entry carries the operator and the refund's result.
      const ask = await postForm(app, `/console/orders/${refunded}/refund`, operator, { _csrf: operator.csrf, reason: '用户取消' });
      const key = /name="request_key" value="([^"]+)"/.exec(await ask.text())?.[1] ?? '';
      const done = await postForm(app, `/console/orders/${refunded}/refund`, operator, {
        _csrf: operator.csrf,
        amount_fen: '9900',
        reason: '用户取消',
        request_key: key,
        confirm: 'yes',
      });
      expect(done.status).toBe(303);
      const refund = (await app.f.orders.findByOutTradeNo(refunded))?.state.refunds[0];
      await app.f.handleRefundNotice.execute(app.f.gateway.settleRefund(refund?.outRefundNo ?? ''));
      const at = app.f.clock.now();
      const noBill = {
        billDate: '20260110',
        available: false,
        payments: 0,
        matched: 0,
        repaired: [],
        unknown: [],
        mismatched: [],
        discrepancies: [],
      };
      await app.f.reconcileRuns.record({
        kind: 'bill',
        startedAt: at,
        finishedAt: at,
        succeeded: true,
        billDate: '20260110',
        problems: 0,
        summary: noBill,
      });
    });
    afterAll(async () => app?.close());

    const page = async (path: string, lang: Lang) =>
      (await fetch(`${app.baseUrl}${path}?lang=${lang}`, { headers: { cookie: operator.cookie } })).text();

    it("shows an order's history and refunds in words, with the refunds table's headers", async () => {
      const zh = await page(`/console/orders/${refunded}`, 'zh');
      const text = visibleText(zh);
      for (const code of [
        'refund.requested',
        'recorded',
        'failureReported',
        'OrderPaid',
        'RefundSucceeded',
        'operator:',
        '{"',
        'SUCCESS',
        '(pay)',
      ]) {
        expect(text, code).not.toContain(code);
      }
      for (const words of [
        '操作记录：申请退款',
        `操作员 ${operator.name}`,
        '已记录支付',
        '微信通知支付未成功',
        '收到支付通知',
        '通知业务系统：订单已支付',
      ]) {
        expect(text).toContain(words);
      }
      expect(text).toMatch(/退款单 \d{28}R1：¥99\.00，提交时(退款中|已退款)/);
      const refunds = /<table id="refunds">([\s\S]*?)<\/table>/.exec(zh)?.[1] ?? '';
      expect(visibleText(/<thead>([\s\S]*)<\/thead>/.exec(refunds)?.[1] ?? '')).toMatch(
        /商户退款单号 金额 现金退款 代金券退款 状态 申请时间 完成时间/,
      );

      const en = visibleText(await page(`/console/orders/${refunded}`, 'en'));
      expect(en).toContain('Operator action: Refund requested');
      expect(en).toContain('WeChat reported the payment failed');
    });

    it("labels the dashboard refund card's count", async () => {
      const tile = /<div class="label">退款<\/div>([\s\S]*?)<\/div>\s*<\/div>/.exec(await page('/console', 'zh'))?.[1] ?? '';
      expect(visibleText(tile)).toMatch(/¥99\.00 共 1 笔/);
      expect(visibleText(await page('/console', 'en'))).toContain('1 refunds');
    });

    it('shows a day without a bill as no bill, neither a green success nor a failure', async () => {
      const rec = await page('/console/reconciliation', 'zh');
      const row = /<td>2026-01-10<\/td>([\s\S]*?)<\/tr>/.exec(rec)?.[1] ?? '';
      expect(row).not.toContain('badge ok');
      expect(row).not.toContain('badge bad');
      expect(visibleText(row)).toContain('无账单');
      expect(visibleText(row)).not.toContain('成功');
      expect(visibleText(row)).toContain('当天没有交易，或账单尚未生成');
    });
  });
});
