/**
 * Hostile input against the running service's notify endpoint (reliability checklist 1-16, 18): forged, malformed
 * and oversized notifies answer FAIL or 4xx, change no order, cost no time, and leave the process healthy; the one
 * genuine notify (with unknown and empty fields) is answered with exactly WeChat's SUCCESS document.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { describeIfServices, REDIS_URL } from '../support/integration.js';
import { MiniProgramUser, postJson, type PaymentParams } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { ACK, AdminClient, metric, rssOf, scrapeMetrics, spreadUids } from '../support/service-ops.js';
import { hostileXmlCorpus, type HostileXmlCase } from '../support/hostile-xml-corpus.js';
import { paymentNotifyFields, signedNotifyXml } from '../support/wechat-test-signer.js';

const ADMIN_TOKEN = 'hostile-e2e-admin-token-0123456789';
const FAKE_TRANSACTION = '4200000015201711256947025404';

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
  readonly ms: number;
}

type Body = string | Buffer;

const describeWithServers = await describeIfServices(['mariadb', 'redis']);

describeWithServers('hostile notifies against the running service (MariaDB + Redis)', () => {
  let db: ScratchDatabase;
  let service: ServiceProcess;
  let admin: AdminClient;
  let canary: Server;
  let canaryUrl: string;
  const canaryHits: string[] = [];
  /** An open order of 99.00 yuan (goods 1) and one of 1.00 yuan (goods 3) that every forgery aims at. */
  let big: PaymentParams;
  let small: PaymentParams;
  let rowsBefore: Record<string, unknown>[];
  let rssBefore: number;

  const targetRows = (): Promise<Record<string, unknown>[]> =>
    db.exec(
      'SELECT out_trade_no, paid_status, bill_no, version, open_key, paid_time FROM shop_goods_order WHERE out_trade_no IN (?, ?) ORDER BY id',
      [big.outTradeNo, small.outTradeNo],
    );

  async function send(body: Body, headers: Record<string, string> = { 'content-type': 'text/xml' }, method = 'POST'): Promise<Answer> {
    const started = performance.now();
    const res = await fetch(`${service.baseUrl}/wechat/pay-notify`, { method, headers, ...(method === 'GET' ? {} : { body }) });
    const text = await res.text();
    return { status: res.status, text, contentType: res.headers.get('content-type') ?? '', ms: performance.now() - started };
  }

  /** What every hostile body must get: a 4xx, or 200 with a FAIL document; never SUCCESS, never a 5xx page. */
  function expectRefused(answer: Answer): void {
    expect(answer.text).not.toBe(ACK);
    expect(answer.status).toBeLessThan(500);
    if (answer.status === 200)
      expect(answer.text).toMatch(
        /^<xml><return_code><!\[CDATA\[FAIL\]\]><\/return_code><return_msg><!\[CDATA\[[^\]]*\]\]><\/return_msg><\/xml>$/,
      );
    else expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.contentType).toMatch(/xml/);
  }

  /** A notify for `order` as WeChat would sign it, with fields overridden. */
  const notifyFor = (
    order: PaymentParams,
    fen: number,
    overrides: Record<string, string | undefined> = {},
  ): Record<string, string | undefined> =>
    paymentNotifyFields({
      out_trade_no: order.outTradeNo,
      total_fee: String(fen),
      cash_fee: String(fen),
      transaction_id: FAKE_TRANSACTION,
      ...overrides,
    });

  beforeAll(async () => {
    db = await scratchMariaDb('hostile');
    canary = createServer((req, res) => {
      canaryHits.push(`${req.method} ${req.url}`);
      res.end('<!ENTITY x "leaked">');
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
    service = await startService({ DATABASE_URL: db.url, REDIS_URL, ADMIN_TOKEN, SANDBOX_TIME_SCALE: '0.01' });
    admin = new AdminClient(service.baseUrl, ADMIN_TOKEN);
    await spreadUids(db);
    const user = await new MiniProgramUser(service.baseUrl).login();
    big = await user.prepay(1);
    small = await user.prepay(3);
    rowsBefore = await targetRows();
    expect(rowsBefore.map((r) => r.paid_status)).toEqual(['CHECKED', 'CHECKED']);
    rssBefore = rssOf(service.child.pid);
  });

  afterAll(async () => {
    await service?.stop();
    await new Promise<void>((resolve) => (canary ? canary.close(() => resolve()) : resolve()));
    await db?.drop();
  });

  const flipFirst = (xml: string): string =>
    xml.replace(/<sign><!\[CDATA\[(.)/, (_m, c: string) => `<sign><![CDATA[${c === 'A' ? 'B' : 'A'}`);
  const withSign = (xml: string, sign: string | undefined): string =>
    xml.replace(/<sign><!\[CDATA\[[0-9A-F]+\]\]><\/sign>/, sign === undefined ? '' : `<sign>${sign}</sign>`);
  const inject = (xml: string, extra: string): string => xml.replace('<xml>', `<xml>${extra}`);

  describe('authenticity (checklist 1-6)', () => {
    it.each<[string, () => string]>([
      ['1: total_fee ≠ order amount, validly signed', () => signedNotifyXml(notifyFor(big, 1))],
      ['1: the small order paid with the big amount, validly signed', () => signedNotifyXml(notifyFor(small, 9900))],
      ['2: one character of sign flipped', () => flipFirst(signedNotifyXml(notifyFor(big, 9900)))],
      ['3: sign missing', () => withSign(signedNotifyXml(notifyFor(big, 9900)), undefined)],
      ['3: sign empty', () => withSign(signedNotifyXml(notifyFor(big, 9900)), '')],
      ['3: sign too short', () => withSign(signedNotifyXml(notifyFor(big, 9900)), 'ABC')],
      ['3: sign too long (64 hex)', () => withSign(signedNotifyXml(notifyFor(big, 9900)), 'A'.repeat(64))],
      ['3: sign non-hex, right length', () => withSign(signedNotifyXml(notifyFor(big, 9900)), 'Z'.repeat(32))],
      ['3: sign multi-byte, 32 characters', () => withSign(signedNotifyXml(notifyFor(big, 9900)), '签'.repeat(32))],
      [
        '3: the valid sign in lowercase',
        () => {
          const xml = signedNotifyXml(notifyFor(big, 9900));
          return xml.replace(/<sign><!\[CDATA\[([0-9A-F]+)\]\]>/, (_m, s: string) => `<sign><![CDATA[${s.toLowerCase()}]]>`);
        },
      ],
      [
        '4: sign_type HMAC-SHA256 in the body, validly HMAC-signed',
        () => signedNotifyXml(notifyFor(big, 9900, { sign_type: 'HMAC-SHA256' }), { signType: 'HMAC-SHA256' }),
      ],
      ['4: HMAC-signed without sign_type', () => signedNotifyXml(notifyFor(big, 9900), { signType: 'HMAC-SHA256' })],
      ['4: sign_type HMAC-SHA256 in the body, MD5-signed', () => signedNotifyXml(notifyFor(big, 9900, { sign_type: 'HMAC-SHA256' }))],
      ['4: signed with another merchant key', () => signedNotifyXml(notifyFor(big, 9900), { apiKey: 'f'.repeat(32) })],
      ['5: foreign appid, validly signed', () => signedNotifyXml(notifyFor(big, 9900, { appid: 'wx0000000000000001' }))],
      ['5: foreign mch_id, validly signed', () => signedNotifyXml(notifyFor(big, 9900, { mch_id: '19999999' }))],
      ['6: return_code FAIL, validly signed', () => signedNotifyXml(notifyFor(big, 9900, { return_code: 'FAIL', return_msg: 'x' }))],
      ['a genuine-looking notice WeChat never sent (orderquery denies it)', () => signedNotifyXml(notifyFor(big, 9900))],
    ])('%s → FAIL', async (_name, body) => {
      expectRefused(await send(body()));
    });

    it('6: result_code FAIL (validly signed) moves nothing; the failure report itself is acknowledged', async () => {
      const answer = await send(
        signedNotifyXml(notifyFor(big, 9900, { result_code: 'FAIL', err_code: 'NOTENOUGH', err_code_des: '余额不足' })),
      );
      // HandleNotify acknowledges a signed failure report (WeChat would otherwise repeat it for a day); only orderquery may fail an order.
      expect(answer.status).toBe(200);
      expect(answer.text === ACK || answer.text.includes('<return_code><![CDATA[FAIL]]></return_code>')).toBe(true);
      console.info(`[result_code FAIL] answered ${answer.text === ACK ? 'SUCCESS (failure report acknowledged)' : answer.text}`);
      expect((await admin.order(big.outTradeNo))?.status).toBe('CHECKED');
    });
  });

  describe('parser hardening (checklist 8-15)', () => {
    const signedBig = (): string => signedNotifyXml(notifyFor(big, 9900));
    // Names do not depend on the order numbers or the canary, so the table can be built before they exist.
    const corpusNames = hostileXmlCorpus({ signed: '<xml></xml>', canaryUrl: '', otherOutTradeNo: '' }).map(([name]) => name);
    const corpusBody = (index: number) => (): string =>
      (hostileXmlCorpus({ signed: signedBig(), canaryUrl, otherOutTradeNo: small.outTradeNo })[index] as HostileXmlCase)[1];
    const cases: [string, () => Body, Record<string, string>?][] = [
      ...corpusNames.map((name, index): [string, () => Body] => [name, corpusBody(index)]),
      [
        '15: JSON with a JSON content type',
        () => JSON.stringify(Object.fromEntries(Object.entries(notifyFor(big, 9900)))),
        { 'content-type': 'application/json' },
      ],
      ['15: form-encoded', () => 'return_code=SUCCESS&result_code=SUCCESS', { 'content-type': 'application/x-www-form-urlencoded' }],
      [
        '15: invalid UTF-8 bytes',
        () => Buffer.concat([Buffer.from('<xml><attach>'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('</attach></xml>')]),
      ],
      ['15: an unsupported charset', () => signedBig(), { 'content-type': 'text/xml; charset=x-unknown' }],
    ];

    it.each(cases)('%s → 4xx or FAIL', async (_name, body, headers) => {
      expectRefused(await send(body(), headers));
    });

    it('9: every parser attack is answered, refused, and fetches nothing; time and RSS are logged (checklist 8, 9; measured by npm run bench)', async () => {
      const before = await scrapeMetrics(service.baseUrl);
      const rss0 = rssOf(service.child.pid);
      const rounds = 20;
      const answers: Answer[] = [];
      for (let round = 0; round < rounds; round++) {
        answers.push(...(await Promise.all(cases.slice(0, 9).map(([, body, headers]) => send(body(), headers)))));
      }
      for (const answer of answers) expectRefused(answer);
      const after = await scrapeMetrics(service.baseUrl);
      const count = metric(after, 'wxpay_notify_ack_seconds_count') - metric(before, 'wxpay_notify_ack_seconds_count');
      const within50ms =
        metric(after, 'wxpay_notify_ack_seconds_bucket', { le: '0.05' }) -
        metric(before, 'wxpay_notify_ack_seconds_bucket', { le: '0.05' });
      const rssGrowth = rssOf(service.child.pid) - rss0;
      console.info(
        `[parser attacks] ${count} answered, ${within50ms} within 50 ms, RSS ${(rss0 / 2 ** 20).toFixed(0)} MB → +${(rssGrowth / 2 ** 20).toFixed(1)} MB`,
      );
      // Speed and memory are reported here and measured by bench/hostile-notify.bench.ts, not asserted.
      expect(count).toBe(rounds * 9);
      expect(canaryHits).toEqual([]);
    });
  });

  describe('size and encoding (checklist 10)', () => {
    it('a body over 16 KB → 413', async () => {
      const answer = await send(inject(signedNotifyXml(notifyFor(big, 9900)), `<attach>${'a'.repeat(16 * 1024)}</attach>`));
      expect(answer.status).toBe(413);
      expectRefused(answer);
    });

    it('100k numeric character references (≈ 500 KB) → 413', async () => {
      const answer = await send(`<xml><attach>${'&#65;'.repeat(100_000)}</attach></xml>`);
      expect(answer.status).toBe(413);
      expectRefused(answer);
    });

    it('an over-limit body streamed without Content-Length (chunked) → 413', async () => {
      const chunk = new TextEncoder().encode(`<a>${'b'.repeat(4_000)}</a>`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ >= 8) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const res = await fetch(`${service.baseUrl}/wechat/pay-notify`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: stream,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      expect(res.status).toBe(413);
      expect(await res.text()).not.toBe(ACK);
    });

    it.each([
      ['a gzip-compressed valid notify', () => gzipSync(signedNotifyXml(notifyFor(big, 9900))), 'gzip'],
      ['a gzip bomb (16 MB of zeros in ~16 KB)', () => gzipSync(Buffer.alloc(16 * 2 ** 20), { level: 9 }), 'gzip'],
      ['deflate', () => gzipSync('<xml></xml>'), 'deflate'],
      ['br', () => Buffer.from('x'), 'br'],
    ])('%s is refused, never processed (RSS change logged; memory is measured by npm run bench)', async (_name, body, encoding) => {
      const rss0 = rssOf(service.child.pid);
      const answer = await send(body(), { 'content-type': 'text/xml', 'content-encoding': encoding });
      expect([413, 415]).toContain(answer.status);
      expectRefused(answer);
      console.info(`[${_name}] RSS change ${((rssOf(service.child.pid) - rss0) / 2 ** 20).toFixed(1)} MB`);
    });
  });

  describe('amounts and order numbers (checklist 12, 13)', () => {
    it.each(['0x64', '1e2', '100.0', ' 100', '100 ', '-1', '0', '+100', '0100', '１００', '', '100\n'])(
      '12: total_fee %j for a 100-fen order is never coerced → FAIL',
      async (fee) => {
        expectRefused(await send(signedNotifyXml(notifyFor(small, 100, { total_fee: fee }))));
      },
    );

    it('13: out_trade_no is matched as the exact string (leading zeros, 32 digits, trailing space, prefix)', async () => {
      const before = await scrapeMetrics(service.baseUrl);
      const variants = [
        `0${big.outTradeNo}`,
        big.outTradeNo.padStart(32, '0'),
        `${big.outTradeNo} `,
        big.outTradeNo.slice(0, -1),
        `${big.outTradeNo.slice(0, -1)}０`,
      ];
      for (const outTradeNo of variants) expectRefused(await send(signedNotifyXml(notifyFor(big, 9900, { out_trade_no: outTradeNo }))));
      const after = await scrapeMetrics(service.baseUrl);
      // Every variant is unknown to us (none reached orderquery as the real order).
      expect(
        metric(after, 'wxpay_notify_total', { verdict: 'UnknownOrder' }) -
          metric(before, 'wxpay_notify_total', { verdict: 'UnknownOrder' }),
      ).toBe(variants.length);
    });

    it('GET on the notify endpoint → FAIL', async () => {
      expectRefused(await send('', {}, 'GET'));
    });
  });

  describe('the genuine notify (checklist 7, 16, 18)', () => {
    it('with unknown and empty fields it still verifies, is processed, and is answered with exactly the SUCCESS document in < 5 s; replays change nothing', async () => {
      const payer = await new MiniProgramUser(service.baseUrl).login();
      const params = await payer.prepay(2);
      await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'lose', notify: 'payment', count: 1 });
      const trade = await postJson<{ transaction_id: string; time_end: string; total_fee: number }>(
        `${service.baseUrl}/sandbox/wxpay/control/pay`,
        {
          prepay_id: params.package.replace(/^prepay_id=/, ''),
        },
      );
      const fee = String(trade.total_fee);
      const fields = paymentNotifyFields({
        out_trade_no: params.outTradeNo,
        transaction_id: trade.transaction_id,
        time_end: trade.time_end,
        total_fee: fee,
        cash_fee: fee,
        attach: '',
        device_info: '',
        coupon_count: '0',
        settlement_total_fee: fee,
        some_future_field: 'value WeChat added later',
        promotion_detail_x: '[]',
      });
      // An empty element written both ways: CDATA (built) and bare.
      const xml = signedNotifyXml(fields).replace('<device_info><![CDATA[]]></device_info>', '<device_info></device_info>');
      expect(xml).toContain('<device_info></device_info>');
      expect(xml).toContain('<attach><![CDATA[]]></attach>');

      const before = await scrapeMetrics(service.baseUrl);
      const answer = await send(xml);
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(ACK);
      expect(answer.contentType).toMatch(/^application\/xml/);
      expect(answer.ms).toBeLessThan(5_000);
      expect(await admin.order(params.outTradeNo)).toMatchObject({ status: 'SUCC', billNo: trade.transaction_id, paidMoney: Number(fee) });

      // 18: the same notify again, serially and in parallel: SUCCESS every time, no second event.
      const replays = [await send(xml), ...(await Promise.all(Array.from({ length: 10 }, () => send(xml))))];
      expect(replays.map((r) => r.text)).toEqual(replays.map(() => ACK));
      const after = await scrapeMetrics(service.baseUrl);
      expect(
        metric(after, 'wxpay_notify_total', { verdict: 'recorded' }) - metric(before, 'wxpay_notify_total', { verdict: 'recorded' }),
      ).toBe(1);
      expect(
        metric(after, 'wxpay_notify_total', { verdict: 'duplicate' }) - metric(before, 'wxpay_notify_total', { verdict: 'duplicate' }),
      ).toBe(11);
      const events = await db.exec('SELECT type FROM payment_event_outbox WHERE out_trade_no = ?', [params.outTradeNo]);
      expect(events).toEqual([{ type: 'OrderPaid' }]);
    });
  });

  describe('afterwards', () => {
    it('no hostile notify changed an order, wrote an event, or hurt the process', async () => {
      expect(await targetRows()).toEqual(rowsBefore);
      const events = await db.exec('SELECT COUNT(*) AS n FROM payment_event_outbox WHERE out_trade_no IN (?, ?)', [
        big.outTradeNo,
        small.outTradeNo,
      ]);
      expect(Number(events[0]?.n)).toBe(0);
      expect(service.child.exitCode).toBeNull();
      expect(service.child.signalCode).toBeNull();
      expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${service.baseUrl}/readyz`)).status).toBe(200);
      // No prototype pollution reached the process's behaviour: JSON endpoints still answer normally.
      const goods = (await (await fetch(`${service.baseUrl}/goods`)).json()) as { errcode: number; data: unknown[] };
      expect(goods.errcode).toBe(200);
      expect(service.output.join('\n')).not.toMatch(/uncaught|unhandled/i);
      const logged = await db.exec('SELECT verdict, COUNT(*) AS n FROM wx_notify_log GROUP BY verdict ORDER BY verdict');
      console.info(
        `[hostile] notify log rows by verdict: ${JSON.stringify(logged)}; RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB → ${(rssOf(service.child.pid) / 2 ** 20).toFixed(0)} MB`,
      );
    });
  });
});
