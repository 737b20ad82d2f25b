import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleContext } from '../../../src/adapters/console/context.js';
import { translator } from '../../../src/adapters/console/i18n.js';
import { refusalText } from '../../../src/adapters/console/refusals.js';
import { errorResponse, type ApplicationError } from '../../../src/adapters/http/error-status.js';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** Three Latin words in a row: an English sentence (a code such as NOTENOUGH or 40226 is not one). */
const ENGLISH_SENTENCE = /[A-Za-z]{2,}[\s,;:']+[A-Za-z]{2,}[\s,;:']+[A-Za-z]{2,}/;

// One refusal of every kind (a Record over the union: a new kind does not compile here until it is listed), plus the
// variants inside GatewayRejected and Rejected.
const BY_KIND: Record<ApplicationError['kind'], ApplicationError> = {
  InvalidCommand: { kind: 'InvalidCommand', reason: 'uid must be a whole number from 1 to 2147483647' },
  InvalidCode: { kind: 'InvalidCode' },
  UserBlocked: { kind: 'UserBlocked' },
  LoginRateLimited: { kind: 'LoginRateLimited' },
  LoginMisconfigured: { kind: 'LoginMisconfigured', code: 'invalid appsecret', message: '40125' },
  UnknownUser: { kind: 'UnknownUser' },
  UnknownMiniProgram: { kind: 'UnknownMiniProgram' },
  NotOwner: { kind: 'NotOwner' },
  GoodsNotFound: { kind: 'GoodsNotFound' },
  SalePriceAboveMarketPrice: { kind: 'SalePriceAboveMarketPrice' },
  OrderNotFound: { kind: 'OrderNotFound' },
  UserNotFound: { kind: 'UserNotFound' },
  InvalidCoins: { kind: 'InvalidCoins' },
  BalanceLimit: { kind: 'BalanceLimit', balance: 2_000_000_000 },
  NoOpenReview: { kind: 'NoOpenReview' },
  GoodsOffline: { kind: 'GoodsOffline' },
  InsufficientIntegral: { kind: 'InsufficientIntegral', balance: 3, required: 30 },
  Busy: { kind: 'Busy' },
  AlreadyPaid: { kind: 'AlreadyPaid', outTradeNo: '2026011512000000021234567890' },
  GatewayRejected: { kind: 'GatewayRejected', code: 'NOTENOUGH', message: '基本账户余额不足', category: 'request' },
  RefundBusy: { kind: 'RefundBusy', retryAfterSeconds: 2 },
  AnswerMismatch: { kind: 'AnswerMismatch', error: { kind: 'AmountMismatch' } as never },
  Rejected: { kind: 'Rejected', error: { kind: 'NotRefundable', status: 'CHECKED' } },
};
const VARIANTS: readonly ApplicationError[] = [
  { kind: 'GatewayRejected', code: 'SIGNERROR', message: 'signature error', category: 'configuration' },
  { kind: 'GatewayRejected', code: 'FREQUENCY_LIMITED', message: 'too often', category: 'rateLimited' },
  { kind: 'Rejected', error: { kind: 'RefundExceedsPayment', requestedFen: 2000, refundableFen: 1234 } },
  { kind: 'Rejected', error: { kind: 'RefundExceedsPayment', requestedFen: 2000, refundableFen: 0 } },
  { kind: 'Rejected', error: { kind: 'TooManyRefunds', limit: 50 } },
  { kind: 'Rejected', error: { kind: 'RequestKeyReused', outRefundNo: '2026011512000000021234567890R1', amountFen: 500 } },
  { kind: 'Rejected', error: { kind: 'CashPaymentRequired', cashFen: 500 } },
];
const zh: ConsoleContext = { lang: 'zh', t: translator('zh'), here: '/console' };
const en: ConsoleContext = { lang: 'en', t: translator('en'), here: '/console' };

/** Issue 21, leftover of #9: the API's refusals (English, error-status.ts) are said in the console's language. */
describe('console refusals', () => {
  it.each([...Object.values(BY_KIND), ...VARIANTS].map((e) => [JSON.stringify(e), e] as const))(
    'says %s in Chinese, and in English on English pages',
    (_name, error) => {
      const text = refusalText(zh, error);
      expect(text).not.toMatch(ENGLISH_SENTENCE);
      expect(text).not.toMatch(/\{\w+\}|undefined|NaN/);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
      expect(refusalText(en, error)).toMatch(ENGLISH_SENTENCE);
      // The API itself still answers in English, with its status: the console only translates.
      expect(errorResponse(error).reason).toMatch(/[A-Za-z]/);
    },
  );

  describe('on Chinese pages', () => {
    let app: ConsoleApp;
    let operator: ConsoleSession;
    beforeAll(async () => {
      app = await consoleApp();
      operator = await app.session('operator');
    });
    afterAll(async () => app?.close());

    /** A fresh order paid ¥99.00, so that each case starts from the same place. */
    async function paid(): Promise<string> {
      const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
      if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
      await app.f.handleNotify.execute(app.f.gateway.pay(prepay.value.outTradeNo));
      return prepay.value.outTradeNo;
    }
    const refusalOn = async (res: Response): Promise<string> => {
      const page = await res.text();
      expect(page).toContain('<html lang="zh-CN">');
      return (/<div class="flash error"[^>]*>([^<]*)</.exec(page)?.[1] ?? '').replace(/&#39;/g, "'");
    };
    const confirm = (no: string, fields: Record<string, string>) =>
      postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, confirm: 'yes', ...fields });

    it.each([
      [
        'a review that is not open',
        async () => postForm(app, `/console/orders/${await paid()}/review`, operator, { _csrf: operator.csrf, note: '看过了' }),
        '没有待处理的复核',
      ],
      [
        'a refund beyond what remains refundable',
        async () => {
          const no = await paid();
          expect((await confirm(no, { amount_fen: '100', request_key: 'k-part' })).status).toBe(303);
          return confirm(no, { amount_fen: '9900', request_key: 'k-over' });
        },
        '退款金额须在 ¥0.01 至 ¥98.00',
      ],
      [
        'WeChat refusing the refund',
        async () => {
          const no = await paid();
          app.f.gateway.refuseRefunds('NOTENOUGH', 'request');
          return confirm(no, { amount_fen: '100', request_key: 'k-refused' });
        },
        '微信支付拒绝了请求（NOTENOUGH',
      ],
      [
        'a confirmation replayed with another amount',
        async () => {
          const no = await paid();
          expect((await confirm(no, { amount_fen: '100', request_key: 'k-reused' })).status).toBe(303);
          return confirm(no, { amount_fen: '200', request_key: 'k-reused' });
        },
        '该表单已用于退款',
      ],
      [
        'a grant past what a balance holds',
        async () => {
          const grant = (id: string) =>
            postForm(app, `/console/users/${app.f.user.uid}/grant`, operator, {
              _csrf: operator.csrf,
              amount: '1000000000',
              grant_id: id,
              reason: 'bonus',
            });
          await grant('g-1');
          await grant('g-2');
          return grant('g-3');
        },
        '将超出上限',
      ],
    ] as const)('refuses %s in Chinese, with no English sentence', async (_name, act, words) => {
      const refused = await refusalOn(await act());
      expect(refused).toContain('操作未执行');
      expect(refused).toContain(words);
      expect(refused).not.toMatch(ENGLISH_SENTENCE);
    });
  });
});
