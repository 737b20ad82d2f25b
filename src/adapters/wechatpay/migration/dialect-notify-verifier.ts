import type {
  CallbackRejection,
  InboundCallback,
  NotifyVerifier,
  PaymentNotice,
  RefundNotice,
} from '../../../application/ports/notify-verifier.js';
import { err, type Result } from '../../../domain/result.js';
import { callbackDialect, type CallbackDialect } from '../shared/callback-dialect.js';

/**
 * The v2 → v3 migration without downtime: with both credential sets configured, each callback goes to the verifier
 * of its own dialect (XML → v2, JSON or Wechatpay-* headers → v3), so orders opened on v2 still complete after the
 * switch and a rollback keeps v3 orders completing. With one API configured, every callback goes to its verifier
 * (which refuses what is not its own), exactly as before the migration began.
 */
export class DialectNotifyVerifier implements NotifyVerifier {
  constructor(private readonly verifiers: Readonly<Partial<Record<CallbackDialect, NotifyVerifier>>>) {}

  payment(callback: InboundCallback): Promise<Result<PaymentNotice, CallbackRejection>> {
    const verifier = this.verifierFor(callback);
    return verifier ? verifier.payment(callback) : Promise.resolve(NONE);
  }

  refund(callback: InboundCallback): Promise<Result<RefundNotice, CallbackRejection>> {
    const verifier = this.verifierFor(callback);
    return verifier ? verifier.refund(callback) : Promise.resolve(NONE);
  }

  private verifierFor(callback: InboundCallback): NotifyVerifier | undefined {
    const { v2, v3 } = this.verifiers;
    if (v2 && v3) return callbackDialect(callback) === 'v3' ? v3 : v2;
    return v2 ?? v3;
  }
}

const NONE: Result<never, CallbackRejection> = err({ reason: 'notConfigured', detail: 'no WeChat Pay API is configured' });
