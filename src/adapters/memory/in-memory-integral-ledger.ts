import type {
  IntegralLedger,
  IntegralOperation,
  JournalEntry,
  OpenReservation,
  ReservationState,
  ReserveOutcome,
} from '../../application/ports/integral-ledger.js';

interface Reservation {
  readonly uid: number;
  readonly amount: number;
  readonly at: Date;
  state: ReservationState;
}

/**
 * The ledger in memory. Each operation checks and writes in one synchronous step after its single await, which is
 * what a database transaction gives the SQL ledger; the shared contract and model tests hold both to the same rules.
 */
export class InMemoryIntegralLedger implements IntegralLedger {
  private readonly balances = new Map<number, number>();
  private readonly journal: JournalEntry[] = [];
  private readonly reservations = new Map<string, Reservation>();
  private readonly grants = new Set<string>();

  async balanceOf(uid: number): Promise<number> {
    await Promise.resolve();
    return this.balances.get(uid) ?? 0;
  }

  async journalOf(uid: number, limit: number): Promise<JournalEntry[]> {
    await Promise.resolve();
    return this.journal.filter((e) => e.uid === uid).slice(-limit).reverse();
  }

  async grant(uid: number, amount: number, grantId: string, at: Date): Promise<'granted' | 'alreadyGranted'> {
    assertCoins(amount);
    await Promise.resolve();
    if (this.grants.has(grantId)) return 'alreadyGranted';
    this.grants.add(grantId);
    this.move(uid, amount, 'grant', undefined, at);
    return 'granted';
  }

  async reserve(uid: number, outTradeNo: string, amount: number, at: Date): Promise<ReserveOutcome> {
    assertCoins(amount);
    await Promise.resolve();
    if (this.reservations.has(outTradeNo)) return { kind: 'alreadyReserved' };
    const balance = this.balances.get(uid) ?? 0;
    if (balance < amount) return { kind: 'insufficient', balance };
    this.reservations.set(outTradeNo, { uid, amount, at, state: 'reserved' });
    this.move(uid, -amount, 'reserve', outTradeNo, at);
    return { kind: 'reserved' };
  }

  async commit(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    await Promise.resolve();
    const r = this.reservations.get(outTradeNo);
    if (r?.state !== 'reserved') return r?.state;
    r.state = 'committed';
    this.move(r.uid, 0, 'commit', outTradeNo, at);
    return r.state;
  }

  async release(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    await Promise.resolve();
    const r = this.reservations.get(outTradeNo);
    if (r?.state !== 'reserved') return r?.state;
    r.state = 'released';
    this.move(r.uid, r.amount, 'release', outTradeNo, at);
    return r.state;
  }

  async refund(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    await Promise.resolve();
    const r = this.reservations.get(outTradeNo);
    if (r?.state !== 'reserved' && r?.state !== 'committed') return r?.state;
    r.state = 'refunded';
    this.move(r.uid, r.amount, 'refund', outTradeNo, at);
    return r.state;
  }

  async openReservations(before: Date, limit: number): Promise<OpenReservation[]> {
    await Promise.resolve();
    return [...this.reservations.entries()]
      .filter(([, r]) => r.state === 'reserved' && r.at.getTime() < before.getTime())
      .sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())
      .slice(0, limit)
      .map(([outTradeNo, r]) => ({ uid: r.uid, outTradeNo, amount: r.amount, at: r.at }));
  }

  private move(uid: number, delta: number, operation: IntegralOperation, outTradeNo: string | undefined, at: Date): void {
    this.balances.set(uid, (this.balances.get(uid) ?? 0) + delta);
    this.journal.push({ uid, delta, operation, ...(outTradeNo === undefined ? {} : { outTradeNo }), at });
  }
}

export function assertCoins(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > 1_000_000_000) {
    throw new RangeError(`invalid number of coins: ${amount}`);
  }
}
