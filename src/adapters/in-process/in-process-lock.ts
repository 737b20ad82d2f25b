import { randomUUID } from 'node:crypto';
import type { Lock, LockLease, LockOptions } from '../../application/ports/lock.js';

interface Holder {
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * A per-key lock inside one process: the embedded default's lock, and the model the Redis lock is held to by the
 * shared contract suite. Waiters are woken on release instead of polling.
 */
export class InProcessLock implements Lock {
  private readonly holders = new Map<string, Holder>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(key: string, { ttlMs, waitMs }: LockOptions): Promise<LockLease | undefined> {
    const deadline = this.now() + waitMs;
    for (;;) {
      const holder = this.holders.get(key);
      const now = this.now();
      if (!holder || holder.expiresAt <= now) return this.take(key, ttlMs);
      if (now >= deadline) return undefined;
      await this.changeOf(key, Math.min(deadline, holder.expiresAt) - now);
    }
  }

  private take(key: string, ttlMs: number): LockLease {
    const token = randomUUID();
    this.holders.set(key, { token, expiresAt: this.now() + ttlMs });
    return {
      key,
      release: async () => {
        if (this.holders.get(key)?.token !== token) return; // expired and taken by someone else: not ours to free
        this.holders.delete(key);
        for (const wake of this.waiters.get(key) ?? []) wake();
      },
    };
  }

  private changeOf(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set();
      this.waiters.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, timeoutMs));
      set.add(done);
    });
  }
}
