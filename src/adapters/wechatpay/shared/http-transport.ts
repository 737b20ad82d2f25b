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
 * Node 20's fetch for ordinary calls and node:https with the merchant's Agent for mutual TLS (fetch cannot take a
 * client certificate without undici internals). Certificate verification is never relaxed; redirects are refused,
 * since WeChat never redirects an API call.
 */
export const nodeHttpTransport: HttpTransport = {
  send(request) {
    return request.agent && request.url.startsWith('https:') ? sendWithAgent(request, request.agent) : sendWithFetch(request);
  },
};

async function sendWithFetch(request: HttpRequest): Promise<HttpResponse> {
  const init: RequestInit = {
    method: request.method,
    signal: AbortSignal.timeout(request.timeoutMs),
    redirect: 'error',
  };
  if (request.headers) init.headers = request.headers;
  if (request.body !== undefined) init.body = request.body;
  const res = await fetch(request.url, init);
  const headers = Object.fromEntries(res.headers);
  if (!res.body) return { status: res.status, body: '', headers };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > request.maxBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(`response exceeds ${request.maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = Buffer.concat(chunks);
  return { status: res.status, body: bytes.toString('utf8'), bytes, headers };
}

function sendWithAgent(request: HttpRequest, agent: https.Agent): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body, 'utf8');
    const req = https.request(
      request.url,
      { method: request.method, agent, headers, signal: AbortSignal.timeout(request.timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxBytes) req.destroy(new ResponseTooLargeError(`response exceeds ${request.maxBytes} bytes`));
          else chunks.push(chunk);
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
