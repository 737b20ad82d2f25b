import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentNotifyFields, signedNotifyXml } from '../support/wechat-test-signer.js';
import { describeIfServices, MARIADB_URL, REDIS_URL } from '../support/integration.js';
import { MiniProgramUser, postNotify } from '../support/mini-program.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';

const ACK = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

async function notifyVerdicts(service: ServiceProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^wxpay_notify_total\{kind="pay",verdict="([^"]+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]),
  );
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The flow every configuration must pass: login → prepay → pay at the simulator → notify → SUCC. */
function paymentFlow(name: string, env: () => Record<string, string>): void {
  describe(name, () => {
    let service: ServiceProcess;
    beforeAll(async () => {
      service = await startService(env());
    });
    afterAll(async () => service?.stop());

    it('takes an order from login to SUCC through the signed notify', async () => {
      const user = await new MiniProgramUser(service.baseUrl).login();
      const params = await user.prepay(1);
      expect(params).toMatchObject({ appId: 'wxd930ea5d5a258f4f', signType: 'MD5', package: expect.stringMatching(/^prepay_id=wx/) });
      expect(params.paySign).toMatch(/^[0-9A-F]{32}$/);
      expect(params.timeStamp).toMatch(/^\d{10}$/);

      await user.pay(params);
      const verdicts = await until(
        () => notifyVerdicts(service),
        (v) => (v.recorded ?? 0) >= 1,
      );
      expect(verdicts.recorded).toBe(1);
      const { body } = await user.order(params.outTradeNo);
      expect(body.data).toMatchObject({
        outTradeNo: params.outTradeNo,
        status: 'SUCC',
        paidMoney: 9900,
        goodsId: 1,
        billNo: expect.stringMatching(/^\d{28}$/),
      });
    });

    it('reuses the open order for the same prepay request', async () => {
      const user = await new MiniProgramUser(service.baseUrl).login();
      const first = await user.prepay(2);
      const second = await user.prepay(2);
      expect(second.outTradeNo).toBe(first.outTradeNo);
      expect(second.package).toBe(first.package);
    });

    it("refuses a prepay naming another user's uid with 403", async () => {
      const alice = await new MiniProgramUser(service.baseUrl).login();
      const bob = await new MiniProgramUser(service.baseUrl).login();
      const { status, body } = await alice.prepayRaw(`goods_id=1&uid=${bob.uid}`);
      expect(status).toBe(403);
      expect(body).toMatchObject({ errcode: 403, data: { status: -1, result: 'fail' } });
    });
  });
}

paymentFlow('payment flow on the embedded default (SQLite, in-process lock, simulator)', () => ({ DATABASE_URL: tempSqliteUrl() }));

const describeWithServers = await describeIfServices(['mariadb', 'redis']);
describeWithServers('payment flow on MariaDB + Redis', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await scratchMariaDb('e2e');
  });
  afterAll(async () => db?.drop());
  paymentFlow('service', () => ({ DATABASE_URL: db.url, REDIS_URL }));
  void MARIADB_URL;
});

describe('forged and tampered notifies against the running service', () => {
  let service: ServiceProcess;
  let user: MiniProgramUser;
  beforeAll(async () => {
    service = await startService();
    user = await new MiniProgramUser(service.baseUrl).login();
  });
  afterAll(async () => service?.stop());

  async function checkedOrder() {
    const params = await user.prepay(1);
    return params.outTradeNo;
  }

  it.each([
    [
      'a flipped signature',
      (no: string) => {
        const xml = signedNotifyXml(paymentNotifyFields({ out_trade_no: no }));
        return xml.replace(/<sign><!\[CDATA\[(.)/, (_m, c: string) => `<sign><![CDATA[${c === 'A' ? 'B' : 'A'}`);
      },
    ],
    [
      'a changed total_fee (validly signed)',
      (no: string) => signedNotifyXml(paymentNotifyFields({ out_trade_no: no, total_fee: '1', cash_fee: '1' })),
    ],
    [
      'a foreign appid (validly signed)',
      (no: string) => signedNotifyXml(paymentNotifyFields({ out_trade_no: no, appid: 'wx0000000000000001' })),
    ],
    ['a genuine-looking notice WeChat never sent', (no: string) => signedNotifyXml(paymentNotifyFields({ out_trade_no: no }))],
  ])('answers FAIL to %s and leaves the order CHECKED', async (_, forge) => {
    const no = await checkedOrder();
    const { status, text } = await postNotify(service.baseUrl, forge(no));
    expect(status).toBeLessThan(500);
    expect(text).not.toBe(ACK);
    expect(text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    const { body } = await user.order(no);
    expect(body.data.status).toBe('CHECKED');
  });

  it('answers 413 to an oversized body without parsing it', async () => {
    const { status, text } = await postNotify(service.baseUrl, `<xml>${'<a>1</a>'.repeat(4_000)}</xml>`);
    expect(status).toBe(413);
    expect(text).toContain('FAIL');
  });
});

describe('crash and restart', () => {
  it('keeps its orders across a SIGKILL', async () => {
    const env = { DATABASE_URL: tempSqliteUrl(), SESSION_SECRET: 'e2e-session-secret-0123456789abcdef' };
    const first = await startService(env);
    const user = await new MiniProgramUser(first.baseUrl).login('openid-crash-test');
    const params = await user.prepay(1);
    await first.kill();

    const second = await startService(env);
    try {
      const again = new MiniProgramUser(second.baseUrl);
      again.token = user.token;
      const { status, body } = await again.order(params.outTradeNo);
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ outTradeNo: params.outTradeNo, status: 'CHECKED', paidMoney: 9900 });
      // A kill loses what the simulator had not saved yet (its state is written half a second after a change); our
      // order is still there to reconcile either way.
    } finally {
      await second.stop();
    }
  });
});
