/**
 * Readers of a reconciliation run's recorded summary (JSON read back from storage): every field is checked, none
 * assumed, so a run recorded by an older version still shows, with what it lacks left empty.
 */
export const summaryRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export const summaryCount = (value: unknown): number => (typeof value === 'number' ? value : 0);

export const summaryList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * A trade-bill run's payments unknown here, each with the merchant whose bill it came from; a run recorded before
 * merchants were named has its out_trade_nos alone.
 */
export function summaryUnknownPayments(s: Record<string, unknown>): { readonly merchantId?: string; readonly outTradeNo: string }[] {
  if (!Array.isArray(s.unknownPayments)) return summaryList(s.unknown).map((outTradeNo) => ({ outTradeNo }));
  return s.unknownPayments.map(summaryRecord).map((p) => ({
    outTradeNo: String(p.outTradeNo ?? ''),
    ...(typeof p.merchantId === 'string' ? { merchantId: p.merchantId } : {}),
  }));
}

/** The periodic run's counts, named as its report names them (ReconcilePending and the use cases it runs). */
export const PENDING_COUNTS = [
  'checked',
  'paid',
  'failed',
  'closed',
  'flagged',
  'errors',
  'refundsSettled',
  'refundsResubmitted',
  'coinsRepaired',
] as const;
