/**
 * The one rule for what reaches a log line, whichever logger writes it (access lines, errors, gateway calls, the
 * embedded simulator, the CLIs): URLs keep their path and only query parameters known to be harmless; fields named
 * like credentials lose their values wherever they are nested or quoted; and every configured secret is replaced
 * wherever it appears, even inside an error message that quotes a URL or a body.
 */

export const REDACTED = '[redacted]';

/**
 * Query parameters whose values are safe to keep: the service's own search and prepay fields, and WeChat's non-secret
 * ones. Anything else (`secret`, `js_code`, `access_token`, a caller's `?token=`) keeps its name and loses its value.
 */
export const LOGGED_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'goods_id',
  'paid_type',
  'param',
  'limit',
  'offset',
  'status',
  'from',
  'to',
  'uid',
  'needs_review',
  'out_trade_no',
  'transaction_id',
  'subject',
  'date',
  'lang',
  'page',
  'done',
  'ended',
  'mchid',
  'bill_date',
  'bill_type',
  'tar_type',
  'grant_type',
  'appid',
]);

/** Field names whose values are credentials, wherever they turn up (JSON, nested, or quoted inside a message). */
const SECRET_FIELDS = [
  'session_key',
  'sessionKey',
  'access_token',
  'js_code',
  'secret',
  'appSecret',
  'apiKey',
  'api_key',
  'apiV3Key',
  'sessionSecret',
  'adminToken',
  'metricsToken',
  'token',
  'password',
  'passphrase',
  'csrf',
  'csrfToken',
  '_csrf',
  'authorization',
  'cookie',
  'paySign',
  'sign',
];

// name=value inside a URL or a form body in any string: the value runs to the next separator, quote or escape.
const QUERY_PAIR = /([?&])([^=&\s"'#\\]{1,64})=([^&\s"'#\\<]*)/g;
// "field":"value" in a JSON line, also when the JSON is itself quoted inside a string (\"field\":\"value\").
const SECRET_FIELD = new RegExp(`(\\\\?"(?:${SECRET_FIELDS.join('|')})\\\\?"\\s*:\\s*\\\\?")((?:[^"\\\\]|\\\\[^"])*)`, 'gi');

/** A URL (absolute or a path with its query) as it may be logged: the path, and only harmless query values. */
export function loggableUrl(url: string): string {
  return url.replace(QUERY_PAIR, keepHarmless);
}

function keepHarmless(_match: string, separator: string, name: string, value: string): string {
  return `${separator}${name}=${LOGGED_QUERY_PARAMETERS.has(name) || value === '' ? value : REDACTED}`;
}

/** Shorter values are not worth hunting for: they would match ordinary text and no real credential is that short. */
const MIN_SECRET_LENGTH = 8;

/** A log scrubber, which can be told of a secret after it was made (one read at a reload of MERCHANTS_FILE). */
export interface LogScrubber {
  (line: string): string;
  /** From the next line on, these are replaced too. */
  learn(secrets: readonly (string | undefined)[]): void;
}

/** The scrubber every log line passes through before it is written; `secrets` are the configured credentials. */
export function logScrubber(secrets: readonly (string | undefined)[]): LogScrubber {
  const literal = new Set<string>();
  const learn = (more: readonly (string | undefined)[]): void => {
    for (const s of more) {
      if (s === undefined || s.length < MIN_SECRET_LENGTH) continue;
      literal.add(s);
      // As it appears inside a JSON string, too.
      literal.add(JSON.stringify(s).slice(1, -1));
    }
  };
  learn(secrets);
  const scrub = (line: string): string => {
    let out = line.replace(QUERY_PAIR, keepHarmless).replace(SECRET_FIELD, (_m, head: string) => `${head}${REDACTED}`);
    for (const secret of literal) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return Object.assign(scrub, { learn });
}
