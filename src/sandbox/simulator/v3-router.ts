import express, { Router, type Request, type Response } from 'express';
import type { Clock } from '../../application/ports/clock.js';
import type { SimAccounts } from './accounts.js';
import { BUSINESS_REFUSALS, type ApiName, type BusinessRefusal, type FaultPlan } from './faults.js';
import { createV3Handlers, type V3ApiContext, type V3Handler } from './v3-api.js';
import { certificatesJson } from './v3-messages.js';
import {
  authenticateV3,
  bodyParamError,
  contentTypeRefusal,
  missingHeadersMessage,
  sendSignError,
  sendUnsigned,
  sendV3,
  v3Error,
  v3Ok,
  type V3Reply,
} from './v3-wire.js';

export interface V3RouterContext extends V3ApiContext {
  /** Whose keys verify a request: those of the mch_id its Authorization names. */
  readonly accounts: SimAccounts;
  /** Signature timestamps: real time for a standalone simulator whose business clock was moved forward. */
  readonly signatureClock: Clock;
  readonly faults: FaultPlan;
  /** Holds the connection without answering (a timeout fault). */
  readonly hang: (res: Response) => void;
}

/** JSON bodies are small; WeChat refuses larger ones too. */
const BODY_LIMIT = 64 * 1024;

type Route = readonly [method: 'get' | 'post', path: string, handler: string, api: ApiName];

/** The v3 paths (digest §12.3), each with the v2 API name its faults are injected under. */
const ROUTES: readonly Route[] = [
  ['post', '/pay/transactions/jsapi', 'jsapi', 'unifiedorder'],
  ['post', '/pay/partner/transactions/jsapi', 'partnerJsapi', 'unifiedorder'],
  ['get', '/pay/transactions/out-trade-no/:out_trade_no', 'query', 'orderquery'],
  ['get', '/pay/partner/transactions/out-trade-no/:out_trade_no', 'partnerQuery', 'orderquery'],
  ['get', '/pay/partner/transactions/id/:transaction_id', 'partnerQueryById', 'orderquery'],
  ['post', '/pay/partner/transactions/out-trade-no/:out_trade_no/close', 'partnerClose', 'closeorder'],
  ['get', '/pay/transactions/id/:transaction_id', 'queryById', 'orderquery'],
  ['post', '/pay/transactions/out-trade-no/:out_trade_no/close', 'close', 'closeorder'],
  ['post', '/refund/domestic/refunds', 'refund', 'refund'],
  ['get', '/refund/domestic/refunds/:out_refund_no', 'refundQuery', 'refundquery'],
  ['get', '/bill/tradebill', 'tradeBill', 'downloadbill'],
  ['get', '/bill/fundflowbill', 'fundFlowBill', 'downloadfundflow'],
  ['get', '/billdownload/file', 'billDownload', 'downloadbill'],
  ['get', '/certificates', 'certificates', 'certificates'],
];

/**
 * WeChat Pay API v3 on the simulator's shared state, mounted at `/v3`: every request authenticated (401 SIGN_ERROR,
 * unsigned, otherwise), every answer signed — the same faults, by the same API names, as the v2 wire.
 */
/** A business refusal fault as v3 answers it: its own status and, where v3 renamed it, its own code. */
function v3Refusal(errCode: BusinessRefusal): V3Reply {
  const [status, code] = V3_REFUSALS[errCode];
  return v3Error(status, code, BUSINESS_REFUSALS[errCode]);
}

const V3_REFUSALS: Readonly<Record<BusinessRefusal, readonly [number, string]>> = {
  NOTENOUGH: [403, 'NOT_ENOUGH'],
  FREQUENCY_LIMITED: [429, 'FREQUENCY_LIMITED'],
  INVALID_REQ_TOO_MUCH: [429, 'FREQUENCY_LIMITED'],
  USER_ACCOUNT_ABNORMAL: [403, 'USER_ACCOUNT_ABNORMAL'],
  TRADE_OVERDUE: [400, 'INVALID_REQUEST'],
  NOAUTH: [403, 'NO_AUTH'],
  ERROR: [400, 'INVALID_REQUEST'],
};

export function createV3Router(ctx: V3RouterContext): Router {
  const handlers: Readonly<Record<string, V3Handler>> = {
    ...createV3Handlers(ctx),
    certificates: ({ caller }) => v3Ok(certificatesJson(caller.v3Keys as NonNullable<typeof caller.v3Keys>)),
  };
  const router = Router();
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT }));

  const endpoint = (handler: string, api: ApiName) => (req: Request, res: Response) => {
    const taken = ctx.faults.takeApiFault(api);
    const fault = taken?.kind;
    ctx.log({ type: 'api', api, dialect: 'v3', fault });
    if (fault === 'timeout') return ctx.hang(res);
    if (fault === 'httpError') {
      res.status(502).end();
      return;
    }
    const missingHeaders = missingHeadersMessage(req);
    if (missingHeaders) return sendUnsigned(res, 400, 'INVALID_REQUEST', missingHeaders);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = authenticateV3(req, raw, (mchId) => ctx.accounts.get(mchId)?.v3Keys, ctx.signatureClock.now());
    if (!auth.ok) return sendSignError(res, auth.message);
    const caller = ctx.accounts.get(auth.mchid);
    const keys = caller?.v3Keys;
    if (!caller || !keys) return sendSignError(res, '商户号不存在');
    const reply = ((): V3Reply => {
      if (fault === 'systemError') return v3Error(500, 'SYSTEM_ERROR', '系统错误');
      const badContentType = contentTypeRefusal(req, raw);
      if (badContentType) return badContentType;
      if (taken?.errCode) return v3Refusal(taken.errCode);
      let body: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          const parsed: unknown = JSON.parse(raw.toString('utf8'));
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          return bodyParamError('', raw.toString('utf8').slice(0, 64), '请求体不是合法的 JSON 对象');
        }
      }
      const query = (name: string): string | undefined => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
      const origin = `${req.protocol}://${req.get('host') ?? ''}${req.baseUrl.replace(/\/v3$/, '')}`;
      const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)]));
      return (handlers[handler] as V3Handler)({ body, params, query, origin, caller });
    })();
    if (fault === 'timeoutAfterProcessing') return ctx.hang(res);
    sendV3(req, res, reply, { keys, signatureClock: ctx.signatureClock, tamperSignature: fault === 'badSignature' });
  };

  for (const [method, path, handler, api] of ROUTES) router[method](path, endpoint(handler, api));
  router.use((_req: Request, res: Response) => {
    res
      .status(404)
      .type('application/json')
      .send(JSON.stringify({ code: 'NOT_FOUND', message: '接口不存在' }));
  });
  return router;
}
