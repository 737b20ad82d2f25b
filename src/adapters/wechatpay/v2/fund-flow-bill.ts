import type { FundFlowDay, FundFlowKind, FundFlowLine } from '../../../application/ports/payment-gateway.js';
import type { Money } from '../../../domain/money.js';
import { BillFormatError, billCount, billLines, cellsOf, splitHeader, yuanToFen } from './bill.js';

/**
 * WeChat's fund-flow bill (资金账单): v2 `downloadfundflow` answers it as it is, v3 `fundflowbill` names a file with
 * the same table. A header line, one back-tick-prefixed line per movement of the account, then a summary header and
 * a summary line:
 *
 *   记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号
 *   `2018-02-01 04:21:23,`50000305742018020103387128253,`1900009231201802015884652186,`退款,`退款,`支出,`0.02,`0.17,`system,`缺货,`REF4200000068201801293084726067
 *   资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额
 *   `20.0,`17.0,`0.35,`3.0,`0.18
 *
 * (WeChat's v2 documentation's sample, as quoted by WxJava's BaseWxPayServiceImpl.handleFundFlow and uniCloud's
 * uni-pay docs.) Quirks seen in published samples: the amount headers with full-width （元） (v2 docs) or half-width
 * (元) (go-pay's v3 test fixture), counts printed as "20.0" or "3". The business types this reads (交易, 退款,
 * 扣除交易手续费, 退还交易手续费, 提现) are from merchants' published reconciliation code; only 退款 appears in
 * WeChat's own sample — UNCONFIRMED beyond it. A line of any other type is kept as `other`, for a person.
 */

export interface FundFlowRow {
  readonly bookedAt: string;
  /** 微信支付业务单号: transaction_id of a payment or fee, refund_id of a refund. */
  readonly businessNo: string;
  /** 资金流水单号. */
  readonly flowId: string;
  readonly businessName: string;
  readonly businessType: string;
  /** 收支类型: 收入 or 支出. */
  readonly direction: string;
  readonly amount: Money;
  /** 账户结余 after the line, as printed. */
  readonly balance: string;
  readonly applicant: string;
  readonly remark: string;
  /** 业务凭证号: the merchant's number (out_trade_no, out_refund_no) where WeChat prints one. */
  readonly voucherNo: string;
}

export interface FundFlowSummary {
  readonly count: number;
  readonly incomeCount: number;
  readonly income: Money;
  readonly expenseCount: number;
  readonly expense: Money;
}

export interface FundFlowBill {
  readonly rows: readonly FundFlowRow[];
  readonly summary: FundFlowSummary;
}

const INCOME = '收入';
const EXPENSE = '支出';

/** Header names with full-width parentheses made half-width, so either generation is read by one name. */
const normalise = (name: string): string => name.replaceAll('（', '(').replaceAll('）', ')').trim();

const REQUIRED = ['记账时间', '微信支付业务单号', '资金流水单号', '业务类型', '收支类型', '收支金额(元)'] as const;

export function parseFundFlowBill(text: string): FundFlowBill {
  const lines = billLines(text);
  if (lines.length < 3) throw new BillFormatError('a fund-flow bill has a header, a summary header and a summary line');
  const header = splitHeader(lines[0] as string).map(normalise);
  for (const name of REQUIRED) if (!header.includes(name)) throw new BillFormatError(`fund-flow bill: no ${name} column`);
  const summaryHeader = splitHeader(lines[lines.length - 2] as string).map(normalise);
  const rows = lines.slice(1, -2).map((line, i) => toRow(cellsOf(line, header, i + 2)));
  const cells = cellsOf(lines[lines.length - 1] as string, summaryHeader, lines.length);
  const count = (name: string): number => {
    const value = billCount(cells[name]);
    if (value === undefined) throw new BillFormatError(`fund-flow summary: ${name} "${cells[name] ?? ''}" is not a count`);
    return value;
  };
  const money = (name: string): Money => {
    const value = yuanToFen(cells[name] ?? '');
    if (!value) throw new BillFormatError(`fund-flow summary: ${name} "${cells[name] ?? ''}" is not an amount in yuan`);
    return value;
  };
  return {
    rows,
    summary: {
      count: count('资金流水总笔数'),
      incomeCount: count('收入笔数'),
      income: money('收入金额'),
      expenseCount: count('支出笔数'),
      expense: money('支出金额'),
    },
  };
}

