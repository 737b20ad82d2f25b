import { NOTIFY_ACK_SUCCESS, simParseXml } from './codec/index.js';
import type { FaultPlan, NotifyType } from './faults.js';
import type { OrderScope } from './records.js';

/**
 * Seconds between attempts after the first (digest §5.3, current docs): 15 retries, 24 h 4 min in total. The
 * first attempt goes out at once.
 */
export const WECHAT_NOTIFY_RETRY_SCHEDULE_S: readonly number[] = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
];

export type AckMode = 'exact' | 'xml';

/** A v2 notify is an XML string; a v3 notify a JSON body with its signed Wechatpay-* headers. */
export type NotifyMessage = string | { readonly body: string; readonly headers: Readonly<Record<string, string>> };

export type SimulatorEvent = { readonly type: string } & Readonly<Record<string, unknown>>;

export interface NotifierOptions {
  /** Multiplies every WeChat delay (schedule, delay faults): 1 is real time, 0.001 turns 15 s into 15 ms. */
  readonly timeScale: number;
  readonly faults: FaultPlan;
  /** exact: the body must be the SUCCESS document of digest §5.2; xml: any XML whose return_code is SUCCESS. */
  readonly ackMode: AckMode;
  /** Real milliseconds WeChat waits for the merchant's answer per attempt. */
  readonly attemptTimeoutMs: number;
  readonly schedule: readonly number[];
  /** Real milliseconds after which a partial reorder group is released anyway. */
  readonly reorderFlushMs: number;
  readonly log: (event: SimulatorEvent) => void;
}

export type DeliveryStatus = 'pending' | 'acked' | 'gaveUp' | 'lost';

export interface DeliveryView {
  readonly id: number;
  readonly type: NotifyType;
  readonly url: string;
  /** What the notify is about (out_trade_no or out_refund_no). */
  readonly subject: string;
  /** Whose it is, when not the simulator's own merchant's (the same number may exist at several merchants). */
  readonly mchId?: string;
  readonly subMchId?: string;
  readonly attempts: number;
  readonly status: DeliveryStatus;
  readonly results: readonly string[];
}

interface Delivery {
  readonly id: number;
  readonly type: NotifyType;
  readonly url: string;
  readonly subject: string;
  readonly scope: OrderScope | undefined;
  /** tampered=true renders the message with a broken signature (or ciphertext). */
  readonly render: (tampered: boolean) => NotifyMessage;
  attempts: number;
  status: DeliveryStatus;
  readonly results: string[];
}

/**
 * Delivers notifies the way WeChat does: POST to notify_url, retry on the schedule until the merchant acknowledges
 * (v2: the SUCCESS document; v3: HTTP 200 or 204), give up after the last retry. Faults from the plan are applied per attempt. close()
 * cancels every timer and in-flight request.
 */
export class Notifier {
  private readonly deliveries: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private reorder: { size: number; held: (() => void)[]; timer: NodeJS.Timeout } | undefined;
  private closed = false;
  private nextId = 1;

  constructor(private readonly options: NotifierOptions) {}

  send(type: NotifyType, url: string, subject: string, render: (tampered: boolean) => NotifyMessage, scope?: OrderScope): DeliveryView {
    const delivery: Delivery = { id: this.nextId++, type, url, subject, scope, render, attempts: 0, status: 'pending', results: [] };
    this.deliveries.push(delivery);
    this.after(0, () => this.attempt(delivery, 0));
    return view(delivery);
  }

