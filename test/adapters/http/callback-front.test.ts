import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentNotice } from '../../../src/application/ports/notify-verifier.js';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { CALLBACK_PATHS } from '../../../src/adapters/http/callback-paths.js';
import { callbackFront } from '../../../src/adapters/http/callback-front.js';
import { callbackAnswerer, callbackRoute, type CallbackRouteDeps } from '../../../src/adapters/http/callback-route.js';
import { requestLogFields } from '../../../src/adapters/http/request-context.js';
import { Metrics } from '../../../src/adapters/observability/metrics.js';
import { Money } from '../../../src/domain/money.js';
import { err, ok } from '../../../src/domain/result.js';
import { InMemoryNotifyLog } from '../../support/doubles/in-memory-notify-log.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

/**
 * The front handler must answer WeChat's callbacks exactly as the Express app does. Two servers over the same kind of
 * endpoints, one Express only and one with the front handler first, are sent the same raw requests; their raw
 * answers (Date and generated request ids aside), access-log lines, notify logs and metrics must be identical.
 */

interface Side {
  readonly server: Server;
  readonly port: number;
  readonly logLines: Record<string, unknown>[];
  readonly metrics: Metrics;
  readonly notifyLog: InMemoryNotifyLog;
  readonly taken: { count: number };
}

const notice = (outTradeNo: string): PaymentNotice => ({
  appId: 'wx1',
  mchId: '1',
  outTradeNo,
  transactionId: '42',
  totalFee: Money.ofFen(1),
  succeeded: true,
});

async function side(withFront: boolean): Promise<Side> {
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  // With the production mixin: lines written while serving a request carry its id, on both paths.
  const logger = pino({ level: 'info', base: null, timestamp: false, mixin: requestLogFields }, sink);
  const metrics = new Metrics(false);
  const notifyLog = new InMemoryNotifyLog();
  const seen = new Set<string>();
  const deps = (kind: 'pay' | 'refund'): CallbackRouteDeps<PaymentNotice> => ({
    path: CALLBACK_PATHS[kind],
    kind,
    acceptGet: kind === 'pay',
    // "Authentic" bodies name their order as <order>…</order> or "order":"…"; anything else fails verification.
    verify: async ({ body }) => {
      const order = /<order>(\w+)<\/order>|"order":"(\w+)"/.exec(body);
      return order ? ok(notice(order[1] ?? order[2] ?? '')) : err({ reason: 'badSign', detail: 'no order' });
    },
    handle: async (n) => {
      if (n.outTradeNo === 'explode') throw new Error('database gone');
      if (n.outTradeNo === 'refuse') return { ack: false, reason: 'AmountMismatch', alert: true };
      const first = !seen.has(`${kind}:${n.outTradeNo}`);
      seen.add(`${kind}:${n.outTradeNo}`);
      return { ack: true, result: first ? 'recorded' : 'duplicate' };
    },
    orderOf: (n) => n.outTradeNo,
    notifyLog,
    clock: new ManualClock(),
    metrics,
    logger,
    dialects: ['v2', 'v3'],
  });
  const pay = deps('pay');
  const refund = deps('refund');
  const app = createHttpApp({
    logger,
    trustProxyHops: 1,
    routers: [callbackRoute(pay), callbackRoute(refund)],
    callbackDialects: ['v2', 'v3'],
  });
  const front = callbackFront({
    logger,
    trustProxyHops: 1,
    dialects: ['v2', 'v3'],
    endpoints: [pay, refund].map((d) => ({ path: d.path, acceptGet: d.acceptGet ?? false, answer: callbackAnswerer(d) })),
  });
  const taken = { count: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (withFront && front(req, res)) {
      taken.count++;
      return;
    }
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, logLines, metrics, notifyLog, taken };
}

/** Sends raw bytes on a fresh connection and returns everything the server wrote until it closed it. */
function exchange(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {}); // the server may close before reading everything (the 415): keep what it said
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(request, () => socket.end());
  });
}

const normalise = (raw: string): string =>
  raw
    .replace(/\r\nDate: [^\r]*/g, '\r\nDate: <date>')
    .replace(/\r\nX-Request-Id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '\r\nX-Request-Id: <uuid>');