function toRow(cells: Readonly<Record<string, string>>): FundFlowRow {
  const text = (name: string): string => cells[name] ?? '';
  const flowId = text('资金流水单号');
  const amount = yuanToFen(text('收支金额(元)'));
  if (!amount) throw new BillFormatError(`fund-flow line ${flowId}: 收支金额 "${text('收支金额(元)')}" is not an amount in yuan`);
  const direction = text('收支类型');
  if (direction !== INCOME && direction !== EXPENSE) throw new BillFormatError(`fund-flow line ${flowId}: 收支类型 "${direction}"`);
  return {
    bookedAt: text('记账时间'),
    businessNo: text('微信支付业务单号'),
    flowId,
    businessName: text('业务名称'),
    businessType: text('业务类型'),
    direction,
    amount,
    balance: text('账户结余(元)'),
    applicant: text('资金变更提交申请人'),
    remark: text('备注'),
    voucherNo: text('业务凭证号'),
  };
}

/** Where the summary line disagrees with the lines (counts and totals per direction): the bill may be cut off. */
export function fundFlowDiscrepancies(bill: FundFlowBill): string[] {
  const { rows, summary } = bill;
  const side = (direction: string) => rows.filter((r) => r.direction === direction);
  const total = (list: readonly FundFlowRow[]): number => list.reduce((sum, r) => sum + r.amount.fen, 0);
  const [income, expense] = [side(INCOME), side(EXPENSE)];
  const found: string[] = [];
  if (summary.count !== rows.length) found.push(`资金流水总笔数 ${summary.count}, but the bill has ${rows.length} lines`);
  if (summary.incomeCount !== income.length) found.push(`收入笔数 ${summary.incomeCount}, but the bill has ${income.length} income lines`);
  if (summary.income.fen !== total(income))
    found.push(`收入金额 ${summary.income.fen} fen, but the income lines add up to ${total(income)} fen`);
  if (summary.expenseCount !== expense.length) {
    found.push(`支出笔数 ${summary.expenseCount}, but the bill has ${expense.length} expense lines`);
  }
  if (summary.expense.fen !== total(expense)) {
    found.push(`支出金额 ${summary.expense.fen} fen, but the expense lines add up to ${total(expense)} fen`);
  }
  return found;
}

/** What a line moved, from its business type (业务类型, else 业务名称) and direction. */
export function fundFlowKind(row: FundFlowRow): FundFlowKind {
  const type = row.businessType || row.businessName;
  const income = row.direction === INCOME;
  if (type === '交易' && income) return 'payment';
  if (type === '退款' && !income) return 'refund';
  if (type === '扣除交易手续费' && !income) return 'fee';
  if (type === '退还交易手续费' && income) return 'feeReturn';
  if (type === '提现' && !income) return 'payout';
  return 'other';
}

/** The port's view of a parsed bill. */
export function fundFlowDay(bill: FundFlowBill): FundFlowDay {
  return {
    lines: bill.rows.map((row): FundFlowLine => ({
      flowId: row.flowId,
      kind: fundFlowKind(row),
      income: row.direction === INCOME,
      amount: row.amount,
      businessNo: row.businessNo,
      voucherNo: row.voucherNo,
      bookedAt: row.bookedAt,
      description: [row.businessName, row.businessType, row.remark].filter((part) => part !== '').join(' / '),
    })),
    discrepancies: fundFlowDiscrepancies(bill),
  };
}
