/**
 * `node --import tsx bench/xml-reader.bench.ts`: A/B of the single-pass XML reader against the fast-xml-parser
 * based reader it replaced (kept as the differential tests' reference), in one process, interleaved round by round
 * so a loaded machine slows both alike. Reports medians of per-round means; asserts nothing.
 */
import { parseWechatXml } from '../src/adapters/wechatpay/v2/xml.js';
import { referenceParseWechatXml } from '../test/support/reference-wechat-xml.js';
import { paymentNotifyFields, signedNotifyXml } from '../test/support/wechat-test-signer.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5_000);
const options = { maxBytes: 16 * 1024 };

const bodies: [string, string][] = [
  ['genuine notify', signedNotifyXml(paymentNotifyFields())],
  [
    'notify with coupons',
    signedNotifyXml(
      paymentNotifyFields({
        coupon_count: '2',
        coupon_fee_0: '100',
        coupon_id_0: '1',
        coupon_fee_1: '50',
        coupon_id_1: '2',
        attach: 'a&b <c>',
      }),
    ),
  ],
  ['billion laughs', `<!DOCTYPE xml [<!ENTITY lol "lol">]><xml><a>&lol;</a></xml>`],
  ['duplicate total_fee', signedNotifyXml(paymentNotifyFields()).replace('<xml>', '<xml><total_fee>1</total_fee>')],
  ['2,500 references', `<xml><attach>${'&#65;'.repeat(2_500)}</attach></xml>`],
];

function meanMicros(read: typeof parseWechatXml, body: string): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    try {
      read(body, options);
    } catch {
      // refusals are what is being timed for the hostile bodies
    }
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / ITERATIONS;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

console.log(`${ROUNDS} interleaved rounds × ${ITERATIONS} parses (Node ${process.version}); µs per parse, median of rounds`);
console.log('body                     fast-xml-parser   single-pass   speed-up');
for (const [name, body] of bodies) {
  const old: number[] = [];
  const now: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so neither always runs on a warmer (or busier) machine.
    if (round % 2 === 0) {
      old.push(meanMicros(referenceParseWechatXml, body));
      now.push(meanMicros(parseWechatXml, body));
    } else {
      now.push(meanMicros(parseWechatXml, body));
      old.push(meanMicros(referenceParseWechatXml, body));
    }
  }
  const [a, b] = [median(old), median(now)];
  console.log(`${name.padEnd(25)}${a.toFixed(2).padStart(15)}${b.toFixed(2).padStart(14)}${`${(a / b).toFixed(1)}×`.padStart(11)}`);
}
