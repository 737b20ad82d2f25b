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
    公众账号ID: mch.appId,
    商户号: mch.mchId,
    特约商户号: '0',
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
