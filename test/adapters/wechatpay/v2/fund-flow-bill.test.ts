import { describe, expect, it } from 'vitest';
import { BillFormatError } from '../../../../src/adapters/wechatpay/v2/bill.js';
import { fundFlowDay, fundFlowDiscrepancies, parseFundFlowBill } from '../../../../src/adapters/wechatpay/v2/fund-flow-bill.js';
import { Money } from '../../../../src/domain/money.js';
import { writeFundFlowBill, serviceFeeFen } from '../../../../src/sandbox/simulator/bill-writer.js';
import type { SimOrder } from '../../../../src/sandbox/simulator/records.js';

const HEADER_V2 =
  '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号';
const SUMMARY_HEADER = '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额';

describe('parseFundFlowBill: the published samples', () => {
  it("reads go-pay's v3 fixture (wechat/v3 client_test.go): half-width (元), counts without decimals, two refunds", () => {
    const text =
      '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号\n' +
      '`2021-02-01 13:54:01,`50300806962021020105978994968,`4200000920202101197964319284,`退款,`退款,`支出,`0.01,`0.22,`1601959334API,`退款总金额0.01元;含手续费0.00元,`S20210201135356381941\n' +
      '`2021-02-01 14:00:45,`50300907032021020105978998710,`4200000846202101197461830397,`退款,`退款,`支出,`0.01,`0.21,`1601959334API,`退款总金额0.01元;含手续费0.00元,`S20210201140044552846\n' +
      '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\n' +
      '`3,`1,`0.01,`2,`0.02\n';
    const bill = parseFundFlowBill(text);
    expect(bill.rows.map((r) => [r.businessNo, r.voucherNo, r.amount.fen, r.balance, r.applicant])).toEqual([
      ['50300806962021020105978994968', 'S20210201135356381941', 1, '0.22', '1601959334API'],
      ['50300907032021020105978998710', 'S20210201140044552846', 1, '0.21', '1601959334API'],
    ]);
    // The fixture's summary counts an income line it does not show: reported, not trusted.
    expect(fundFlowDiscrepancies(bill)).toEqual([
      '资金流水总笔数 3, but the bill has 2 lines',
      '收入笔数 1, but the bill has 0 income lines',
      '收入金额 1 fen, but the income lines add up to 0 fen',
    ]);
    expect(fundFlowDay(bill).lines.map((l) => l.kind)).toEqual(['refund', 'refund']);
  });

  it('classifies lines by 业务类型 and direction: payments, fees, fee returns, refunds, payouts, and the rest for a person', () => {
    const line = (type: string, direction: string, name = '交易') =>
      `\`2026-01-14 12:00:00,\`4200000015201711256947025404,\`1900000000000000000000000${type.length}${direction.length},\`${name},\`${type},\`${direction},\`1.00,\`1.00,\`system,\`,\`2026011412000000020000000001`;
    const text = [
      HEADER_V2,
      line('交易', '收入'),
      line('扣除交易手续费', '支出'),
      line('退还交易手续费', '收入', '退款'),
      line('退款', '支出', '退款'),
      line('提现', '支出', '提现'),
      line('交易', '支出'),
      line('充值', '收入', '充值'),
      SUMMARY_HEADER,
      '`7.0,`3.0,`3.00,`4.0,`4.00',
    ].join('\r\n');
    const day = fundFlowDay(parseFundFlowBill(text));
    expect(day.lines.map((l) => l.kind)).toEqual(['payment', 'fee', 'feeReturn', 'refund', 'payout', 'other', 'other']);
    expect(day.discrepancies).toEqual([]);
  });

  it.each([
    ['a cell without its back-tick', '2018-02-01 04:21:23,`5,`1,`退款,`退款,`支出,`0.02,`0.17,`system,`,`R', /back-tick/],
    ['an amount that is not yuan', '`2018-02-01 04:21:23,`5,`1,`退款,`退款,`支出,`0.021,`0.17,`system,`,`R', /not an amount in yuan/],
    ['a negative amount', '`2018-02-01 04:21:23,`5,`1,`退款,`退款,`支出,`-0.02,`0.17,`system,`,`R', /not an amount in yuan/],
    ['a direction that is neither 收入 nor 支出', '`2018-02-01 04:21:23,`5,`1,`退款,`退款,`出,`0.02,`0.17,`system,`,`R', /收支类型/],
    ['a missing cell', '`2018-02-01 04:21:23,`5,`1,`退款,`退款,`支出,`0.02,`0.17,`system,`R', /10 cells, expected 11/],
  ])('refuses %s', (_name, row, error) => {
    expect(() => parseFundFlowBill([HEADER_V2, row, SUMMARY_HEADER, '`1.0,`0.0,`0.00,`1.0,`0.02'].join('\n'))).toThrow(error);
  });

  it('refuses a bill without the columns it matches on, or whose summary is not counts and amounts', () => {
    expect(() =>
      parseFundFlowBill(['记账时间,资金流水单号', '`2018-02-01 04:21:23,`1', SUMMARY_HEADER, '`1,`0,`0,`1,`0'].join('\n')),
    ).toThrow(/no 微信支付业务单号 column/);
    expect(() => parseFundFlowBill([HEADER_V2, SUMMARY_HEADER, '`one,`0,`0.00,`0,`0.00'].join('\n'))).toThrow(BillFormatError);
  });
});

