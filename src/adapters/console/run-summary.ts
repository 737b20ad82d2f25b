/**
 * Readers of a reconciliation run's recorded summary (JSON read back from storage): every field is checked, none
 * assumed, so a run recorded by an older version still shows, with what it lacks left empty.
 */
export const summaryRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export const summaryCount = (value: unknown): number => (typeof value === 'number' ? value : 0);

export const summaryList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

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
