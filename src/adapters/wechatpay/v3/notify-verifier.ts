import type { Clock } from '../../../application/ports/clock.js';
import type {
  CallbackRejection,
  InboundCallback,
  NotifyVerifier,
  PaymentNotice,
  RefundNotice,
} from '../../../application/ports/notify-verifier.js';
import { err, ok, type Result } from '../../../domain/result.js';
import { decryptResource } from './aead-aes-256-gcm.js';
import { verifyAnswer } from './answer-verifier.js';
import { paymentNoticeOf, refundNoticeOf, type Json, type MerchantIds } from './answers.js';
import type { V3Trust } from './trust.js';
import { HEADER, headerValue } from './wechatpay-headers.js';

export interface V3NotifyVerifierOptions {
  readonly merchant: MerchantIds;
  readonly apiV3Key: Buffer;
  readonly trust: V3Trust;
  /** Business time (a refund notice's time when WeChat gives none). */
  readonly clock: Clock;
  /** The ±300 s check of the signature's timestamp. Default: `clock` (the sandbox keeps signatures on real time). */
  readonly signatureClock?: Clock;
}

/** The event types each route takes (digest §12.4; the refund ones are UNCONFIRMED there, and match WeChat's pages). */
const PAYMENT_EVENTS: readonly string[] = ['TRANSACTION.SUCCESS'];
const REFUND_EVENTS: Readonly<Record<string, string>> = {
  'REFUND.SUCCESS': 'SUCCESS',
  'REFUND.ABNORMAL': 'ABNORMAL',
  'REFUND.CLOSED': 'CLOSED',
};

const reject = (reason: string, detail: string): Result<never, CallbackRejection> => err({ reason, detail });

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * API v3's callbacks, in wechatpay-go's order: the signature over the raw bytes (less than 300 s off, SIGNTEST probes
 * refused, key by Wechatpay-Serial — an unknown serial first makes the trust refresh once, rate-limited) before a
 * single byte of the body is parsed; then the envelope and its event type; then the resource, which must decrypt under our
 * APIv3 key (AEAD: a changed ciphertext, nonce or associated_data fails the tag); then strict fields.
 */
export class WechatPayV3NotifyVerifier implements NotifyVerifier {
  constructor(private readonly options: V3NotifyVerifierOptions) {}

  async payment(callback: InboundCallback): Promise<Result<PaymentNotice, CallbackRejection>> {
    const opened = await this.open(callback, (event) => PAYMENT_EVENTS.includes(event), 'transaction');
    if (!opened.ok) return opened;
    const notice = paymentNoticeOf(opened.value.resource, this.options.merchant);
    return typeof notice === 'string' ? reject(notice, `transaction resource: ${notice}`) : ok(notice);
  }

  async refund(callback: InboundCallback): Promise<Result<RefundNotice, CallbackRejection>> {
    const opened = await this.open(callback, (event) => REFUND_EVENTS[event] !== undefined, 'refund');
    if (!opened.ok) return opened;
    const { event, resource } = opened.value;
    const notice = refundNoticeOf(resource, this.options.merchant, this.options.clock.now());
    if (typeof notice === 'string') return reject(notice, `refund resource: ${notice}`);
    if (REFUND_EVENTS[event] !== notice.status) return reject('badField', `${event} with refund_status ${notice.status}`);
    return ok(notice);
  }

  private async open(
    callback: InboundCallback,
    wanted: (event: string) => boolean,
    originalType: string,
  ): Promise<Result<{ event: string; resource: Json }, CallbackRejection>> {
    const verified = await this.verify(callback);
    if (!verified.ok) return verified;
    const envelope = parseObject(callback.body);
    if (!envelope) return reject('malformedJson', 'body is not a JSON object');
    const event = envelope.event_type;
    if (typeof event !== 'string' || !wanted(event))
      return reject('unexpectedEvent', `event_type ${String(event).slice(0, 40)} is not for this route`);
    if (envelope.resource_type !== 'encrypt-resource' || !isRecord(envelope.resource)) {
      return reject('malformedJson', 'resource_type is not encrypt-resource');
    }
    const declared = envelope.resource.original_type;
    if (declared !== undefined && declared !== originalType) return reject('unexpectedEvent', `original_type is not ${originalType}`);
    const plaintext = decryptResource(envelope.resource, this.options.apiV3Key);
    if (plaintext === undefined) return reject('undecryptable', 'resource does not decrypt and authenticate with our APIv3 key');
    const resource = parseObject(plaintext);
    if (!resource) return reject('malformedResource', 'decrypted resource is not a JSON object');
    return ok({ event, resource });
  }

  private async verify(callback: InboundCallback): Promise<Result<true, CallbackRejection>> {
    const { trust } = this.options;
    const clock = this.options.signatureClock ?? this.options.clock;
    let verified = verifyAnswer(callback.headers, callback.body, trust.keys(), clock.now());
    if (!verified.ok && verified.error.reason === 'unknownSerial') {
      const serial = headerValue(callback.headers, HEADER.serial);
      if (typeof serial === 'string' && (await trust.learn(serial)))
        verified = verifyAnswer(callback.headers, callback.body, trust.keys(), clock.now());
    }
    return verified.ok ? ok(true) : reject(verified.error.reason, verified.error.detail);
  }
}
