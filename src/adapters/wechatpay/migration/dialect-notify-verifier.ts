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
 * switch and a rollback keeps v3 orders completing. A dialect with no verifier configured is refused.
 */
export class DialectNotifyVerifier implements NotifyVerifier {
  constructor(private readonly verifiers: Readonly<Partial<Record<CallbackDialect, NotifyVerifier>>>) {}

  payment(callback: InboundCallback): Promise<Result<PaymentNotice, CallbackRejection>> {
    const verifier = this.verifiers[callbackDialect(callback)];
    return verifier ? verifier.payment(callback) : Promise.resolve(unsupported(callback));
  }

  refund(callback: InboundCallback): Promise<Result<RefundNotice, CallbackRejection>> {
    const verifier = this.verifiers[callbackDialect(callback)];
    return verifier ? verifier.refund(callback) : Promise.resolve(unsupported(callback));
  }
}

const unsupported = (callback: InboundCallback): Result<never, CallbackRejection> =>
  err({ reason: 'unsupportedDialect', detail: `an API ${callbackDialect(callback)} callback, and that API is not configured` });
