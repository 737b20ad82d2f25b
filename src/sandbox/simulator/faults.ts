/** v2 names; the v3 paths share them (JSAPI prepay = unifiedorder, …), plus v3's own `certificates`. */
export const API_NAMES = [
  'unifiedorder',
  'orderquery',
  'closeorder',
  'refund',
  'refundquery',
  'downloadbill',
  'downloadfundflow',
  'jscode2session',
  'certificates',
] as const;
export type ApiName = (typeof API_NAMES)[number];

/**
 * - systemError: a signed result_code FAIL / SYSTEMERROR (errcode -1 for jscode2session), nothing processed;
 * - timeout: no answer until the client gives up (nothing processed);
 * - timeoutAfterProcessing: processed, then no answer — the case that makes identical retries matter;
 * - badSignature: a normal answer whose sign has one character changed;
 * - httpError: HTTP 502 with an empty body;
 * - refusal: a signed result_code FAIL with the given err_code (see BUSINESS_REFUSALS), nothing processed.
 */
export const API_FAULTS = ['systemError', 'timeout', 'timeoutAfterProcessing', 'badSignature', 'httpError', 'refusal'] as const;

/**
 * Business refusals a merchant meets, with WeChat's descriptions (digest §6, §8.1; the wording is UNCONFIRMED where
 * the digest gives only the code): the merchant's balance, rate limits, an abnormal user account, an old order.
 */
export const BUSINESS_REFUSALS = {
  NOTENOUGH: '基本账户余额不足，请充值后重新发起',
  FREQUENCY_LIMITED: '频率限制，请稍后再试',
  INVALID_REQ_TOO_MUCH: '无效请求过多，请1分钟后再试',
  USER_ACCOUNT_ABNORMAL: '用户账户异常或已注销',
  TRADE_OVERDUE: '订单已经超过可退款的最大期限',
  NOAUTH: '商户无此接口权限',
  ERROR: '业务错误',
} as const;
export type BusinessRefusal = keyof typeof BUSINESS_REFUSALS;
export type ApiFaultKind = (typeof API_FAULTS)[number];

/**
 * Per notify *attempt*:
 * - drop: this attempt is not sent (WeChat retries on its schedule);
 * - lose: the notify is abandoned, no attempt ever arrives (reconciliation must find the payment);
 * - duplicate: sent twice concurrently, as from two WeChat servers;
 * - delay: sent after delayMs (WeChat time, scaled like the schedule);
 * - reorder: the next `count` attempts are held, then released together in reverse order;
 * - badSignature: sent with one character of sign changed (the receiver must refuse; the retry is correct).
 */
export const NOTIFY_FAULTS = ['drop', 'lose', 'duplicate', 'delay', 'reorder', 'badSignature'] as const;
export type NotifyFaultKind = (typeof NOTIFY_FAULTS)[number];
export type NotifyType = 'payment' | 'refund';

export interface ApiFault {
  readonly target: 'api';
  readonly kind: ApiFaultKind;
  readonly api: ApiName | 'any';
  /** For a refusal: the err_code WeChat answers with. */
  readonly errCode?: BusinessRefusal;
  remaining: number;
}

export interface NotifyFault {
  readonly target: 'notify';
  readonly kind: NotifyFaultKind;
  readonly notify: NotifyType | 'any';
  readonly count: number;
  readonly delayMs: number;
  remaining: number;
}

export type Fault = ApiFault | NotifyFault;

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

/**
 * Reads a control request: `{"fault":"systemError","api":"orderquery","count":2}` or
 * `{"fault":"duplicate","notify":"payment","count":1}` or `{"fault":"refusal","api":"refund","err_code":"NOTENOUGH"}`.
 * A `notify` property makes it a notify fault (needed for
 * badSignature, which exists for both); api defaults to "any", count to 1.
 */
export function parseFaultSpec(body: unknown): Fault {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FaultSpecError('a JSON object is required');
  const spec = body as Record<string, unknown>;
  const count = spec.count ?? 1;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > 1000) {
    throw new FaultSpecError('count must be an integer from 1 to 1000');
  }
  const isNotify = 'notify' in spec || (isOneOf(NOTIFY_FAULTS, spec.fault) && !isOneOf(API_FAULTS, spec.fault));
  if (isNotify) {
    const notify = spec.notify ?? 'any';
    if (!isOneOf(NOTIFY_FAULTS, spec.fault)) throw new FaultSpecError(`notify fault must be one of ${NOTIFY_FAULTS.join(', ')}`);
    if (notify !== 'payment' && notify !== 'refund' && notify !== 'any') {
      throw new FaultSpecError('notify must be payment, refund or any');
    }
    const delayMs = spec.delayMs ?? 0;
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) throw new FaultSpecError('delayMs must be ≥ 0');
    return { target: 'notify', kind: spec.fault, notify, count, delayMs, remaining: count };
  }
  if (!isOneOf(API_FAULTS, spec.fault)) throw new FaultSpecError(`api fault must be one of ${API_FAULTS.join(', ')}`);
  const api = spec.api ?? 'any';
  if (api !== 'any' && !isOneOf(API_NAMES, api)) throw new FaultSpecError(`api must be any or one of ${API_NAMES.join(', ')}`);
  if (spec.fault !== 'refusal') return { target: 'api', kind: spec.fault, api, remaining: count };
  const codes = Object.keys(BUSINESS_REFUSALS) as BusinessRefusal[];
  if (!isOneOf(codes, spec.err_code)) throw new FaultSpecError(`a refusal needs err_code, one of ${codes.join(', ')}`);
  if (api === 'jscode2session') throw new FaultSpecError('jscode2session answers errcodes, not err_code refusals');
  return { target: 'api', kind: 'refusal', api, errCode: spec.err_code, remaining: count };
}

/** Faults waiting to happen, consumed first-in first-out by the calls and notify attempts they match. */
export class FaultPlan {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  list(): readonly Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  takeApiFault(api: ApiName): ApiFault | undefined {
    const fault = this.faults.find(
      (f): f is ApiFault => f.target === 'api' && (f.api === 'any' || f.api === api) && !(f.kind === 'refusal' && api === 'jscode2session'),
    );
    return fault ? { ...this.consume(fault) } : undefined;
  }

  takeNotifyFault(type: NotifyType): NotifyFault | undefined {
    const fault = this.faults.find((f): f is NotifyFault => f.target === 'notify' && (f.notify === 'any' || f.notify === type));
    return fault ? this.consume(fault) : undefined;
  }

  private consume<F extends Fault>(fault: F): F {
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }
}
