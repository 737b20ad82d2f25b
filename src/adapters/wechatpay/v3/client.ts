import { GatewayUnavailableError } from '../../../application/ports/payment-gateway.js';
import { UntrustedResponseError, WechatAnswerError } from '../shared/errors.js';
import { ResponseTooLargeError, type HttpResponse } from '../shared/http-transport.js';
import { verifyAnswer, type AnswerRejection, type VerifiedAnswer } from './answer-verifier.js';
import type { DownloadAnswer } from './certificate-download.js';
import { classifyErrorAnswer, type V3ErrorAnswer } from './error-answer.js';
import { V3Requester, type V3RequesterConfig, type V3RequesterDeps } from './requester.js';
import type { V3Trust } from './trust.js';
import { HEADER, headerValue, requestIdOf } from './wechatpay-headers.js';
import type { Result } from '../../../domain/result.js';

export interface V3ClientConfig extends V3RequesterConfig {
  /** Extra attempts after the first, for network failures, timeouts, 5xx, 202, 429 and SYSTEM_ERROR. */
  readonly retries: number;
  /** First backoff; doubles per attempt, capped at 2 s. */
  readonly retryBackoffMs: number;
}

/** One failed attempt, for the operator's log: WeChat's Request-ID is what its support asks for. */
export interface V3Failure {
  readonly operation: string;
  readonly attempt: number;
  readonly willRetry: boolean;
  readonly status?: number;
  readonly code?: string;
  readonly message: string;
  readonly requestId?: string;
}

export interface V3ClientDeps extends V3RequesterDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly trust: V3Trust;
  readonly onFailure?: (failure: V3Failure) => void;
}

export type V3Answer =
  /** A verified 2xx (204 included): the body as sent. */
  | { readonly kind: 'ok'; readonly status: number; readonly body: string; readonly requestId?: string }
  /** A verified refusal that retrying cannot change. */
  | { readonly kind: 'refused'; readonly error: V3ErrorAnswer };

export interface V3Call {
  readonly method: 'GET' | 'POST';
  readonly pathAndQuery: string;
  readonly body?: string;
  readonly maxBytes?: number;
}

/** JSON answers are small; a bill is downloaded separately with its own limit. */
export const ANSWER_MAX_BYTES = 256 * 1024;
const MAX_BACKOFF_MS = 2_000;

/** Thrown inside an attempt to ask for another one; never escapes the client. */
class RetryableFailure extends Error {}

/** WechatAnswerError with the Request-ID in its message, where every log line that prints the error will show it. */
export class V3AnswerError extends WechatAnswerError {
  constructor(
    readonly answer: V3ErrorAnswer,
    operation: string,
  ) {
    super(answer.code ?? `HTTP ${answer.status}`, answer.message, `${operation}${requestIdSuffix(answer.requestId)}`);
  }
}

/** An answer whose signature (or shape) failed: never trusted, never retried into trust. */
export class UnverifiedAnswerError extends UntrustedResponseError {
  constructor(
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(`${message}${requestIdSuffix(requestId)}`);
  }
}

const requestIdSuffix = (id: string | undefined): string => (id === undefined ? '' : ` [Request-ID ${id}]`);

/**
 * Signs, sends and verifies API v3 calls. Every answer a caller sees verified — 2xx, 204 and refusals alike —
 * with a key chosen by its Wechatpay-Serial; an unknown serial makes the trust refresh once (platform mode), then
 * the answer is refused. 5xx, 202, 429 and SYSTEM_ERROR are retried with the same method, URL and body. Whatever
 * stays unknown is a GatewayUnavailableError whose message carries WeChat's Request-ID.
 */
export class WechatV3Client {
  private readonly requester: V3Requester;

  constructor(
    private readonly config: V3ClientConfig,
    private readonly deps: V3ClientDeps,
  ) {
    this.requester = new V3Requester(config, deps);
    deps.trust.attachDownloader(() => this.certificates());
  }

  get http(): V3Requester {
    return this.requester;
  }

  async call(operation: string, call: V3Call): Promise<V3Answer> {
    await this.deps.trust.ensureFresh();
    return this.withRetries(operation, async () => {
      const response = await this.attempt(operation, () =>
        this.requester.send({
          ...call,
          maxBytes: call.maxBytes ?? ANSWER_MAX_BYTES,
          ...serialHeader(this.deps.trust.requestSerial()),
        }),
      );
      const answer = await this.interpret(operation, response);
      if (answer.kind === 'refused') this.report(operation, 0, new V3AnswerError(answer.error, operation), false);
      return answer;
    });
  }

  /** A GET whose answer WeChat does not sign (the bill file): retried like any call, TLS and a hash vouch for it. */
  async fetchUnsigned(operation: string, url: URL, maxBytes: number): Promise<string> {
    return (await this.fetchUnsignedBytes(operation, url, maxBytes)).toString('utf8');
  }

