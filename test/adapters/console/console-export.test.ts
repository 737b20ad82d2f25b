import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderFilter, OrderRepository } from '../../../src/application/ports/order-repository.js';
import { MikroOrderRepository } from '../../../src/adapters/persistence/mikro-order-repository.js';
import { toOrderColumns } from '../../../src/adapters/persistence/order-mapper.js';
import { insertOrder } from '../../../src/adapters/persistence/order-sql.js';
import { migrate, openOrm, type SqlOrm } from '../../../src/adapters/persistence/orm.js';
import { sqlSession } from '../../../src/adapters/persistence/sql-session.js';
import { Money } from '../../../src/domain/money.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { anOrder } from '../../support/builders.js';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';
import { scratchSqlite, type ScratchDatabase } from '../../support/databases.js';

const lines = (csv: string) => csv.replace(/\r\n$/, '').split('\r\n');

describe('console CSV exports', () => {
  let app: ConsoleApp;
  let operator: ConsoleSession;
  let paidNo = '';
  beforeAll(async () => {
    app = await consoleApp();
    operator = await app.session('operator');
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
    paidNo = prepay.value.outTradeNo;
    await app.f.handleNotify.execute(app.f.gateway.pay(paidNo));
    const ask = await (await postForm(app, `/console/orders/${paidNo}/refund`, operator, { _csrf: operator.csrf, amount: '12.30' })).text();
    const key = /name="request_key" value="([^"]+)"/.exec(ask)?.[1] ?? '';
    await postForm(app, `/console/orders/${paidNo}/refund`, operator, {
      _csrf: operator.csrf,
      amount_fen: '1230',
      request_key: key,
      confirm: 'yes',
    });
    await app.f.container.get(TOKENS.ReconcileRuns).record({
      kind: 'bill',
      startedAt: new Date(Date.UTC(2026, 0, 15, 1, 0, 0)),
      finishedAt: new Date(Date.UTC(2026, 0, 15, 1, 0, 3)),
      succeeded: true,
      billDate: '20260114',
      problems: 1,
      summary: { available: true, payments: 2, matched: 1, repaired: [], unknown: ['-1+1'], mismatched: [], discrepancies: [] },
    });
  });
  afterAll(async () => app?.close());

  const get = (path: string) => fetch(`${app.baseUrl}${path}`, { headers: { cookie: operator.cookie } });

  it('exports orders as UTF-8 with a BOM, amounts in yuan, Beijing time, labels in the page’s language', async () => {
    const res = await get('/console/export/orders.csv?from=2026-01-15&to=2026-01-15');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="orders_2026-01-15_2026-01-15.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = lines(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
    expect(header).toBe(
      '商户订单号,微信支付单号,用户,商品,支付方式,订单金额（元）,现金实付（元）,健康币,状态,已退款（元）,创建时间（北京时间）,支付时间（北京时间）,复核',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(
      new RegExp(
        `^${paidNo},\\w+,${app.f.user.uid},Yoga course,微信支付,99\\.00,.*,0,已支付,0\\.00,2026-01-15 12:00:00,2026-01-15 12:00:\\d\\d,$`,
      ),
    );
    const english = await (await get('/console/export/orders.csv?lang=en')).text();
    expect(english.startsWith('Order number,Transaction id,User,Goods')).toBe(true); // text() drops the BOM
  });

  it('exports refunds and reconciliation runs, formulas neutralised', async () => {
    const refunds = lines(await (await get('/console/export/refunds.csv')).text());
    expect(refunds).toHaveLength(2);
    expect(refunds[0]).toBe(
      '申请时间（北京时间）,商户订单号,商户退款单号,退款金额（元）,现金退款（元）,代金券退款（元）,状态,完成时间（北京时间）,微信退款单号',
    );
    expect(refunds[1]).toMatch(new RegExp(`^2026-01-15 12:00:00,${paidNo},${paidNo}R1,12\\.30,12\\.30,0\\.00,(退款中|已退款),`));
    const runs = lines(await (await get('/console/export/reconciliation.csv?from=2026-01-15&to=2026-01-15')).text());
    expect(runs).toHaveLength(2);
    expect(runs[1]).toBe("交易账单对账,2026-01-14,2026-01-15 09:00:00,2026-01-15 09:00:03,成功,1,2,1,,'-1+1,,");
    expect(lines(await (await get('/console/export/reconciliation.csv?from=2026-01-16')).text())).toHaveLength(1);
  });

  it('is offered on the orders (with their filters), refunds and reconciliation pages', async () => {
    expect(await (await get('/console/orders?status=SUCC')).text()).toContain('href="/console/export/orders.csv?status=SUCC"');
    expect(await (await get('/console/refunds')).text()).toContain('action="/console/export/refunds.csv"');
    expect(await (await get('/console/reconciliation')).text()).toContain('action="/console/export/reconciliation.csv"');
  });

  it('refuses a malformed date with the reason, in the page’s language', async () => {
    const res = await get('/console/export/refunds.csv?from=2026-13-01');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('开始日期须为 yyyy-MM-dd 格式的日期');
  });
});

