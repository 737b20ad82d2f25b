import { err, ok, type Result } from '../../../domain/result.js';
import { decodeBase64 } from './base64.js';
import { parseUnixSeconds } from './timestamp.js';

/** The only v3 signature scheme; it names the request Authorization scheme and `Wechatpay-Signature-Type`. */
export const SIGNATURE_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** The five auth-params of a merchant request, exactly as they appear (values unquoted). */
export interface AuthorizationParams {
  readonly mchid: string;
  readonly nonce_str: string;
  readonly timestamp: string;
  readonly serial_no: string;
  readonly signature: string;
}

type ParamName = keyof AuthorizationParams;

/**
 * What each value may be. Real SDKs send digits for mchid, 32 alphanumerics for the nonce, 40 hex digits for the
 * merchant certificate serial; the bounds are a little wider than that but never admit `"`, `\`, `,` or spaces, so a
 * header we build is always one we parse back to the same values.
 */
const VALUE_RULES: Readonly<Record<ParamName, (value: string) => boolean>> = {
  mchid: (v) => /^[0-9]{1,32}$/.test(v),
  nonce_str: (v) => /^[0-9A-Za-z_-]{1,64}$/.test(v),
  timestamp: (v) => parseUnixSeconds(v) !== undefined,
  serial_no: (v) => /^[0-9A-Fa-f]{1,64}$/.test(v),
  signature: (v) => v !== '' && decodeBase64(v) !== undefined,
};

const PARAM_NAMES = Object.keys(VALUE_RULES) as ParamName[];
const isParamName = (name: string): name is ParamName => (PARAM_NAMES as string[]).includes(name);

/** The order wechatpay-axios-plugin's Formatter.authorization uses, so both produce byte-identical headers. */
const BUILD_ORDER: readonly ParamName[] = ['mchid', 'serial_no', 'timestamp', 'nonce_str', 'signature'];

/** Throws RangeError for a value the parser would refuse: that is a programming or configuration error. */
export function buildAuthorization(params: AuthorizationParams): string {
  const bad = BUILD_ORDER.filter((name) => !VALUE_RULES[name](params[name]));
  if (bad.length > 0) throw new RangeError(`cannot build a v3 Authorization header: invalid ${bad.join(', ')}`);
  return `${SIGNATURE_SCHEME} ${BUILD_ORDER.map((name) => `${name}="${params[name]}"`).join(',')}`;
}

export type AuthorizationRejectionReason =
  'missing' | 'wrongScheme' | 'malformed' | 'unknownParam' | 'duplicateParam' | 'missingParam' | 'badValue';

export interface AuthorizationRejection {
  readonly reason: AuthorizationRejectionReason;
  /** Names parameters, never echoes values. */
  readonly detail: string;
}

const reject = (reason: AuthorizationRejectionReason, detail: string): Result<never, AuthorizationRejection> => err({ reason, detail });

/** `name="value"` followed by a comma or the end; optional whitespace around commas (RFC 9110 auth-param OWS). */
const PARAM = /[ \t]*([A-Za-z0-9_]+)="([^"\\]*)"[ \t]*(,|$)/y;

/**
 * Strict parser for the simulator: scheme exactly `WECHATPAY2-SHA256-RSA2048` followed by one space, then exactly the
 * five known parameters, each once, each quoted, each value well-formed. Parameter order is free (WeChat's docs and
 * the SDKs all differ). Never throws.
 */
export function parseAuthorization(header: unknown): Result<AuthorizationParams, AuthorizationRejection> {
  if (typeof header !== 'string' || header === '') return reject('missing', 'no Authorization header');
  const prefix = `${SIGNATURE_SCHEME} `;
  if (!header.startsWith(prefix)) return reject('wrongScheme', `scheme is not ${SIGNATURE_SCHEME}`);
  const rest = header.slice(prefix.length);
  const found = new Map<ParamName, string>();
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < rest.length) {
    const at = PARAM.lastIndex;
    const match = PARAM.exec(rest);
    if (match === null || match.index !== at) return reject('malformed', `unparsable auth-params at offset ${at}`);
    const [, name = '', value = '', separator] = match;
    if (!isParamName(name)) return reject('unknownParam', `unknown parameter ${name.slice(0, 32)}`);
    if (found.has(name)) return reject('duplicateParam', `parameter ${name} given twice`);
    found.set(name, value);
    if (separator === '' && PARAM.lastIndex < rest.length) return reject('malformed', 'trailing characters');
    if (separator === ',' && PARAM.lastIndex === rest.length) return reject('malformed', 'trailing comma');
  }
  const missing = PARAM_NAMES.filter((name) => !found.has(name));
  if (missing.length > 0) return reject('missingParam', `missing ${missing.join(', ')}`);
  const params = Object.fromEntries(found) as unknown as AuthorizationParams;
  const bad = PARAM_NAMES.filter((name) => !VALUE_RULES[name](params[name]));
  if (bad.length > 0) return reject('badValue', `invalid ${bad.join(', ')}`);
  return ok(params);
}
