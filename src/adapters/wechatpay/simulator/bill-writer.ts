import { formatBeijingCompact } from '../../../domain/beijing-time.js';
import { beijingDateTime as formatBeijingDateTime } from './codec/index.js';
import type { SimOrder } from './state.js';

/**
 * Column names of the v2 trade bill (newer 27-column layout, as remembered from WeChat's bill page — UNCONFIRMED,
 * the digest only describes the shape). The gateway's parser finds columns by name, so it reads older layouts too.
 */
export const BILL_HEADER = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const;
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

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const yuan5 = (units: number): string => `${Math.floor(units / 100_000)}.${String(units % 100_000).padStart(5, '0')}`;
const dayOf = (at: Date | undefined): string | undefined => (at ? formatBeijingCompact(at).slice(0, 8) : undefined);

export type BillKind = 'ALL' | 'SUCCESS' | 'REFUND';

/** The bill text for one Beijing day, or undefined when there was no trade (WeChat answers "No Bill Exist"). */
export function writeTradeBill(
  orders: readonly SimOrder[],
  billDate: string,
  billType: BillKind,
  mch: { appId: string; mchId: string },
): string | undefined {
  const rows: string[][] = [];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  for (const order of orders) {
    const common = (state: string): string[] => [
      mch.appId,
      mch.mchId,
      '0',
      '',
      order.transactionId ?? '',
      order.outTradeNo,
      order.openid,
      'JSAPI',
      state,
      'OTHERS',
      'CNY',
    ];
    if (billType !== 'REFUND' && order.paidAt && dayOf(order.paidAt) === billDate) {
      const fee = order.totalFee * FEE_PER_FEN_IN_1E5_YUAN;
      settled += order.totalFee;
      fees += fee;
      rows.push([
        formatBeijingDateTime(order.paidAt),
        ...common('SUCCESS'),
        yuan(order.totalFee),
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        order.params.body ?? '',
        order.params.attach ?? '',
        yuan5(fee),
        '0.60%',
        yuan(order.totalFee),
        '0.00',
        '',
      ]);
    }
    if (billType === 'SUCCESS') continue;
    for (const refund of order.refunds) {
      const at = refund.successAt ?? refund.createdAt;
      if (dayOf(at) !== billDate) continue;
      refunded += refund.refundFee;
      rows.push([
        formatBeijingDateTime(at),
        ...common('REFUND'),
        '0.00',
        '0.00',
        refund.refundId,
        refund.outRefundNo,
        yuan(refund.refundFee),
        '0.00',
        'ORIGINAL',
        refund.status,
        order.params.body ?? '',
        order.params.attach ?? '',
        '0.00000',
        '0.60%',
        '0.00',
        yuan(refund.refundFee),
        '',
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  const line = (cells: readonly string[]): string => cells.map((c) => `\`${c}`).join(',');
  return [
    BILL_HEADER.join(','),
    ...rows.map(line),
    BILL_SUMMARY_HEADER.join(','),
    line([String(rows.length), yuan(settled), yuan(refunded), '0.00', yuan5(fees), yuan(settled), yuan(refunded)]),
    '',
  ].join('\r\n');
}
