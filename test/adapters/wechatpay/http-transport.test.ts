import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpTransport, ResponseTooLargeError } from '../../../src/adapters/wechatpay/shared/http-transport.js';

/** The transport the WeChat clients use, against a local server: what it sends, what it returns, what it refuses. */
describe('nodeHttpTransport (node:http on a kept-alive agent)', () => {
  let server: http.Server;
  let base: string;
  let connections = 0;
  const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (req.url === '/redirect') {
          res.writeHead(302, { location: '/elsewhere' }).end();
        } else if (req.url === '/large') {
          res.end('x'.repeat(10_000));
        } else if (req.url === '/hang') {
          // Never answers.
        } else {
          res.setHeader('x-repeat', ['a', 'b']);
          res.end('<xml>答</xml>');
        }
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body and headers, returns status, UTF-8 body and lower-case headers, and reuses the connection', async () => {
    const before = connections;
    const send = (body: string) =>
      nodeHttpTransport.send({
        method: 'POST',
        url: `${base}/pay/orderquery`,
        body,
        headers: { 'content-type': 'text/xml' },
        timeoutMs: 2_000,
        maxBytes: 1_000,
      });
    const first = await send('<xml>一</xml>');
    const second = await send('<xml>二</xml>');
    expect(first).toMatchObject({ status: 200, body: '<xml>答</xml>' });
    expect(first.headers?.['x-repeat']).toBe('a, b');
    expect(second.body).toBe('<xml>答</xml>');
    expect(seen.slice(-2).map((r) => r.body)).toEqual(['<xml>一</xml>', '<xml>二</xml>']);
    expect(seen.at(-1)?.headers['content-length']).toBe(String(Buffer.byteLength('<xml>二</xml>')));
    // What fetch sent when the caller named no User-Agent.
    expect(seen.at(-1)?.headers['user-agent']).toBe('node');
    expect(connections - before).toBe(1);
  });

  it("keeps a caller's User-Agent", async () => {
    await nodeHttpTransport.send({
      method: 'GET',
      url: `${base}/ua`,
      headers: { 'user-agent': 'wxpay-test/1' },
      timeoutMs: 2_000,
      maxBytes: 1_000,
    });
    expect(seen.at(-1)?.headers['user-agent']).toBe('wxpay-test/1');
  });

  it('does not follow a redirect: the 3xx comes back as it is', async () => {
    const count = seen.length;
    const answer = await nodeHttpTransport.send({ method: 'GET', url: `${base}/redirect`, timeoutMs: 2_000, maxBytes: 1_000 });
    expect(answer.status).toBe(302);
    expect(seen.length - count).toBe(1);
  });

  it('refuses an answer longer than maxBytes', async () => {
    await expect(nodeHttpTransport.send({ method: 'GET', url: `${base}/large`, timeoutMs: 2_000, maxBytes: 1_000 })).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
  });

  it('gives up on a server that does not answer within the time allowed', async () => {
    await expect(nodeHttpTransport.send({ method: 'GET', url: `${base}/hang`, timeoutMs: 200, maxBytes: 1_000 })).rejects.toThrow();
  });
});
