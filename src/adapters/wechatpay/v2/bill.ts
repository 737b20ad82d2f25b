import type { BilledDay, RefundBillDay } from '../../../application/ports/payment-gateway.js';
import { MAX_FEN, Money } from '../../../domain/money.js';

/** One detail row of a v2 trade bill; amounts converted from yuan to fen exactly, every cell kept in `cells`. */
export interface BillRow {
  /** 交易时间, `yyyy-MM-dd HH:mm:ss` Beijing time, as printed. */
  readonly tradeTime: string;
  readonly appId: string;
  readonly mchId: string;
  readonly transactionId: string;
  readonly outTradeNo: string;
  readonly openid: string;
  readonly tradeType: string;
  /** 交易状态: SUCCESS, REFUND, REVOKED, ... */
  readonly tradeState: string;
  /** 应结订单金额 (older bills: 总金额). */
  readonly settlementTotalFee: Money;
  /** 订单金额 where the bill has it (newer format), else the settlement amount. */
  readonly totalFee: Money;
  readonly refundId: string;
  readonly outRefundNo: string;
  /** 退款金额; zero on payment rows. */
  readonly refundFee: Money;
  readonly refundStatus: string;
  readonly body: string;
  readonly attach: string;
  /** 手续费 has five decimals of yuan, finer than a fen: kept as printed. */
  readonly serviceFee: string;
  readonly cells: Readonly<Record<string, string>>;
}

export interface BillSummary {
  readonly tradeCount: number;
  readonly settlementTotalFee: Money;
  readonly refundFee: Money;
  readonly cells: Readonly<Record<string, string>>;
}

export interface TradeBill {
  readonly rows: readonly BillRow[];
  readonly summary: BillSummary;
}

export class BillFormatError extends Error {
  override readonly name = 'BillFormatError';
}

/**
 * Yuan text (`12.34`, `0.01`, `5`) to fen by string arithmetic: a float would turn 0.29 yuan into 28 fen. Anything
 * but plain non-negative decimals with at most two places is refused.
 */
