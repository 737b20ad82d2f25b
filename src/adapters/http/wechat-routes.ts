import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { GetOrderStatus } from '../../application/payments/get-order-status.js';
import type { Login } from '../../application/users/login.js';
import type { IntegralLedger } from '../../application/ports/integral-ledger.js';
import type { RequestPrepay } from '../../application/payments/request-prepay.js';
import type { MiniPrograms } from '../../application/ports/mini-programs.js';
import { requireUser, type AuthenticatedLocals, type MiniProgramLocals } from './auth.js';
import { perMiniProgram } from './mini-program-paths.js';
import { clientIpOf } from './client-ip.js';
import { sendError, sendFailure, sendOk, sendPaymentFailure, sendPaymentSuccess } from './envelope.js';
import { errorResponse } from './error-status.js';
import { logRefusal } from './refusals.js';
import { outTradeNoParam } from './path-params.js';
import { orderView } from './views.js';
import type { Metrics } from '../observability/metrics.js';
import { requestPaymentParams } from '../wechatpay/shared/request-payment.js';
import { readPrepayParams } from './prepay-params.js';
import { LoginInput } from './request-schemas.js';
import type { IntegralView, PaidWithCoinsView, PaymentParamsView, SessionView } from './response-schemas.js';
import type { SessionTokens } from './session-tokens.js';

export interface WechatRoutesDeps {
  readonly login: Login;
  readonly requestPrepay: RequestPrepay;
  readonly getOrderStatus: GetOrderStatus;
  readonly ledger: IntegralLedger;
  readonly tokens: SessionTokens;
  /** The mini-programs served: the seed's paths for the default one, `/mp/{appid}/…` for each. */
  readonly miniPrograms: MiniPrograms;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** The seed's mini-program endpoints: login, prepay, order status, coins; for each mini-program (perMiniProgram). */
export function wechatRoutes(deps: WechatRoutesDeps): Router {
  return perMiniProgram(deps.miniPrograms, miniProgramApi(deps));
}

function miniProgramApi(deps: WechatRoutesDeps): Router {
  const router = Router();
  router.param('outTradeNo', outTradeNoParam);
  const json = express.json({ limit: '16kb' });
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const authenticated = requireUser(deps.tokens);

  router.post('/wechat/login', json, async (req: Request, res: Response<unknown, MiniProgramLocals>) => {
    const input = LoginInput.parse({ body: req.body });
    if (!input.ok) return sendError(res, 400, input.error);
    const appId = res.locals.appId;
    const result = await deps.login.execute(input.value.code, appId);
    if (!result.ok) {
      if (result.error.kind === 'LoginMisconfigured') {
        deps.logger.error(
          // The default mini-program's line as it always was; another's names its appid.
          { alert: true, ...(appId !== res.locals.defaultAppId && { appId }), errcode: result.error.code, errmsg: result.error.message },
          appId === res.locals.defaultAppId
            ? 'WeChat refuses the mini-program appid or AppSecret: fix WECHAT_APPID / WECHAT_APP_SECRET'
            : 'WeChat refuses the mini-program appid or AppSecret: fix that mini-program in the merchants file',
        );
      }
      return sendFailure(res, errorResponse(result.error));
    }
    // The seed's paths keep their v1 tokens (the default mini-program's); a named mini-program's token carries its appid.
    const token = appId === res.locals.defaultAppId ? deps.tokens.issue(result.value.uid) : deps.tokens.issue(result.value.uid, appId);
    sendOk(res, { ...token, uid: result.value.uid } satisfies SessionView);
  });

  const prepay = async (req: Request, res: Response<unknown, AuthenticatedLocals>): Promise<void> => {
    const params = readPrepayParams(req);
    if (!params.ok) return sendPaymentFailure(res, 400, params.error);
    if (params.value.uid !== undefined && params.value.uid !== res.locals.uid) {
      return sendPaymentFailure(res, 403, 'uid does not match the signed-in user');
    }
    const result = await deps.requestPrepay.execute({
      uid: res.locals.uid,
      appId: res.locals.appId,
      goodsId: params.value.goodsId,
      paidType: params.value.paidType,
      clientIp: clientIpOf(req),
    });
    if (!result.ok) {
      deps.metrics.prepays.inc({ outcome: result.error.kind });
      if (result.error.kind === 'GatewayRejected') logRefusal(deps.logger, 'unifiedorder', result.error);
      return sendFailure(res, errorResponse(result.error), 'payment');
    }
    const granted = result.value;
    if (granted.kind === 'paidWithCoins') {
      deps.metrics.prepays.inc({ outcome: 'paidWithCoins' });
      return sendPaymentSuccess(res, {
        paid: true,
        outTradeNo: granted.outTradeNo,
        paidIntegral: granted.paidIntegral,
        message: 'paid with health coins; no WeChat payment is needed',
      } satisfies PaidWithCoinsView);
    }
    deps.metrics.prepays.inc({ outcome: granted.reused ? 'reused' : 'granted' });
    sendPaymentSuccess(res, { ...requestPaymentParams(granted.clientPayment), outTradeNo: granted.outTradeNo } satisfies PaymentParamsView);
  };
  router.get('/wechat/prepay', authenticated, prepay);
  router.post('/wechat/prepay', authenticated, json, form, prepay);

  router.get(
    '/wechat/orders/:outTradeNo',
    authenticated,
    async (req: Request<{ outTradeNo: string }>, res: Response<unknown, AuthenticatedLocals>) => {
      const result = await deps.getOrderStatus.execute(res.locals.uid, req.params.outTradeNo, res.locals.appId);
      if (!result.ok) {
        // Someone else's order is reported as such (403), as the API promises; numbers are unguessable anyway.
        return sendFailure(res, errorResponse(result.error));
      }
      sendOk(res, orderView(result.value));
    },
  );

  router.get('/wechat/integral', authenticated, async (_req: Request, res: Response<unknown, AuthenticatedLocals>) => {
    const [balance, journal] = await Promise.all([deps.ledger.balanceOf(res.locals.uid), deps.ledger.journalOf(res.locals.uid, 20)]);
    sendOk(res, {
      balance,
      journal: journal.map((e) => ({
        delta: e.delta,
        operation: e.operation,
        outTradeNo: e.outTradeNo ?? null,
        at: Math.floor(e.at.getTime() / 1000),
      })),
    } satisfies IntegralView);
  });

  return router;
}
