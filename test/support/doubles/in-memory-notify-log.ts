import type { NotifyLog, NotifyLogEntry } from '../../../src/application/ports/notify-log.js';

export class InMemoryNotifyLog implements NotifyLog {
  readonly entries: NotifyLogEntry[] = [];

  async append(entry: NotifyLogEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push({ ...entry });
  }

  async forOrder(outTradeNo: string, limit = 100): Promise<NotifyLogEntry[]> {
    await Promise.resolve();
    return this.entries.filter((e) => e.outTradeNo === outTradeNo).slice(0, limit);
  }
}
