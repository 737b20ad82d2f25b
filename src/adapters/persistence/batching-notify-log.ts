import type { MerchantId } from '../../domain/merchant.js';
import type { NotifyHistory, NotifyLog, NotifyLogEntry, NotifyVerdictCount } from '../../application/ports/notify-log.js';

/** Where the batches go: one multi-row write per call. */
export interface NotifyLogStore extends NotifyHistory {
  appendAll(entries: readonly NotifyLogEntry[]): Promise<void>;
}

export interface BatchingOptions {
  /** Entries per write. */
  readonly maxBatch: number;
  /** Entries held while the store refuses them; beyond this the oldest go to `onDropped` instead. */
  readonly maxPending: number;
  /** How long to wait before writing again after the store refused a batch. */
  readonly retryMs: number;
  /** How long the first entry of a batch waits for others: fewer, larger transactions under load. */
  readonly lingerMs: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { maxBatch: 200, maxPending: 20_000, retryMs: 1_000, lingerMs: 20 };

export interface BatchingEvents {
  /** A write failed; the entries are kept and written later. */
  readonly onWriteFailed: (error: unknown, pending: number) => void;
  /** Entries given up on (the store has refused writes for long), each complete so a log line can keep it. */
  readonly onDropped: (entries: readonly NotifyLogEntry[]) => void;
}

/**
 * The notify log, written in batches off the answer path: WeChat's acknowledgement never waits for the log, and a
 * burst of notices costs one INSERT per batch instead of one per notice. A batch is written `lingerMs` after its first
 * entry, and entries that arrive while it is in flight form the next one. `flush()` (on
 * shutdown) writes everything still held; reading the log flushes first, so a reader sees every notice answered
 * before it asked.
 */
export class BatchingNotifyLog implements NotifyLog, NotifyHistory {
  private pending: NotifyLogEntry[] = [];
  private writing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: NotifyLogStore,
    private readonly events: BatchingEvents,
    private readonly options: BatchingOptions = DEFAULT_BATCHING,
  ) {}

  append(entry: NotifyLogEntry): Promise<void> {
    this.pending.push(entry);
    if (this.pending.length > this.options.maxPending) {
      this.events.onDropped(this.pending.splice(0, this.pending.length - this.options.maxPending));
    }
    if (!this.writing && !this.retryTimer) this.writing = this.drain();
    return Promise.resolve();
  }

  /**
   * Writes every entry held (shutdown). A store that keeps refusing is retried until `timeoutMs`; what is left then
   * goes to `onDropped`, so even then no notice is lost without a trace.
   */
  async flush(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.cancelRetry();
      await (this.writing ??= this.drain());
      if (this.pending.length === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.cancelRetry();
        this.events.onDropped(this.pending.splice(0));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.retryMs, left)));
    }
  }

  async forOrder(outTradeNo: string, limit?: number): Promise<NotifyLogEntry[]> {
    await this.settled();
    return this.store.forOrder(outTradeNo, limit);
  }

  async verdictsSince(since: Date, merchantIds?: readonly MerchantId[]): Promise<NotifyVerdictCount[]> {
    await this.settled();
    return this.store.verdictsSince(since, merchantIds);
  }

  /** A reader waits for what is being written, but not for a store that is down. */
  private async settled(): Promise<void> {
    if (!this.writing && this.pending.length > 0 && !this.retryTimer) this.writing = this.drain();
    await this.writing;
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async drain(): Promise<void> {
    try {
      // Let the current burst of requests append before the first write.
      await new Promise<void>((resolve) =>
        this.options.lingerMs > 0 ? setTimeout(resolve, this.options.lingerMs) : setImmediate(resolve),
      );
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, this.options.maxBatch);
        try {
          await this.store.appendAll(batch);
        } catch (error) {
          this.events.onWriteFailed(error, this.pending.length);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            if (!this.writing) this.writing = this.drain();
          }, this.options.retryMs);
          this.retryTimer.unref();
          return;
        }
        // Appends during the write went to the end; an overflow during it trimmed the head, batch entries included.
        const written = new Set(batch);
        let done = 0;
        while (done < this.pending.length && written.has(this.pending[done]!)) done++;
        this.pending.splice(0, done);
      }
    } finally {
      this.writing = undefined;
    }
  }
}
