import type {
  CallbackRejection,
  InboundCallback,
  NotifyVerifier,
  PaymentNotice,
  RefundNotice,
} from '../../application/ports/notify-verifier.js';
import type { Result } from '../../domain/result.js';

/**
 * One callback route for every merchant: a callback is WeChat's for a merchant only once that merchant's own verifier
 * (its keys, its appid and mch_id) accepts it, and an API v3 callback names its merchant only inside the encrypted
 * resource, so each merchant's verifier is asked in turn and the first to accept wins. When none does, the first
 * merchant's refusal is the one logged: with one merchant, exactly what its verifier says.
 */
export function anyMerchantVerifier(verifiers: readonly NotifyVerifier[]): NotifyVerifier {
  const first = verifiers[0];
  if (!first) throw new RangeError('no merchant to verify callbacks for');
  const firstAccepting = async <T>(verify: (v: NotifyVerifier) => Promise<Result<T, CallbackRejection>>) => {
    const refused = await verify(first);
    for (const verifier of verifiers.slice(1)) {
      if (refused.ok) break;
      const verdict = await verify(verifier);
      if (verdict.ok) return verdict;
    }
    return refused;
  };
  return {
    payment: (callback: InboundCallback): Promise<Result<PaymentNotice, CallbackRejection>> => firstAccepting((v) => v.payment(callback)),
    refund: (callback: InboundCallback): Promise<Result<RefundNotice, CallbackRejection>> => firstAccepting((v) => v.refund(callback)),
  };
}
