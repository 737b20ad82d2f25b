export interface LockOptions {
  /** The lease ends by itself after this long, so a crashed holder cannot block the key forever. */
  readonly ttlMs: number;
  /** How long to wait for a held key before giving up. */
  readonly waitMs: number;
}

export interface LockLease {
  readonly key: string;
  /** Releases only this lease: once it has expired and someone else holds the key, release leaves theirs alone. */
  release(): Promise<void>;
}

/**
 * A per-key mutual-exclusion lease. It saves work, never correctness: every state change is also a compare-and-set in
 * the database, so a lost or expired lease can only cost a retry.
 */
export interface Lock {
  /** Resolves undefined when the key is still held after `waitMs`; throws when the lock service is unreachable. */
  acquire(key: string, options: LockOptions): Promise<LockLease | undefined>;
}
