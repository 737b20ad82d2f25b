import type { MerchantId } from '../../../src/domain/merchant.js';
import type { NotifyHistory, NotifyLog, NotifyLogEntry, NotifyVerdictCount } from '../../../src/application/ports/notify-log.js';

export class InMemoryNotifyLog implements NotifyLog, NotifyHistory {
  readonly entries: NotifyLogEntry[] = [];

  /** `merchantOf`: the merchant of the order a number names (the SQL adapter looks in the order table). */
  constructor(private readonly merchantOf: (outTradeNo: string) => MerchantId | undefined = () => undefined) {}

  async append(entry: NotifyLogEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push({ ...entry });
  }

  async forOrder(outTradeNo: string, limit = 100): Promise<NotifyLogEntry[]> {
    await Promise.resolve();
    return this.entries.filter((e) => e.outTradeNo === outTradeNo).slice(0, limit);
  }

  async verdictsSince(since: Date, merchantIds?: readonly MerchantId[]): Promise<NotifyVerdictCount[]> {
    await Promise.resolve();
    const counts = new Map<string, NotifyVerdictCount>();
    const inScope = (e: NotifyLogEntry): boolean => {
      if (merchantIds === undefined) return true;
      const merchantId = e.outTradeNo === undefined ? undefined : this.merchantOf(e.outTradeNo);
      return merchantId !== undefined && merchantIds.includes(merchantId);
    };
    for (const e of this.entries.filter((x) => x.receivedAt.getTime() >= since.getTime() && inScope(x))) {
      const key = JSON.stringify([e.kind, e.verdict, e.detail]);
      const seen = counts.get(key);
      counts.set(key, { kind: e.kind, verdict: e.verdict, detail: e.detail, count: (seen?.count ?? 0) + 1 });
    }
    const text = (c: NotifyVerdictCount): string => `${c.kind} ${c.verdict} ${c.detail}`;
    return [...counts.values()].sort((a, b) => b.count - a.count || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  }
}