  /** fetchUnsigned's bytes as they came (a gzip-compressed bill is not text). */
  async fetchUnsignedBytes(operation: string, url: URL, maxBytes: number): Promise<Buffer> {
    if (!this.requester.isOurHost(url)) throw new UntrustedResponseError(`${operation}: refusing to send our signature to ${url.origin}`);
    return this.withRetries(operation, async () => {
      const response = await this.attempt(operation, () => this.requester.sendTo(url, { method: 'GET', maxBytes }));
      if (response.status === 200) return response.bytes ?? Buffer.from(response.body, 'utf8');
      if (response.status >= 500) throw new RetryableFailure(`HTTP ${response.status}`);
      throw new GatewayUnavailableError(
        `${operation}: unexpected HTTP ${response.status}${requestIdSuffix(requestIdOf(response.headers ?? {}))}`,
      );
    });
  }

  /** `GET /v3/certificates`, unverified: certificate-download.ts decides whether it may be believed. */
  private async certificates(): Promise<DownloadAnswer> {
    const response = await this.requester.send({
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      maxBytes: ANSWER_MAX_BYTES,
      ...serialHeader(this.deps.trust.requestSerial()),
    });
    if (response.status !== 200) throw new GatewayUnavailableError(`certificates: HTTP ${response.status}`);
    return { headers: response.headers ?? {}, body: response.body };
  }

  private async attempt(operation: string, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    try {
      return await send();
    } catch (e) {
      if (e instanceof ResponseTooLargeError) throw new UntrustedResponseError(`${operation}: ${e.message}`);
      throw new RetryableFailure(`network failure or timeout: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  private async interpret(operation: string, response: HttpResponse): Promise<V3Answer> {
    const { status, body } = response;
    const headers = response.headers ?? {};
    const requestId = requestIdOf(headers);
    // Retrying is always safe, so a retryable status needs no signature; acting on an answer does.
    if (status >= 500 || status === 202 || status === 429) {
      const error = classifyErrorAnswer(status, body, headers);
      throw new RetryableFailure(`HTTP ${status} ${error.code ?? ''}`.trim(), { cause: new V3AnswerError(error, operation) });
    }
    if (status === 401) {
      // SIGN_ERROR: WeChat could not verify us, so it does not sign its answer either. Our key or serial is wrong.
      throw new V3AnswerError(classifyErrorAnswer(status, body, headers), operation);
    }
    const verified = await this.verify(headers, body);
    if (!verified.ok) {
      const { reason, detail } = verified.error;
      throw new UnverifiedAnswerError(`${operation}: HTTP ${status} answer refused (${reason}: ${detail})`, requestId);
    }
    if (status >= 200 && status < 300) return { kind: 'ok', status, body, ...(requestId === undefined ? {} : { requestId }) };
    const error = classifyErrorAnswer(status, body, headers);
    if (error.retryable)
      throw new RetryableFailure(`${error.code ?? status} ${error.message}`, { cause: new V3AnswerError(error, operation) });
    if (status >= 400 && status < 500) return { kind: 'refused', error };
    throw new GatewayUnavailableError(`${operation}: unexpected HTTP ${status}${requestIdSuffix(requestId)}`);
  }

  private async verify(headers: Readonly<Record<string, string>>, body: string): Promise<Result<VerifiedAnswer, AnswerRejection>> {
    const { trust, clock } = this.deps;
    const first = verifyAnswer(headers, body, trust.keys(), clock.now());
    if (first.ok || first.error.reason !== 'unknownSerial') return first;
    const serial = headerValue(headers, HEADER.serial);
    if (typeof serial !== 'string') return first;
    return (await trust.learn(serial)) ? verifyAnswer(headers, body, trust.keys(), clock.now()) : first;
  }

  private async withRetries<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    let last: RetryableFailure | undefined;
    for (let i = 0; i <= this.config.retries; i++) {
      if (i > 0) await this.deps.sleep(Math.min(MAX_BACKOFF_MS, this.config.retryBackoffMs * 2 ** (i - 1)));
      try {
        return await attempt();
      } catch (e) {
        this.report(operation, i, e, e instanceof RetryableFailure && i < this.config.retries);
        if (!(e instanceof RetryableFailure)) throw e;
        last = e;
      }
    }
    if (last?.cause instanceof V3AnswerError) throw last.cause;
    throw new GatewayUnavailableError(`${operation}: ${last?.message ?? 'no attempt made'}`, { cause: last });
  }

  private report(operation: string, attempt: number, e: unknown, willRetry: boolean): void {
    const answer =
      e instanceof V3AnswerError ? e.answer : e instanceof Error && e.cause instanceof V3AnswerError ? e.cause.answer : undefined;
    const message = e instanceof Error ? e.message : String(e);
    const requestId = answer?.requestId ?? (e instanceof UnverifiedAnswerError ? e.requestId : undefined);
    this.deps.onFailure?.({
      operation,
      attempt,
      willRetry,
      message,
      ...(answer ? { status: answer.status } : {}),
      ...(answer?.code === undefined ? {} : { code: answer.code }),
      ...(requestId === undefined ? {} : { requestId }),
    });
  }
}

const serialHeader = (serial: string | undefined): { wechatpaySerial?: string } =>
  serial === undefined ? {} : { wechatpaySerial: serial };
