import { createHash } from 'node:crypto';
import { formatBeijingCompact } from '../../domain/beijing-time.js';
import { beijingDateTime as formatBeijingDateTime } from './codec/index.js';
import type { SimOrder, SimRefund } from './state.js';

export type BillKind = 'ALL' | 'SUCCESS' | 'REFUND';

/**
 * Columns of the v2 trade bills, per bill_type. The shapes (ALL with the refund columns, SUCCESS without them,
 * REFUND with 退款申请时间/退款成功时间) are those WeChat documented for the older layout; the newer names and the
 * trailing 订单金额/申请退款金额/费率备注 columns are as remembered from WeChat's bill page — UNCONFIRMED. The
 * gateway's parser finds columns by name, so it reads either generation.
 */
const TRADE = ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识'] as const;
const PAYMENT = ['交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额'] as const;
const REFUND = ['微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态'] as const;
const GOODS_AND_FEES = ['商品名称', '商户数据包', '手续费', '费率'] as const;

export const BILL_COLUMNS: Readonly<Record<BillKind, readonly string[]>> = {
  ALL: [...TRADE, ...PAYMENT, ...REFUND, ...GOODS_AND_FEES, '订单金额', '申请退款金额', '费率备注'],
  SUCCESS: [...TRADE, ...PAYMENT, ...GOODS_AND_FEES, '订单金额', '费率备注'],
  REFUND: [...TRADE, ...PAYMENT, '退款申请时间', '退款成功时间', ...REFUND, ...GOODS_AND_FEES, '订单金额', '申请退款金额', '费率备注'],
};
export const BILL_SUMMARY_HEADER = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
] as const;

/** 0.6 %: the common rate for mini-program merchants; fees print in 1/100000 yuan. */
const FEE_PER_FEN_IN_1E5_YUAN = 6;
/** WeChat's bills start with a UTF-8 byte order mark (so that Excel reads the Chinese header). */
const BOM = '\uFEFF';

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const yuan5 = (units: number): string => `${Math.floor(units / 100_000)}.${String(units % 100_000).padStart(5, '0')}`;
const dayOf = (at: Date | undefined): string | undefined => (at ? formatBeijingCompact(at).slice(0, 8) : undefined);

type Row = Readonly<Record<string, string>>;

const HOUR_MS = 60 * 60 * 1000;

/**
 * Whether a Beijing day's bill (`yyyyMMdd`) can be fetched at `now`: WeChat generates it from 09:00 the next morning
 * and it is there from 10:00. `invalid` for a date that does not exist, `future` for one that has not begun.
 */
export function billAvailability(date: string, now: Date): 'invalid' | 'future' | 'notReady' | 'ready' {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!m) return 'invalid';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utcMidnight = new Date(Date.UTC(year, month - 1, day));
  if (utcMidnight.getUTCMonth() !== month - 1 || utcMidnight.getUTCDate() !== day) return 'invalid';
  const start = utcMidnight.getTime() - 8 * HOUR_MS; // 00:00 Beijing time (UTC+8)
  if (now.getTime() < start) return 'future';
  return now.getTime() >= start + 34 * HOUR_MS ? 'ready' : 'notReady'; // 10:00 the next day
}

interface Totals {
  settled: number;
  ordered: number;
  refunded: number;
  fees: number;
}

/**
 * The bill text for one Beijing day, or undefined when there was no trade (WeChat answers "No Bill Exist"). A
 * payment row counts what the user paid in cash as 应结订单金额, and a coupon's part as 代金券金额.
 */
export function writeTradeBill(
  orders: readonly SimOrder[],
  billDate: string,
  billType: BillKind,
  mch: { appId: string; mchId: string },
): string | undefined {
  const rows: Row[] = [];
  const totals: Totals = { settled: 0, ordered: 0, refunded: 0, fees: 0 };
  for (const order of orders) {
    if (billType !== 'REFUND' && order.paidAt && dayOf(order.paidAt) === billDate) rows.push(paymentRow(order, mch, totals));
    if (billType === 'SUCCESS') continue;
    for (const refund of order.refunds) {
      if (dayOf(refund.successAt ?? refund.createdAt) === billDate) rows.push(refundRow(order, refund, mch, totals));
    }
  }
  if (rows.length === 0) return undefined;
  const columns = BILL_COLUMNS[billType];
  const line = (cells: readonly string[]): string => cells.map((c) => `\`${c}`).join(',');
  const { settled, ordered, refunded, fees } = totals;
  return [
    BOM + columns.join(','),
    ...rows.map((row) => line(columns.map((name) => row[name] ?? ''))),
    BILL_SUMMARY_HEADER.join(','),
    line([String(rows.length), yuan(settled), yuan(refunded), '0.00', yuan5(fees), yuan(ordered), yuan(refunded)]),
    '',
  ].join('\r\n');
}

