import type { MerchantId } from '../../domain/merchant.js';
import type { PaymentGateway } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';

/** What a day's bills of every merchant come to as a whole: the day is reconciled only when each one was there. */
export interface EveryMerchantBill {
  readonly available: boolean;
  /** The bills' own disagreements, each named with its merchant when there is more than one. */
  readonly discrepancies: string[];
}

/**
 * Fetches one kind of bill from every configured merchant in turn (each merchant account has its own) and hands each
 * to `onBill` before the next is fetched, so what one merchant's bill settles stays settled if a later fetch fails.
 */
export async function forEveryMerchantBill<B extends { readonly discrepancies: readonly string[] }>(
  gateways: PaymentGateways,
  fetch: (gateway: PaymentGateway) => Promise<B | undefined>,
  onBill: (merchantId: MerchantId, bill: B) => Promise<void> | void,
): Promise<EveryMerchantBill> {
  const { merchantIds } = gateways;
  const result = { available: true, discrepancies: [] as string[] };
  for (const merchantId of merchantIds) {
    const bill = await fetch(gateways.forMerchant(merchantId));
    if (!bill) {
      result.available = false;
      continue;
    }
    result.discrepancies.push(...bill.discrepancies.map((d) => (merchantIds.length > 1 ? `${merchantId}: ${d}` : d)));
    await onBill(merchantId, bill);
  }
  return result;
}
