/**
 * A small in-process cache: entries live `ttlMs`, and at most `maxEntries` are kept (the oldest insert goes first).
 * For values that change rarely and are read on every request; each instance keeps its own.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** The cached value, else `load`'s (cached when `keep` says so). */
  async get(key: K, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.nowMs()) return hit.value;
    const value = await load();
    if (keep(value)) this.set(key, value);
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expiresAt: this.nowMs() + this.ttlMs });
  }
}
