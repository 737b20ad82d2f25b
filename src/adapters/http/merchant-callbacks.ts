import type { Router } from 'express';
import type { NotifyVerifier, PaymentNotice, RefundNotice } from '../../application/ports/notify-verifier.js';
import type { MerchantId } from '../../domain/merchant.js';
import { err } from '../../domain/result.js';
import type { CallbackEndpoint } from './callback-front.js';
import { merchantOfCallbackPath, CALLBACK_PATHS } from './callback-paths.js';
import { callbackAnswerer, callbackRouter, type CallbackAnswer, type CallbackRouteDeps, type CallbackVerdict } from './callback-route.js';

/** What a callback route needs beside its path, kind, verifier and use case. */
type Shared = Omit<CallbackRouteDeps<unknown>, 'path' | 'kind' | 'verify' | 'handle' | 'orderOf' | 'acceptGet'>;

export interface MerchantCallbacksDeps extends Shared {
  /** That merchant's verifier (its keys alone); undefined when no such merchant is configured here. */
  readonly verifierOf: (merchantId: MerchantId) => NotifyVerifier | undefined;
  /** The use cases, told which merchant's URL the notice arrived at. */
  readonly handlePayment: (notice: PaymentNotice, merchantId: MerchantId) => Promise<CallbackVerdict>;
  readonly handleRefund: (notice: RefundNotice, merchantId: MerchantId) => Promise<CallbackVerdict>;
}

/** A path for no merchant of ours: refused as unverifiable, like any forgery (WeChat never calls it). */
const UNKNOWN: NotifyVerifier = {
  payment: () => Promise.resolve(err({ reason: 'unknownMerchant', detail: 'no such merchant here' })),
  refund: () => Promise.resolve(err({ reason: 'unknownMerchant', detail: 'no such merchant here' })),
};

/**
 * Each merchant's own callback URLs, `/wechat/pay-notify/{merchant}` and `/wechat/refund-notify/{merchant}`: a
 * callback there is verified with that merchant's verifier only, and the use case is told the merchant it must be
 * for, so a notice signed with A's keys that names B's order changes nothing (FAIL, and an alert). Both the front
 * handler (callback-front.ts) and Express answer them, the same way they answer the seed's paths.
 */
export function merchantCallbacks(deps: MerchantCallbacksDeps): {
  readonly router: Router[];
  endpointOf(path: string): CallbackEndpoint | undefined;
} {
  const answerOf = (kind: 'pay' | 'refund', merchantId: MerchantId): CallbackAnswer => {
    const verifier = deps.verifierOf(merchantId) ?? UNKNOWN;
    const path = `${CALLBACK_PATHS[kind]}/${merchantId}`;
    return kind === 'pay'
      ? callbackAnswerer<PaymentNotice>({
          ...deps,
          path,
          kind,
          verify: (callback) => verifier.payment(callback),
          handle: (notice) => deps.handlePayment(notice, merchantId),
          orderOf: (notice) => notice.outTradeNo,
        })
      : callbackAnswerer<RefundNotice>({
          ...deps,
          path,
          kind,
          verify: (callback) => verifier.refund(callback),
          handle: (notice) => deps.handleRefund(notice, merchantId),
          orderOf: (notice) => notice.outTradeNo,
        });
  };
  return {
    router: [
      callbackRouter(`${CALLBACK_PATHS.pay}/:merchant`, true, (req) => answerOf('pay', String(req.params.merchant))),
      callbackRouter(`${CALLBACK_PATHS.refund}/:merchant`, false, (req) => answerOf('refund', String(req.params.merchant))),
    ],
    endpointOf(path) {
      const named = merchantOfCallbackPath(path);
      if (!named) return undefined;
      return { path, acceptGet: named.kind === 'pay', answer: (callback, send) => answerOf(named.kind, named.merchantId)(callback, send) };
    },
  };
}