function tradeCells(order: SimOrder, mch: { appId: string; mchId: string }, state: string): Row {
  return {
    交易时间: formatBeijingDateTime(order.paidAt as Date),
    // The order's own appid (a merchant may take payments for several; a partner order's is the sp_appid).
    公众账号ID: order.params.appid ?? order.params.sp_appid ?? mch.appId,
    商户号: mch.mchId,
    特约商户号: order.scope?.subMchId ?? '0',
    设备号: '',
    微信订单号: order.transactionId ?? '',
    商户订单号: order.outTradeNo,
    用户标识: order.openid,
    交易类型: 'JSAPI',
    交易状态: state,
    付款银行: 'OTHERS',
    货币种类: 'CNY',
    商品名称: order.params.body ?? '',
    商户数据包: order.params.attach ?? '',
    费率: '0.60%',
    费率备注: '',
  };
}

function paymentRow(order: SimOrder, mch: { appId: string; mchId: string }, totals: Totals): Row {
  const cash = order.totalFee - order.couponFee;
  const fee = cash * FEE_PER_FEN_IN_1E5_YUAN;
  totals.settled += cash;
  totals.ordered += order.totalFee;
  totals.fees += fee;
  return {
    ...tradeCells(order, mch, 'SUCCESS'),
    应结订单金额: yuan(cash),
    代金券金额: yuan(order.couponFee),
    微信退款单号: '0',
    商户退款单号: '0',
    退款金额: '0.00',
    充值券退款金额: '0.00',
    退款类型: '',
    退款状态: '',
    手续费: yuan5(fee),
    订单金额: yuan(order.totalFee),
    申请退款金额: '0.00',
  };
}

function refundRow(order: SimOrder, refund: SimRefund, mch: { appId: string; mchId: string }, totals: Totals): Row {
  totals.refunded += refund.refundFee;
  return {
    ...tradeCells(order, mch, 'REFUND'),
    应结订单金额: '0.00',
    代金券金额: '0.00',
    退款申请时间: formatBeijingDateTime(refund.createdAt),
    退款成功时间: refund.successAt ? formatBeijingDateTime(refund.successAt) : '',
    微信退款单号: refund.refundId,
    商户退款单号: refund.outRefundNo,
    退款金额: yuan(refund.refundFee),
    充值券退款金额: '0.00',
    退款类型: 'ORIGINAL',
    退款状态: refund.status,
    手续费: '0.00000',
    订单金额: '0.00',
    申请退款金额: yuan(refund.refundFee),
  };
}

/**
 * The two generations of the fund-flow bill's header, as published: v2's documentation prints the amount columns
 * with full-width （元）, go-pay's v3 fixture with half-width (元); the v2 sample prints counts as "20.0", the v3 one
 * as "3". The simulator writes each API's own, so the gateway's parser must read both.
 */
export type FundFlowDialect = 'v2' | 'v3';

const FUND_FLOW_COLUMNS = (dialect: FundFlowDialect): readonly string[] => {
  const yuanUnit = dialect === 'v2' ? '（元）' : '(元)';
  return [
    '记账时间',
    '微信支付业务单号',
    '资金流水单号',
    '业务名称',
    '业务类型',
    '收支类型',
    `收支金额${yuanUnit}`,
    `账户结余${yuanUnit}`,
    '资金变更提交申请人',
    '备注',
    '业务凭证号',
  ];
};
export const FUND_FLOW_SUMMARY_HEADER = ['资金流水总笔数', '收入笔数', '收入金额', '支出笔数', '支出金额'] as const;

