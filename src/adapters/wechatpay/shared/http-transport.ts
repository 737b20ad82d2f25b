import http from 'node:http';
import https from 'node:https';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Applies to the whole exchange, body included. */
  readonly timeoutMs: number;
  /** A longer answer is cut off and reported as an error rather than buffered. */
  readonly maxBytes: number;
  /** Mutual TLS (the merchant certificate) for /secapi calls; only meaningful for https URLs. */
  readonly agent?: https.Agent;
}

export interface HttpResponse {
  readonly status: number;
  /** The body decoded as UTF-8. */
  readonly body: string;
  /** The body as received, for answers that are not text (a gzip-compressed bill). */
  readonly bytes?: Buffer;
  /** Lower-case names. API v3 answers are signed in their Wechatpay-* headers; v2 ignores them. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The network, as the WeChat client needs it; tests substitute it to count and replay requests. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
}

export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

/**
 * Kept-alive connections for every call without a client certificate, as fetch (undici) kept them: an idle socket is
 * closed after 4 s (undici's default; sooner when the server's Keep-Alive header says so), so a connection the
 * server has dropped is rarely reused.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000 } as const;
const sharedAgents = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent(KEEP_ALIVE) };

/** What fetch sent when a caller named no User-Agent (API v3 names its own): WeChat sees no change. */
const DEFAULT_USER_AGENT = 'node';

/**
 * node:http and node:https on kept-alive Agents; with the merchant's own Agent for mutual TLS. It replaced Node's
 * fetch (undici), whose request and stream machinery cost about 8 % of the server's CPU per first notify (an
 * orderquery each). Certificate verification is never relaxed; redirects are not followed (WeChat never redirects an
 * API call): a 3xx comes back as the status it is, which the clients refuse as unexpected.
 */
export const nodeHttpTransport: HttpTransport = {
  send(request) {
    const secure = request.url.startsWith('https:');
    return sendWithAgent(request, request.agent && secure ? request.agent : secure ? sharedAgents.https : sharedAgents.http);
  },
};

function sendWithAgent(request: HttpRequest, agent: http.Agent): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'user-agent': DEFAULT_USER_AGENT, ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body, 'utf8');
    const transport = request.url.startsWith('https:') ? https : http;
    const req = transport.request(
      request.url,
      { method: request.method, agent, headers, signal: AbortSignal.timeout(request.timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= request.maxBytes) return void chunks.push(chunk);
          // Refused first, then the connection dropped: destroying alone let 'end' resolve with what was kept so far.
          reject(new ResponseTooLargeError(`response exceeds ${request.maxBytes} bytes`));
          req.destroy();
        });
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, body: bytes.toString('utf8'), bytes, headers: flatHeaders(res.headers) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** node:http keeps a few repeated headers as arrays; a repeat is joined, as fetch does, and then fails verification. */
function flatHeaders(raw: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