const V2_GOOD = '<xml><order>A1</order><return_code><![CDATA[SUCCESS]]></return_code></xml>';
const V3_GOOD = JSON.stringify({ id: 'EV-1', order: 'B1', resource_type: 'encrypt-resource' });

function post(path: string, body: Buffer | string, headers: Record<string, string> = {}, declareLength = true, method = 'POST'): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: wxpay.test', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (!declareLength) {
    lines.push('Transfer-Encoding: chunked');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 4096) {
      const part = bytes.subarray(i, i + 4096);
      chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
    }
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), ...chunks, Buffer.from('0\r\n\r\n')]);
  }
  lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), bytes]);
}

const bare = (method: string, path: string, headers: Record<string, string> = {}): Buffer =>
  Buffer.from(
    `${[`${method} ${path} HTTP/1.1`, 'Host: wxpay.test', 'Connection: close', ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`)].join('\r\n')}\r\n\r\n`,
  );

const { pay, refund } = CALLBACK_PATHS;
/** A body of exactly `bytes` bytes naming an order. */
const sized = (bytes: number, order: string): string => {
  const shell = `<xml><order>${order}</order><pad></pad></xml>`;
  return shell.replace('<pad>', `<pad>${'x'.repeat(bytes - shell.length)}`);
};
const big = `<xml><order>A9</order><pad>${'x'.repeat(17_000)}</pad></xml>`;

/** [name, raw request, whether the front handler must take it (false: it must leave it to Express)]. */
const REQUESTS: [string, Buffer, boolean][] = [
  ['a valid v2 pay notify', post(pay, V2_GOOD, { 'Content-Type': 'text/xml' }), true],
  ['the same notify again (a duplicate)', post(pay, V2_GOOD, { 'Content-Type': 'text/xml' }), true],
  ['a valid v2 notify with a query string', post(`${pay}?x=1&code=secret`, V2_GOOD.replace('A1', 'A2')), true],
  ['a valid v3 pay notify', post(pay, V3_GOOD, { 'Content-Type': 'application/json', 'Wechatpay-Serial': 'S1' }), true],
  ['a v3 notify again', post(pay, V3_GOOD, { 'Content-Type': 'application/json' }), true],
  ['a refund notify', post(refund, V2_GOOD.replace('A1', 'R1'), { 'Content-Type': 'text/xml' }), true],
  ['a v3 refund notify', post(refund, V3_GOOD.replace('B1', 'R2')), true],
  ['a forged notify (fails verification)', post(pay, '<xml><nothing/></xml>'), true],
  ['a forged v3 notify', post(pay, '{"id":"x"}'), true],
  ['a refused notify (amount mismatch)', post(pay, '<xml><order>refuse</order></xml>'), true],
  ['a notify whose processing throws', post(pay, '<xml><order>explode</order></xml>'), true],
  ['an oversize declared body', post(pay, big, { 'Content-Type': 'text/xml' }), true],
  ['an oversize v3 declared body', post(pay, big.replace('<xml>', '{'), { 'Wechatpay-Signature': 'x' }), true],
  ['a body of exactly the limit', post(pay, sized(16_384, 'L1')), true],
  ['a body one byte over the limit', post(pay, sized(16_385, 'L2')), true],
  ['a streamed body of exactly the limit', post(pay, sized(16_384, 'L3'), {}, false), true],
  ['a streamed body one byte over', post(pay, sized(16_385, 'L4'), {}, false), true],
  ['an oversize body streamed without a length', post(pay, big, { 'Content-Type': 'text/xml' }, false), true],
  ['a small body streamed without a length', post(pay, V2_GOOD.replace('A1', 'A3'), {}, false), true],
  ['a gzip content encoding', post(pay, V2_GOOD, { 'Content-Encoding': 'gzip' }), true],
  ['an identity content encoding', post(pay, V2_GOOD.replace('A1', 'A4'), { 'Content-Encoding': 'Identity' }), true],
  ['a wrong content type', post(pay, V2_GOOD.replace('A1', 'A5'), { 'Content-Type': 'image/png' }), true],
  ['a GBK charset', post(pay, V2_GOOD, { 'Content-Type': 'text/xml; charset=GBK' }), true],
  ['a UTF-7 charset on the refund path', post(refund, V2_GOOD, { 'Content-Type': 'text/xml;charset="utf-7"' }), true],
  ['a UTF-8 charset', post(pay, V2_GOOD.replace('A1', 'A6'), { 'Content-Type': 'text/xml; charset=UTF-8' }), true],
  ['bytes that are not UTF-8', post(pay, Buffer.from([0x3c, 0x78, 0xff, 0xfe, 0xc3, 0x28, 0x3e])), true],
  [
    'a byte-order mark before the XML',
    post(pay, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(V2_GOOD.replace('A1', 'A7'))])),
    true,
  ],
  ['an empty body', post(pay, ''), true],
  [
    'a given request id and a forwarded address',
    post(pay, V2_GOOD, { 'X-Request-Id': 'edge-42', 'X-Forwarded-For': '203.0.113.9, 10.0.0.1' }),
    true,
  ],
  ['an unsafe request id', post(pay, V2_GOOD, { 'X-Request-Id': 'bad id\t' }), true],
  ['GET on the pay notify', bare('GET', pay), true],
  ['HEAD on the pay notify', bare('HEAD', pay), true],
  ['GET on the refund notify', bare('GET', refund), false],
  ['a conditional GET', bare('GET', pay, { 'If-None-Match': '*' }), false],
  ['PUT on the pay notify', post(pay, V2_GOOD, {}, true, 'PUT'), false],
  ['OPTIONS on the pay notify', bare('OPTIONS', pay), false],
  ['a trailing slash', post(`${pay}/`, V2_GOOD), false],
  ['another case', post(pay.toUpperCase(), V2_GOOD), false],
  ['a doubled charset', post(pay, V2_GOOD, { 'Content-Type': 'text/xml; charset=utf-8; charset=gbk' }), false],
];

describe('the callbacks answered before Express', () => {
  let express: Side;
  let fast: Side;
  beforeAll(async () => {
    [express, fast] = await Promise.all([side(false), side(true)]);
  });
  afterAll(() => {
    express.server.close();
    fast.server.close();
  });

  it('gives every request the Express answer, byte for byte, and takes only the requests it reproduces', async () => {
    for (const [name, request, taken] of REQUESTS) {
      const before = fast.taken.count;
      const expected = normalise(await exchange(express.port, request));
      const actual = normalise(await exchange(fast.port, request));
      expect(actual, name).toBe(expected);
      expect(expected, name).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(fast.taken.count - before, `${name}: taken by the front handler`).toBe(taken ? 1 : 0);
    }
  });

  it('leaves a kept-alive connection as Express does after a refused body (the next request is still answered)', async () => {
    const keptAlive = (request: Buffer): Buffer => Buffer.from(request.toString('latin1').replace('Connection: close\r\n', ''), 'latin1');
    const follow = post(pay, V2_GOOD.replace('A1', 'K1'));
    for (const first of [
      post(pay, big),
      post(pay, big, {}, false),
      post(pay, V2_GOOD, { 'Content-Encoding': 'gzip' }),
      post(refund, V2_GOOD, { 'Content-Type': 'text/xml; charset=gbk' }),
    ]) {
      const request = Buffer.concat([keptAlive(first), follow]);
      const expected = normalise(await exchange(express.port, request));
      expect(normalise(await exchange(fast.port, request))).toBe(expected);
      expect(expected.match(/HTTP\/1\.1 /g)).toHaveLength(2);
    }
  });

  it('writes the same access-log lines, notify log and metrics', async () => {
    const lines = (s: Side) =>
      s.logLines.map(({ err, ...line }) => ({
        ...line,
        ...(err === undefined ? {} : { err: (err as { message: string }).message }), // stacks name other frames
        ms: typeof line.ms,
        reqId: /^[0-9a-f-]{36}$/.test(String(line.reqId)) ? '<uuid>' : line.reqId,
      }));
    await new Promise((r) => setTimeout(r, 50)); // the access line is written on 'close'
    expect(lines(fast)).toEqual(lines(express));
    expect(fast.logLines.filter((l) => l.msg === 'request')).toHaveLength(REQUESTS.length + 8);
    expect(fast.notifyLog.entries).toEqual(express.notifyLog.entries);
    expect(await fast.metrics.registry.getSingleMetricAsString('wxpay_notify_total')).toBe(
      await express.metrics.registry.getSingleMetricAsString('wxpay_notify_total'),
    );
  });
});