interface Movement {
  readonly at: Date;
  readonly businessNo: string;
  readonly flowId: string;
  readonly name: string;
  readonly type: string;
  readonly income: boolean;
  readonly fen: number;
  readonly applicant: string;
  readonly remark: string;
  readonly voucherNo: string;
}

/** The service fee of a payment in fen, rounded half up from the trade bill's 1/100000 yuan. */
export const serviceFeeFen = (cashFen: number): number => Math.floor((cashFen * FEE_PER_FEN_IN_1E5_YUAN + 500) / 1000);

/** A stable 资金流水单号 for a movement: 28 digits, the same on every download. */
function flowIdOf(kind: string, key: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(`${kind}:${key}`).digest('hex').slice(0, 24)}`).toString();
  return `1900${digits.padStart(24, '0').slice(0, 24)}`;
}

/** Every movement of the basic account the simulator knows: payments in, their fees out, refunds out once paid back. */
function movementsOf(orders: readonly SimOrder[], mchId: string): Movement[] {
  const moves: Movement[] = [];
  for (const order of orders) {
    if (!order.paidAt || !order.transactionId) continue;
    const cash = order.totalFee - order.couponFee;
    const trade = { businessNo: order.transactionId, applicant: 'system', voucherNo: order.outTradeNo };
    moves.push({
      ...trade,
      at: order.paidAt,
      flowId: flowIdOf('pay', order.transactionId),
      name: '交易',
      type: '交易',
      income: true,
      fen: cash,
      remark: '',
    });
    const fee = serviceFeeFen(cash);
    if (fee > 0) {
      const flowId = flowIdOf('fee', order.transactionId);
      moves.push({ ...trade, at: order.paidAt, flowId, name: '交易', type: '扣除交易手续费', income: false, fen: fee, remark: '' });
    }
    for (const refund of order.refunds) {
      if (refund.status !== 'SUCCESS' || !refund.successAt) continue;
      moves.push({
        at: refund.successAt,
        businessNo: refund.refundId,
        flowId: flowIdOf('refund', refund.refundId),
        name: '退款',
        type: '退款',
        income: false,
        fen: refund.refundFee,
        applicant: `${mchId}API`,
        // As in go-pay's fixture: the simulator returns no part of the fee on a refund.
        remark: `退款总金额${yuan(refund.refundFee)}元;含手续费0.00元`,
        voucherNo: refund.outRefundNo,
      });
    }
  }
  return moves.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * The basic account's fund-flow bill (资金账单) for one Beijing day, or undefined when nothing moved. 账户结余 runs
 * from an empty account at the simulator's first payment.
 */
export function writeFundFlowBill(
  orders: readonly SimOrder[],
  billDate: string,
  mchId: string,
  dialect: FundFlowDialect,
): string | undefined {
  let balance = 0;
  const rows: string[][] = [];
  let income = { count: 0, fen: 0 };
  let expense = { count: 0, fen: 0 };
  for (const move of movementsOf(orders, mchId)) {
    balance += move.income ? move.fen : -move.fen;
    if (dayOf(move.at) !== billDate) continue;
    if (move.income) income = { count: income.count + 1, fen: income.fen + move.fen };
    else expense = { count: expense.count + 1, fen: expense.fen + move.fen };
    rows.push([
      formatBeijingDateTime(move.at),
      move.businessNo,
      move.flowId,
      move.name,
      move.type,
      move.income ? '收入' : '支出',
      yuan(move.fen),
      // A simulated account can go below zero (a refund of a payment made before the simulator's state began).
      balance < 0 ? `-${yuan(-balance)}` : yuan(balance),
      move.applicant,
      move.remark,
      move.voucherNo,
    ]);
  }
  if (rows.length === 0) return undefined;
  const count = (n: number): string => (dialect === 'v2' ? `${n}.0` : String(n));
  const line = (cells: readonly string[]): string => cells.map((c) => `\`${c}`).join(',');
  return [
    BOM + FUND_FLOW_COLUMNS(dialect).join(','),
    ...rows.map(line),
    FUND_FLOW_SUMMARY_HEADER.join(','),
    line([count(rows.length), count(income.count), yuan(income.fen), count(expense.count), yuan(expense.fen)]),
    '',
  ].join('\r\n');
}