describe("the simulator's fund-flow bill, read back", () => {
  const paidAt = new Date(Date.UTC(2026, 0, 14, 4, 0, 0)); // 12:00 Beijing time
  const order = (no: number, totalFee: number, couponFee = 0): SimOrder => ({
    outTradeNo: `20260114120000000200000000${no}`,
    params: {},
    signType: 'MD5',
    createdAt: paidAt,
    totalFee,
    openid: 'oU',
    notifyUrl: 'https://merchant.example/notify',
    prepays: [],
    refunds: [],
    state: 'SUCCESS',
    transactionId: `42000000152017112569470254${no}`,
    paidAt,
    couponFee,
  });

  it.each(['v2', 'v3'] as const)('%s: a payment, its fee, a coupon, and a refund the next day; every summary agrees', (dialect) => {
    const a = order(11, 9900);
    const b = order(12, 1900, 500);
    b.refunds.push({
      api: 'v2',
      outRefundNo: `${b.outTradeNo}R1`,
      refundId: '50000000382019052709732678859',
      refundFee: 1000,
      notifyUrl: undefined,
      createdAt: paidAt,
      status: 'SUCCESS',
      successAt: new Date(paidAt.getTime() + 24 * 3_600_000),
    });
    const first = writeFundFlowBill([a, b], '20260114', '10000100', dialect) ?? '';
    expect(first.startsWith('\uFEFF记账时间')).toBe(true);
    expect(first).toContain(dialect === 'v2' ? '收支金额（元）' : '收支金额(元)');
    const day = fundFlowDay(parseFundFlowBill(first));
    expect(day.discrepancies).toEqual([]);
    expect(day.lines.map((l) => [l.kind, l.amount.fen, l.businessNo, l.voucherNo])).toEqual([
      ['payment', 9900, a.transactionId, a.outTradeNo],
      ['fee', serviceFeeFen(9900), a.transactionId, a.outTradeNo],
      ['payment', 1400, b.transactionId, b.outTradeNo],
      ['fee', serviceFeeFen(1400), b.transactionId, b.outTradeNo],
    ]);
    const next = fundFlowDay(parseFundFlowBill(writeFundFlowBill([a, b], '20260115', '10000100', dialect) ?? ''));
    expect(next.lines).toEqual([
      expect.objectContaining({
        kind: 'refund',
        amount: Money.ofFen(1000),
        businessNo: '50000000382019052709732678859',
        voucherNo: `${b.outTradeNo}R1`,
      }),
    ]);
    expect(next.discrepancies).toEqual([]);
    expect(writeFundFlowBill([a, b], '20260116', '10000100', dialect)).toBeUndefined();
  });

  it('rounds the 0.6 % service fee half up to the fen (9900 fen → 59, 1 fen → 0)', () => {
    expect([9900, 1400, 1, 83, 84, 250].map(serviceFeeFen)).toEqual([59, 8, 0, 0, 1, 2]);
  });
});