/** A month of orders on SQLite: streamed page by page as the client reads, never built whole in memory. */
describe('console CSV export of a month of orders (SQLite)', () => {
  const MONTH = 20_000;
  let db: ScratchDatabase;
  let orm: SqlOrm;
  let app: ConsoleApp;
  const reads: OrderFilter[] = [];
  let clientHasBytes: () => void = () => undefined;
  const firstBytes = new Promise<void>((resolve) => (clientHasBytes = resolve));

  beforeAll(async () => {
    db = await scratchSqlite('export');
    orm = await openOrm(db.url);
    await migrate(orm);
    const start = Date.UTC(2025, 11, 31, 16, 0, 0); // 2026-01-01 00:00 in Beijing
    await sqlSession(orm).transaction(async (tx) => {
      for (let i = 0; i < MONTH; i++) {
        const createdAt = new Date(start + Math.floor((i * 31 * 86_400_000) / MONTH));
        const order = anOrder({ uid: 10_000 + i, createdAt, holdsOpenSlot: false, cash: Money.ofFen(100 + (i % 5000)) });
        await tx.run(...insertOrder(toOrderColumns(order.state)));
      }
    });
    const real = new MikroOrderRepository(orm);
    // The console's repository, watched: every page it reads, and after two pages it waits until the client has
    // received bytes. An export that built the file before sending would never get past this point.
    const watched: OrderRepository = Object.assign(Object.create(real) as OrderRepository, {
      list: async (filter: OrderFilter) => {
        reads.push(filter);
        if (reads.length > 2) await firstBytes;
        return real.list(filter);
      },
    });
    app = await consoleApp({ orders: watched });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await orm?.close();
    await db?.drop();
  });

  it('sends rows while it is still reading, in pages, chunked: every order of January once', async () => {
    const viewer = await app.session('viewer');
    const res = await fetch(`${app.baseUrl}/console/export/orders.csv?from=2026-01-01&to=2026-01-31`, {
      headers: { cookie: viewer.cookie },
    });
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let text = '';
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks++ === 0) {
        // The client has the header and the first rows while the repository has been read for two pages at most.
        expect(reads.length).toBeLessThanOrEqual(3);
        clientHasBytes();
      }
      text += decoder.decode(value, { stream: true });
    }
    const [header, ...rows] = lines(text.slice(1));
    expect(header?.startsWith('商户订单号,')).toBe(true);
    expect(rows).toHaveLength(MONTH);
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(MONTH);
    expect(chunks).toBeGreaterThan(1);
    // Read in pages of at most 100, oldest first: never the month in one query.
    expect(reads.length).toBeGreaterThanOrEqual(MONTH / 100);
    expect(reads.every((r) => r.limit <= 100 && r.oldestFirst === true)).toBe(true);
  }, 120_000);
});
