import type { NotifyHistory, NotifyLog, NotifyLogEntry, NotifyVerdictCount } from '../../../src/application/ports/notify-log.js';

export class InMemoryNotifyLog implements NotifyLog, NotifyHistory {
  readonly entries: NotifyLogEntry[] = [];

  async append(entry: NotifyLogEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push({ ...entry });
  }

  async forOrder(outTradeNo: string, limit = 100): Promise<NotifyLogEntry[]> {
    await Promise.resolve();
    return this.entries.filter((e) => e.outTradeNo === outTradeNo).slice(0, limit);
  }

  async verdictsSince(since: Date): Promise<NotifyVerdictCount[]> {
    await Promise.resolve();
    const counts = new Map<string, NotifyVerdictCount>();
    for (const e of this.entries.filter((x) => x.receivedAt.getTime() >= since.getTime())) {
      const key = JSON.stringify([e.kind, e.verdict, e.detail]);
      const seen = counts.get(key);
      counts.set(key, { kind: e.kind, verdict: e.verdict, detail: e.detail, count: (seen?.count ?? 0) + 1 });
    }
    const text = (c: NotifyVerdictCount): string => `${c.kind} ${c.verdict} ${c.detail}`;
    return [...counts.values()].sort((a, b) => b.count - a.count || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  }
}