  list(): readonly DeliveryView[] {
    return this.deliveries.map(view);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inflight) controller.abort();
    this.inflight.clear();
    if (this.reorder) clearTimeout(this.reorder.timer);
    this.reorder = undefined;
  }

  private attempt(delivery: Delivery, n: number): void {
    if (this.closed || delivery.status !== 'pending') return;
    const fault = this.options.faults.takeNotifyFault(delivery.type);
    const plain = (): NotifyMessage => delivery.render(false);
    switch (fault?.kind) {
      case 'lose':
        delivery.status = 'lost';
        this.record(delivery, n, 'lost (fault)');
        return;
      case 'drop':
        delivery.attempts++;
        this.record(delivery, n, 'dropped (fault)');
        this.scheduleNext(delivery, n);
        return;
      case 'delay':
        this.after(fault.delayMs * this.options.timeScale, () => void this.post(delivery, n, [plain()]));
        return;
      case 'duplicate':
        void this.post(delivery, n, [plain(), plain()]);
        return;
      case 'badSignature':
        void this.post(delivery, n, [delivery.render(true)]);
        return;
      case 'reorder':
        this.hold(fault.count, () => void this.post(delivery, n, [plain()]));
        return;
      case undefined:
        void this.post(delivery, n, [plain()]);
    }
  }

  private hold(groupSize: number, release: () => void): void {
    if (!this.reorder) {
      const timer = setTimeout(() => this.flushReorder(), this.options.reorderFlushMs);
      this.reorder = { size: groupSize, held: [], timer };
    }
    this.reorder.held.push(release);
    if (this.reorder.held.length >= this.reorder.size) this.flushReorder();
  }

  private flushReorder(): void {
    const group = this.reorder;
    if (!group) return;
    this.reorder = undefined;
    clearTimeout(group.timer);
    for (const release of group.held.reverse()) release();
  }

  private async post(delivery: Delivery, n: number, bodies: readonly NotifyMessage[]): Promise<void> {
    if (this.closed) return;
    delivery.attempts++;
    const results = await Promise.all(bodies.map((body) => this.postOnce(delivery.url, body)));
    if (this.closed) return;
    for (const result of results) this.record(delivery, n, result);
    if (delivery.status !== 'pending') return; // acked by a concurrent delivery of the same notify
    if (results.includes('acked')) delivery.status = 'acked';
    else this.scheduleNext(delivery, n);
  }

  private scheduleNext(delivery: Delivery, n: number): void {
    const wait = this.options.schedule[n];
    if (wait === undefined) {
      delivery.status = 'gaveUp';
      this.options.log({ type: 'notify.gaveUp', id: delivery.id, subject: delivery.subject });
      return;
    }
    this.after(wait * 1000 * this.options.timeScale, () => this.attempt(delivery, n + 1));
  }

  private async postOnce(url: string, message: NotifyMessage): Promise<string> {
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.attemptTimeoutMs);
    const v3 = typeof message !== 'string';
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: v3 ? message.body : message,
        headers: v3 ? message.headers : { 'content-type': 'text/xml; charset=utf-8' },
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await res.text();
      // v3: the status alone decides (200 or 204); a 200 saying FAIL is still an acknowledgement (digest §12.4).
      if (v3 ? res.status === 200 || res.status === 204 : res.status === 200 && this.isAck(text)) return 'acked';
      return `refused: HTTP ${res.status} ${text.slice(0, 120)}`;
    } catch (e) {
      return `failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
  }

  private isAck(text: string): boolean {
    if (this.options.ackMode === 'exact') return text.trim() === NOTIFY_ACK_SUCCESS;
    try {
      return simParseXml(text, { maxBytes: 16 * 1024 }).return_code === 'SUCCESS';
    } catch {
      return false;
    }
  }

  private record(delivery: Delivery, n: number, result: string): void {
    delivery.results.push(result);
    this.options.log({ type: 'notify.attempt', id: delivery.id, kind: delivery.type, subject: delivery.subject, attempt: n, result });
  }

  private after(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        run();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }
}

const view = (d: Delivery): DeliveryView => ({
  id: d.id,
  type: d.type,
  url: d.url,
  subject: d.subject,
  ...(d.scope ? { mchId: d.scope.mchId, ...(d.scope.subMchId === undefined ? {} : { subMchId: d.scope.subMchId }) } : {}),
  attempts: d.attempts,
  status: d.status,
  results: [...d.results],
});
