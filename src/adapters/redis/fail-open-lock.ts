import type { Lock, LockLease, LockOptions } from '../../application/ports/lock.js';

/**
 * A lock that, when its store is unreachable, grants a lease that excludes nothing instead of failing the request.
 * Only for locks that save work rather than guard correctness: the prepay lock is one, because the database's unique
 * open-order index and the coin ledger's conditional updates hold on their own. Contention for a held key still
 * waits or answers "busy" as usual; only an unreachable store is bypassed.
 */
export class FailOpenLock implements Lock {
  constructor(
    private readonly inner: Lock,
    private readonly onBypass: (key: string, error: unknown) => void,
  ) {}

  async acquire(key: string, options: LockOptions): Promise<LockLease | undefined> {
    try {
      return await this.inner.acquire(key, options);
    } catch (error) {
      this.onBypass(key, error);
      return { key, release: async () => {} };
    }
  }
}
