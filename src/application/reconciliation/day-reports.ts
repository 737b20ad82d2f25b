import type { BillReport } from './reconcile-bill.js';
import type { FundFlowReport } from './reconcile-fund-flow.js';
import type { RefundBillReport } from './reconcile-refund-bill.js';

/**
 * One day's three bill reconciliations: the trade bill's report, with the refund and fund-flow bills' beside it. Either
 * of those two is absent when it could not be reconciled (WeChat unreachable, no merchant certificate for
 * downloadfundflow): its run is then recorded as failed, with the reason, and the trade bill's report still stands.
 */
export type DayReports = BillReport & { readonly refundBill?: RefundBillReport; readonly fundFlow?: FundFlowReport };