export function yuanToFen(text: string): Money | undefined {
  const m = /^(0|[1-9][0-9]{0,9})(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen <= MAX_FEN ? Money.ofFen(fen) : undefined;
}

// Headers vary between bill generations; each field is found by any of its known column names.
const COLUMNS = {
  tradeTime: ['交易时间'],
  appId: ['公众账号ID'],
  mchId: ['商户号'],
  transactionId: ['微信订单号'],
  outTradeNo: ['商户订单号'],
  openid: ['用户标识'],
  tradeType: ['交易类型'],
  tradeState: ['交易状态'],
  settlementTotalFee: ['应结订单金额', '总金额'],
  totalFee: ['订单金额'],
  refundId: ['微信退款单号'],
  outRefundNo: ['商户退款单号'],
  refundFee: ['退款金额'],
  refundStatus: ['退款状态'],
  body: ['商品名称'],
  attach: ['商户数据包'],
  serviceFee: ['手续费'],
} as const;

/**
 * Parses the downloadbill text table (digest §10): a header line, detail lines whose cells each start with a
 * back-tick, then a summary header and a summary line. Throws BillFormatError on anything it cannot read exactly.
 */
export function parseTradeBill(text: string): TradeBill {
  const lines = billLines(text);
  if (lines.length < 3) throw new BillFormatError('a bill has a header, a summary header and a summary line');
  const header = splitHeader(lines[0] as string);
  const summaryHeader = splitHeader(lines[lines.length - 2] as string);
  const rows = lines.slice(1, -2).map((line, i) => toRow(cellsOf(line, header, i + 2)));
  const summaryCells = cellsOf(lines[lines.length - 1] as string, summaryHeader, lines.length);
  // Some bills print the count as a decimal ("45.0").
  const count = billCount(summaryCells['总交易单数']);
  if (count === undefined) throw new BillFormatError('summary: 总交易单数 is not a count');
  const summary: BillSummary = {
    tradeCount: count,
    settlementTotalFee: amount(summaryCells, ['应结订单总金额', '总交易额'], 'summary'),
    refundFee: amount(summaryCells, ['退款总金额', '总退款金额'], 'summary'),
    cells: summaryCells,
  };
  return { rows, summary };
}

/** The non-blank lines of a bill, without the byte order mark WeChat puts first (for Excel). */
export function billLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

/** A count as bills print it: "45", or "45.0" in some bills. */
export function billCount(text: string | undefined): number | undefined {
  const count = /^(0|[1-9][0-9]{0,8})(?:\.0+)?$/.exec(text ?? '');
  return count ? Number(count[1]) : undefined;
}

/**
 * Where the bill's summary line disagrees with its own rows (count, settled total, refunded total): such a bill may
 * be cut off or garbled, so a day it describes cannot be called clean. Empty when the two agree.
 */
export function summaryDiscrepancies(bill: TradeBill): string[] {
  const { rows, summary } = bill;
  const settled = rows.reduce((sum, r) => sum + r.settlementTotalFee.fen, 0);
  const refunded = rows.reduce((sum, r) => sum + r.refundFee.fen, 0);
  const found: string[] = [];
  if (summary.tradeCount !== rows.length) found.push(`总交易单数 ${summary.tradeCount}, but the bill has ${rows.length} rows`);
  if (summary.settlementTotalFee.fen !== settled) {
    found.push(`应结订单总金额 ${summary.settlementTotalFee.fen} fen, but the rows add up to ${settled} fen`);
  }
  if (summary.refundFee.fen !== refunded) found.push(`退款总金额 ${summary.refundFee.fen} fen, but the rows add up to ${refunded} fen`);
  return found;
}

export function splitHeader(line: string): string[] {
  return line.split(',').map((h) => h.trim());
}

export function cellsOf(line: string, header: readonly string[], lineNo: number): Record<string, string> {
  // Every cell starts with a back-tick (an Excel guard), so ",`" separates cells even when a body holds a comma.
  if (!line.startsWith('`')) throw new BillFormatError(`line ${lineNo}: cells lack the back-tick prefix`);
  const raw = line.slice(1).split(',`');
  if (raw.length !== header.length) throw new BillFormatError(`line ${lineNo}: ${raw.length} cells, expected ${header.length}`);
  const cells: Record<string, string> = Object.create(null) as Record<string, string>;
  header.forEach((name, i) => {
    cells[name] = raw[i] as string;
  });
  return cells;
}

function pick(cells: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  for (const name of names) if (cells[name] !== undefined) return cells[name];
  return undefined;
}

function amount(cells: Readonly<Record<string, string>>, names: readonly string[], where: string): Money {
  const text = pick(cells, names);
  if (text === undefined) throw new BillFormatError(`${where}: no ${names.join('/')} column`);
  const money = yuanToFen(text);
  if (!money) throw new BillFormatError(`${where}: ${names[0]} "${text}" is not an amount in yuan`);
  return money;
}

function toRow(cells: Readonly<Record<string, string>>): BillRow {
  const text = (names: readonly string[]): string => pick(cells, names) ?? '';
  const where = `row ${text(COLUMNS.outTradeNo)}`;
  const settlementTotalFee = amount(cells, COLUMNS.settlementTotalFee, where);
  const hasTotal = pick(cells, COLUMNS.totalFee) !== undefined;
  const refundText = pick(cells, COLUMNS.refundFee);
  return {
    tradeTime: text(COLUMNS.tradeTime),
    appId: text(COLUMNS.appId),
    mchId: text(COLUMNS.mchId),
    transactionId: text(COLUMNS.transactionId),
    outTradeNo: text(COLUMNS.outTradeNo),
    openid: text(COLUMNS.openid),
    tradeType: text(COLUMNS.tradeType),
    tradeState: text(COLUMNS.tradeState),
    settlementTotalFee,
    totalFee: hasTotal ? amount(cells, COLUMNS.totalFee, where) : settlementTotalFee,
    refundId: text(COLUMNS.refundId),
    outRefundNo: text(COLUMNS.outRefundNo),
    refundFee: refundText === undefined || refundText === '' ? Money.ZERO : amount(cells, COLUMNS.refundFee, where),
    refundStatus: text(COLUMNS.refundStatus),
    body: text(COLUMNS.body),
    attach: text(COLUMNS.attach),
    serviceFee: text(COLUMNS.serviceFee),
    cells,
  };
}

/** The payments of a SUCCESS trade bill, as the port names them. */
export function billedDay(bill: TradeBill): BilledDay {
  return {
    payments: bill.rows.map((row) => ({ outTradeNo: row.outTradeNo, transactionId: row.transactionId, totalFee: row.totalFee })),
    discrepancies: summaryDiscrepancies(bill),
  };
}

/**
 * The refunds of a REFUND trade bill (one row per refund made that day, 交易状态 REFUND), as the port names them. A
 * row that is not a refund (no 商户退款单号) would be a payment in the wrong bill: the bill is refused.
 */
export function refundBillDay(bill: TradeBill): RefundBillDay {
  return {
    refunds: bill.rows.map((row) => {
      if (row.outRefundNo === '' || row.outRefundNo === '0')
        throw new BillFormatError(`refund bill: row ${row.outTradeNo} has no 商户退款单号`);
      return {
        outTradeNo: row.outTradeNo,
        transactionId: row.transactionId,
        outRefundNo: row.outRefundNo,
        refundId: row.refundId,
        amount: row.refundFee,
        status: row.refundStatus,
      };
    }),
    discrepancies: summaryDiscrepancies(bill),
  };
}
