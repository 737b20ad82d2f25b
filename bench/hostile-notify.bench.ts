/**
 * `npm run bench`: how fast the payment-notify pipeline refuses hostile bodies (reliability checklist 9: < 50 ms,
 * memory flat) and accepts a genuine one. Reports, does not assert: targets are read off this table, not enforced by
 * timed tests. Runs in-process on the parser and verifier the HTTP route uses.
 */
import { parsePaymentNotify, type MerchantKeys } from '../src/adapters/wechatpay/v2/notify.js';
import { signFields } from '../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml } from '../src/adapters/wechatpay/v2/xml.js';

const MERCHANT: MerchantKeys = {
  appId: 'wxd930ea5d5a258f4f',
  mchId: '10000100',
  apiKey: '192006250b4c09247ec02edce69f6a2d',
  signType: 'MD5',
};
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2_000);

const genuineFields = {
  appid: MERCHANT.appId,
  mch_id: MERCHANT.mchId,
  nonce_str: 'ibuaiVcKdpRxkhJA',
  result_code: 'SUCCESS',
  return_code: 'SUCCESS',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  out_trade_no: '2026011512000000020000000001',
  total_fee: '9900',
  cash_fee: '9900',
  fee_type: 'CNY',
  trade_type: 'JSAPI',
  bank_type: 'OTHERS',
  is_subscribe: 'N',
  time_end: '20260115120102',
  transaction_id: '4200000015201711256947025404',
};
const genuine = buildWechatXml({ ...genuineFields, sign: signFields(genuineFields, MERCHANT.apiKey, 'MD5') });
const inner = genuine.slice('<xml>'.length, -'</xml>'.length);
const laughs = [
  '<!DOCTYPE lolz [<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
  ']>',
].join('');

const bodies: [string, string][] = [
  ['genuine notify (accepted)', genuine],
  ['flipped sign', genuine.replace(/<sign><!\[CDATA\[(.)/, (_m, c: string) => `<sign><![CDATA[${c === 'A' ? 'B' : 'A'}`)],
  ['XXE file:///etc/passwd', `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml>${inner}<attach>&xxe;</attach></xml>`],
  ['billion laughs', `${laughs}<xml>${inner}<attach>&lol9;</attach></xml>`],
  ['100k numeric references', `<xml><attach>${'&#65;'.repeat(100_000)}</attach></xml>`],
  ['multiple DOCTYPEs', `<!DOCTYPE a><!DOCTYPE b><xml>${inner}</xml>`],
  ['16 KB of elements', `<xml>${'<a>1</a>'.repeat(2_400)}</xml>`],
  ['duplicate total_fee', genuine.replace('<total_fee>', '<total_fee>1</total_fee><total_fee>')],
];

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

console.log(`parsePaymentNotify, ${ITERATIONS} iterations per body (Node ${process.version})`);
console.log('body                          verdict          p50 µs    p99 µs    max µs   heap Δ KB');
for (const [name, body] of bodies) {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const times: number[] = [];
  let verdict = '';
  for (let i = 0; i < ITERATIONS; i++) {
    const started = process.hrtime.bigint();
    const result = parsePaymentNotify(body, MERCHANT);
    times.push(Number(process.hrtime.bigint() - started) / 1_000);
    verdict = result.ok ? 'accepted' : result.error.reason;
  }
  globalThis.gc?.();
  const heapDelta = (process.memoryUsage().heapUsed - heapBefore) / 1024;
  times.sort((a, b) => a - b);
  const cell = (n: number): string => n.toFixed(0).padStart(9);
  console.log(
    `${name.padEnd(30)}${verdict.padEnd(14)}${cell(percentile(times, 0.5))} ${cell(percentile(times, 0.99))} ${cell(times.at(-1) ?? 0)} ${heapDelta.toFixed(0).padStart(10)}`,
  );
}
