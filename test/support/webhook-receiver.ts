import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** ok: 200; fail: 503 (the outbox keeps the event); hang: read the request, never answer. */
export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface WebhookDelivery {
  readonly id: string;
  readonly headerId: string;
  readonly type: string;
  readonly outTradeNo: string;
  /** HMAC-SHA256(secret, "<timestamp>.<body>") matched the x-wxpay-signature header, and the header id the body's. */
  readonly verified: boolean;
  /** What this receiver answered: 200, 503, or 0 for a request left hanging. */
  readonly answered: number;
  readonly at: number;
  readonly body: Record<string, unknown>;
}

export interface WebhookReceiver {
  readonly url: string;
  /** The answer for events of orders not listed in `modeByOrder`. */
  mode: ReceiverMode;
  /** Per-order answers (by outTradeNo), taking precedence over `mode`. */
  readonly modeByOrder: Map<string, ReceiverMode>;
  readonly deliveries: WebhookDelivery[];
  /** Deliveries about one order; `accepted` only those answered 200. */
  forOrder(outTradeNo: string, accepted?: boolean): WebhookDelivery[];
  close(): Promise<void>;
}

/** The merchant's fulfilment endpoint, as a consumer would write it: verifies the signature, dedupes by event id. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const hanging = new Set<ServerResponse>();
  const receiver = {
    url: '',
    mode: 'ok' as ReceiverMode,
    modeByOrder: new Map<string, ReceiverMode>(),
    deliveries,
    forOrder: (outTradeNo: string, accepted = false) =>
      deliveries.filter((d) => d.outTradeNo === outTradeNo && (!accepted || d.answered === 200)),
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-wxpay-timestamp'] ?? '');
      const signature = String(req.headers['x-wxpay-signature'] ?? '');
      const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const headerId = String(req.headers['x-wxpay-event-id'] ?? '');
      const verified =
        expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature)) && headerId === body.id;
      const mode = receiver.modeByOrder.get(String(body.outTradeNo ?? '')) ?? receiver.mode;
      const answered = mode === 'ok' ? 200 : mode === 'fail' ? 503 : 0;
      deliveries.push({
        id: String(body.id ?? ''),
        headerId,
        type: String(body.type ?? ''),
        outTradeNo: String(body.outTradeNo ?? ''),
        verified,
        answered,
        at: Date.now(),
        body,
      });
      if (mode === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(mode === 'ok' ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return receiver;
}
