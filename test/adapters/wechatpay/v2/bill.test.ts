import { describe, expect, it } from 'vitest';
import { BillFormatError, parseTradeBill, summaryDiscrepancies, yuanToFen } from '../../../../src/adapters/wechatpay/v2/bill.js';

const NEW_FORMAT = [
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  '`2026-01-15 12:01:02,`wxd930ea5d5a258f4f,`10000100,`0,`,`4200000015201711256947025404,`0026011512000000020000000001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`99.00,`0.00,`0,`0,`0.00,`0.00,`,`,`课程,A,`,`0.59400,`0.60%,`99.00,`0.00,`',
  '`2026-01-15 13:00:00,`wxd930ea5d5a258f4f,`10000100,`0,`,`4200000015201711256947025404,`0026011512000000020000000001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50000404922017112502468056157,`R1,`0.29,`0.00,`ORIGINAL,`SUCCESS,`课程,A,`,`0.00000,`0.60%,`0.00,`0.29,`',
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  '`2,`99.00,`0.29,`0.00,`0.59400,`99.00,`0.29',
  '',
].join('\r\n');

// The older 24-column layout (总金额 instead of 应结订单金额, no 订单金额), LF line endings, BOM.
const OLD_FORMAT =
  '\uFEFF交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率\n' +
  '`2014-11-10 16:33:45,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1001690740201411100005734289,`1415640626,`085e9858e3ba5186aafcbaed1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`0.01,`0.0,`0,`0,`0,`0,`,`,`被扫支付测试,`订单额外描述,`0,`0.60%\n' +
  '总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额\n' +
  '`1,`0.01,`0.0,`0,`0\n';

describe('yuanToFen', () => {
  it.each([
    ['0.01', 1],
    ['0.29', 29],
    ['1.1', 110],
    ['99.00', 9900],
    ['5', 500],
    ['0.0', 0],
    ['21474836.47', 2147483647],
  ])('%s yuan → %d fen, exactly', (text, fen) => {
    expect(yuanToFen(text)?.fen).toBe(fen);
  });

  it.each(['', '-1.00', '1.001', '1e2', '0x10', ' 1.00', '1,00', '.5', '01.00', '21474836.48'])('%j is refused', (text) => {
    expect(yuanToFen(text)).toBeUndefined();
  });
});

describe('summaryDiscrepancies', () => {
  it('finds none in a sound bill, in either layout', () => {
    expect(summaryDiscrepancies(parseTradeBill(NEW_FORMAT))).toEqual([]);
    expect(summaryDiscrepancies(parseTradeBill(OLD_FORMAT))).toEqual([]);
  });

  it('names each total that disagrees with the rows: a cut-off or garbled bill is never a clean day', () => {
    const cut = NEW_FORMAT.split('\r\n');
    cut.splice(2, 1); // the refund row is lost
    expect(summaryDiscrepancies(parseTradeBill(cut.join('\r\n')))).toEqual([
      '总交易单数 2, but the bill has 1 rows',
      '退款总金额 29 fen, but the rows add up to 0 fen',
    ]);
  });
});

describe('parseTradeBill', () => {
  it.each(['45', '45.0', '45.00'])('reads the trade count %j', (count) => {
    const lines = NEW_FORMAT.split('\r\n');
    lines[4] = lines[4]?.replace('`2,', `\`${count},`) ?? '';
    expect(parseTradeBill(lines.join('\r\n')).summary.tradeCount).toBe(45);
  });

  it.each(['45.5', '-1', '4e1', ''])('refuses the trade count %j', (count) => {
    const lines = NEW_FORMAT.split('\r\n');
    lines[4] = lines[4]?.replace('`2,', `\`${count},`) ?? '';
    expect(() => parseTradeBill(lines.join('\r\n'))).toThrow(BillFormatError);
  });

  it('reads the newer layout: rows, amounts in fen, commas inside a cell', () => {
    const bill = parseTradeBill(NEW_FORMAT);
    expect(bill.rows).toHaveLength(2);
    const [payment, refund] = bill.rows;
    expect(payment?.outTradeNo).toBe('0026011512000000020000000001');
    expect(payment?.settlementTotalFee.fen).toBe(9900);
    expect(payment?.totalFee.fen).toBe(9900);
    expect(payment?.body).toBe('课程,A');
    expect(payment?.attach).toBe('');
    expect(payment?.serviceFee).toBe('0.59400');
    expect(refund?.tradeState).toBe('REFUND');
    expect(refund?.refundFee.fen).toBe(29);
    expect(refund?.outRefundNo).toBe('R1');
    expect(bill.summary.tradeCount).toBe(2);
    expect(bill.summary.refundFee.fen).toBe(29);
  });

  it('reads the older layout by column name', () => {
    const bill = parseTradeBill(OLD_FORMAT);
    expect(bill.rows[0]?.settlementTotalFee.fen).toBe(1);
    expect(bill.rows[0]?.tradeType).toBe('MICROPAY');
    expect(bill.summary.settlementTotalFee.fen).toBe(1);
  });

  it.each([
    ['too short', 'a,b\n`1,`2'],
    ['a missing back-tick', NEW_FORMAT.replace('`99.00,`0.00,`0,', '99.00,`0.00,`0,')],
    ['a float amount', NEW_FORMAT.replace('`99.00,`0.00,`0,', '`99.001,`0.00,`0,')],
    ['a short row', NEW_FORMAT.replace(',`0.60%,`99.00,`0.00,`', '')],
  ])('refuses %s', (_name, text) => {
    expect(() => parseTradeBill(text)).toThrow(BillFormatError);
  });
});
