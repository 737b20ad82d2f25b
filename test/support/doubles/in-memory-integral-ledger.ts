import type {
  GrantNote,
  GrantOutcome,
  IntegralLedger,
  IntegralOperation,
  JournalEntry,
  OpenReservation,
  ReserveOutcome,
} from '../../../src/application/ports/integral-ledger.js';
import {
  assertCoinAmount,
  coinsReturnedBy,
  MAX_BALANCE,
  reservationSourcesOf,
  type ReservationState,
} from '../../../src/domain/health-coins.js';

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
    return this.journal
      .filter((e) => e.uid === uid)
      .slice(-limit)
      .reverse();
  }

  async journalOfOrder(outTradeNo: string): Promise<JournalEntry[]> {
    await Promise.resolve();
    return this.journal.filter((e) => e.outTradeNo === outTradeNo);
  }

  async grant(uid: number, amount: number, grantId: string, at: Date, note: GrantNote = {}): Promise<GrantOutcome> {
    assertCoinAmount(amount);
    await Promise.resolve();
    if (this.grants.has(grantId)) return 'alreadyGranted';
    if ((this.balances.get(uid) ?? 0) > MAX_BALANCE - amount) return 'balanceLimit';
    this.grants.add(grantId);
    this.move(uid, amount, 'grant', undefined, at, note);
    return 'granted';
  }

  async reserve(uid: number, outTradeNo: string, amount: number, at: Date): Promise<ReserveOutcome> {
    assertCoinAmount(amount);
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
    return this.settle(outTradeNo, 'committed', 'commit', at);
  }

  async release(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    await Promise.resolve();
    return this.settle(outTradeNo, 'released', 'release', at);
  }

  async refund(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    await Promise.resolve();
    return this.settle(outTradeNo, 'refunded', 'refund', at);
  }

  async openReservations(before: Date, limit: number): Promise<OpenReservation[]> {
    await Promise.resolve();
    return [...this.reservations.entries()]
      .filter(([, r]) => r.state === 'reserved' && r.at.getTime() < before.getTime())
      .sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())
      .slice(0, limit)
      .map(([outTradeNo, r]) => ({ uid: r.uid, outTradeNo, amount: r.amount, at: r.at }));
  }

  /** The domain's reservation transitions, as the SQL ledger applies them. */
  private settle(outTradeNo: string, to: ReservationState, operation: IntegralOperation, at: Date): ReservationState | undefined {
    const r = this.reservations.get(outTradeNo);
    if (!r || !reservationSourcesOf(to).includes(r.state)) return r?.state;
    r.state = to;
    this.move(r.uid, coinsReturnedBy(to, r.amount), operation, outTradeNo, at);
    return to;
  }

  private move(
    uid: number,
    delta: number,
    operation: IntegralOperation,
    outTradeNo: string | undefined,
    at: Date,
    note: GrantNote = {},
  ): void {
    this.balances.set(uid, (this.balances.get(uid) ?? 0) + delta);
    const { reason, grantedBy } = note;
    this.journal.push({
      uid,
      delta,
      operation,
      ...(outTradeNo === undefined ? {} : { outTradeNo }),
      at,
      ...(reason === undefined ? {} : { reason }),
      ...(grantedBy === undefined ? {} : { grantedBy }),
    });
  }
}
