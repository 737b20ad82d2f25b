import type { MiniProgramLogin, SessionLookup } from '../../../application/ports/mini-program-login.js';
import { GatewayUnavailableError } from '../../../application/ports/payment-gateway.js';
import { storedAnswerField } from './answer-fields.js';
import { UntrustedResponseError, WechatAnswerError } from './errors.js';
import { nodeHttpTransport, type HttpTransport } from './http-transport.js';

export interface MiniProgramLoginConfig {
  readonly appId: string;
  readonly appSecret: string;
  readonly loginBaseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
}

/** The mini-program's login settings; the defaults are WeChat's host and the gateways' timings. */
export interface LoginSettings {
  readonly appId: string;
  readonly appSecret: string;
  /** Default https://api.weixin.qq.com; the sandbox points this at the simulator. */
  readonly loginBaseUrl?: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryBackoffMs?: number;
}

export interface MiniProgramLoginDeps {
  readonly transport?: HttpTransport;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The MiniProgramLogin port on WeChat's code2Session, the same whichever Pay API the merchant uses. */
export class WechatMiniProgramLogin implements MiniProgramLogin {
  private readonly config: MiniProgramLoginConfig;
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(settings: LoginSettings, deps: MiniProgramLoginDeps = {}) {
    const problems = (['appId', 'appSecret'] as const).filter((name) => typeof settings[name] !== 'string' || settings[name] === '');
    if (problems.length > 0) throw new TypeError(`mini-program login configuration: ${problems.map((n) => `${n} is required`).join('; ')}`);
    this.config = {
      appId: settings.appId,
      appSecret: settings.appSecret,
      loginBaseUrl: settings.loginBaseUrl ?? 'https://api.weixin.qq.com',
      timeoutMs: settings.timeoutMs ?? 5_000,
      retries: settings.retries ?? 2,
      retryBackoffMs: settings.retryBackoffMs ?? 200,
    };
    this.transport = deps.transport ?? nodeHttpTransport;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  codeToSession(code: string): Promise<SessionLookup> {
    return codeToSession(this.config, this.transport, this.sleep, code);
  }
}

/** -1: "system busy, retry" (digest §9). */
const BUSY = -1;

/** code2Session's errcodes that are answers, not failures (digest §9; the configuration ones from WeChat's docs). */
function lookupOf(errcode: number, errmsg: string): SessionLookup | undefined {
  switch (errcode) {
    case 40029: // invalid (also expired) code
    case 40163: // code already used
      return { kind: 'invalidCode' };
    case 40226:
      return { kind: 'blocked' };
    case 45011:
      return { kind: 'rateLimited' };
    case 40013: // invalid appid
    case 40125: // invalid appsecret
    case 41002: // appid missing
    case 41004: // secret missing
    case 40002: // invalid grant_type
      return { kind: 'misconfigured', code: String(errcode), message: errmsg };
    default:
      return undefined;
  }
}

/**
 * code2Session (digest §9): GET, JSON, unsigned — its only protection is TLS to api.weixin.qq.com. The session_key
 * is dropped here so it can never reach a client.
 */
export async function codeToSession(
  config: MiniProgramLoginConfig,
  transport: HttpTransport,
  sleep: (ms: number) => Promise<void>,
  code: string,
): Promise<SessionLookup> {
  if (code === '' || code.length > 128) return { kind: 'invalidCode' };
  const query = new URLSearchParams({
    appid: config.appId,
    secret: config.appSecret,
    js_code: code,
    grant_type: 'authorization_code',
  });
  const url = `${config.loginBaseUrl.replace(/\/+$/, '')}/sns/jscode2session?${query.toString()}`;
  let last = 'no attempt made';
  for (let i = 0; i <= config.retries; i++) {
    if (i > 0) await sleep(Math.min(2_000, config.retryBackoffMs * 2 ** (i - 1)));
    let status: number;
    let body: string;
    try {
      ({ status, body } = await transport.send({ method: 'GET', url, timeoutMs: config.timeoutMs, maxBytes: 64 * 1024 }));
    } catch (e) {
      last = `network failure or timeout: ${e instanceof Error ? e.message : String(e)}`;
      continue;
    }
    if (status >= 500) {
      last = `HTTP ${status}`;
      continue;
    }
    if (status !== 200) throw new GatewayUnavailableError(`jscode2session: unexpected HTTP ${status}`);
    const answer = parseJsonObject(body);
    const errcode = answer.errcode ?? 0;
    if (errcode === BUSY) {
      last = 'errcode -1 (busy)';
      continue;
    }
    const lookup = typeof errcode === 'number' && errcode !== 0 ? lookupOf(errcode, String(answer.errmsg ?? '')) : undefined;
    if (lookup) return lookup;
    if (errcode !== 0) throw new WechatAnswerError(String(errcode), String(answer.errmsg ?? ''), 'jscode2session');
    if (typeof answer.openid !== 'string' || answer.openid === '') {
      throw new UntrustedResponseError('jscode2session: answer has no openid');
    }
    const openid = storedAnswerField('jscode2session', 'openid', answer.openid);
    return typeof answer.unionid === 'string' && answer.unionid !== ''
      ? { kind: 'session', openid, unionid: storedAnswerField('jscode2session', 'unionid', answer.unionid) }
      : { kind: 'session', openid };
  }
  throw new GatewayUnavailableError(`jscode2session: ${last}`);
}

function parseJsonObject(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new UntrustedResponseError('jscode2session: answer is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UntrustedResponseError('jscode2session: answer is not a JSON object');
  }
  return value as Record<string, unknown>;
}
