import {
  isIntegralOperation,
  type GrantNote,
  type GrantOutcome,
  type IntegralLedger,
  type IntegralOperation,
  type JournalEntry,
  type OpenReservation,
  type ReserveOutcome,
} from '../../application/ports/integral-ledger.js';
import {
  assertCoinAmount,
  coinsReturnedBy,
  isReservationState,
  MAX_BALANCE,
  reservationSourcesOf,
  type ReservationState,
} from '../../domain/health-coins.js';
import { UnreadableRowError } from './order-mapper.js';
import type { SqlOrm } from './orm.js';
import { isRetryable, violatedUniques } from './sql-failure.js';
import { sqlSession, type SqlRow as Row, type SqlSession, type SqlStatements } from './sql-session.js';

/** Thrown inside a transaction to roll it back when the balance guard refused the withdrawal. */
class Insufficient extends Error {}
/** Thrown inside a transaction to roll it back when a grant would overflow the balance column. */
class BalanceLimit extends Error {}

const MAX_ATTEMPTS = 5;

/**
 * Health coins in SQL. The guards are in the statements, not in a lock: the balance only drops through
 * `UPDATE … SET balance = balance - n WHERE uid = ? AND balance >= n`, a reservation's state only moves through
 * `UPDATE … WHERE state = <expected>`, and the journal's unique op_key makes a repeated operation a no-op. Each
 * operation is one transaction, so the balance and the journal always agree. Its tables have no entity: hand-written
 * SQL on the SQL session throughout.
 */
export class MikroIntegralLedger implements IntegralLedger {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async balanceOf(uid: number): Promise<number> {
    const [row] = await this.sql.all('SELECT balance FROM wx_integral_balance WHERE uid = ?', [uid]);
    return row ? Number(row.balance) : 0;
  }

  async journalOf(uid: number, limit: number): Promise<JournalEntry[]> {
    const rows = await this.sql.all(
      'SELECT uid, delta, operation, out_trade_no, created_at, reason, granted_by FROM wx_integral_journal WHERE uid = ? ORDER BY id DESC LIMIT ?',
      [uid, limit],
    );
    return rows.map(journalEntryOf);
  }

  async journalOfOrder(outTradeNo: string): Promise<JournalEntry[]> {
    const rows = await this.sql.all(
      'SELECT uid, delta, operation, out_trade_no, created_at, reason, granted_by FROM wx_integral_journal WHERE out_trade_no = ? ORDER BY id ASC LIMIT 100',
      [outTradeNo],
    );
    // Byte for byte: MariaDB's collation would match a number differing only in case.
    return rows.filter((r) => r.out_trade_no === outTradeNo).map(journalEntryOf);
  }

  async grant(uid: number, amount: number, grantId: string, at: Date, note: GrantNote = {}): Promise<GrantOutcome> {
    assertCoinAmount(amount);
    try {
      await this.ensureBalanceRow(uid, at);
      return await this.transaction(async (tx) => {
        await this.journal(tx, uid, amount, 'grant', undefined, `grant:${grantId}`, at, note);
        // The guard is in the statement: a balance never passes the column's limit, whatever runs concurrently.
        const added = await tx.run('UPDATE wx_integral_balance SET balance = balance + ?, updated_at = ? WHERE uid = ? AND balance <= ?', [
          amount,
          at.getTime(),
          uid,
          MAX_BALANCE - amount,
        ]);
        if (added.affectedRows !== 1) throw new BalanceLimit();
        return 'granted' as const;
      });
    } catch (error) {
      if (error instanceof BalanceLimit) return 'balanceLimit';
      if (violatedUniques(error)) return 'alreadyGranted';
      throw error;
    }
  }

  async reserve(uid: number, outTradeNo: string, amount: number, at: Date): Promise<ReserveOutcome> {
    assertCoinAmount(amount);
    try {
      await this.transaction(async (tx) => {
        await tx.run(
          'INSERT INTO wx_integral_reservation (out_trade_no, uid, amount, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
          [outTradeNo, uid, amount, 'reserved', at.getTime(), at.getTime()],
        );
        const taken = await tx.run('UPDATE wx_integral_balance SET balance = balance - ?, updated_at = ? WHERE uid = ? AND balance >= ?', [
          amount,
          at.getTime(),
          uid,
          amount,
        ]);
        if (taken.affectedRows !== 1) throw new Insufficient();
        await this.journal(tx, uid, -amount, 'reserve', outTradeNo, `reserve:${outTradeNo}`, at);
      });
      return { kind: 'reserved' };
    } catch (error) {
      if (error instanceof Insufficient) return { kind: 'insufficient', balance: await this.balanceOf(uid) };
      if (violatedUniques(error)) return { kind: 'alreadyReserved' };
      throw error;
    }
  }

  commit(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    return this.settle(outTradeNo, 'committed', 'commit', at);
  }

  release(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    return this.settle(outTradeNo, 'released', 'release', at);
  }

  refund(outTradeNo: string, at: Date): Promise<ReservationState | undefined> {
    return this.settle(outTradeNo, 'refunded', 'refund', at);
  }

  async openReservations(before: Date, limit: number): Promise<OpenReservation[]> {
    const rows = await this.sql.all(
      "SELECT out_trade_no, uid, amount, created_at FROM wx_integral_reservation WHERE state = 'reserved' AND created_at < ? ORDER BY created_at LIMIT ?",
      [before.getTime(), limit],
    );
    return rows.map((r) => ({
      outTradeNo: String(r.out_trade_no),
      uid: Number(r.uid),
      amount: Number(r.amount),
      at: new Date(Number(r.created_at)),
    }));
  }

  /** Moves a reservation to `to` by compare-and-set from the states the domain allows, returning coins as it says. */
  private async settle(
    outTradeNo: string,
    to: ReservationState,
    operation: IntegralOperation,
    at: Date,
  ): Promise<ReservationState | undefined> {
    const from = reservationSourcesOf(to);
    return this.transaction(async (tx) => {
      const [row] = await tx.all('SELECT uid, amount, state FROM wx_integral_reservation WHERE out_trade_no = ?', [outTradeNo]);
      if (!row) return undefined;
      const state = stateOf(row);
      if (!from.includes(state)) return state;
      const placeholders = from.map(() => '?').join(', ');
      const moved = await tx.run(
        `UPDATE wx_integral_reservation SET state = ?, updated_at = ? WHERE out_trade_no = ? AND state IN (${placeholders})`,
        [to, at.getTime(), outTradeNo, ...from],
      );
      if (moved.affectedRows !== 1) {
        const [now] = await tx.all('SELECT state FROM wx_integral_reservation WHERE out_trade_no = ?', [outTradeNo]);
        return now ? stateOf(now) : undefined;
      }
      const uid = Number(row.uid);
      const delta = coinsReturnedBy(to, Number(row.amount));
      if (delta !== 0) {
        await tx.run('UPDATE wx_integral_balance SET balance = balance + ?, updated_at = ? WHERE uid = ?', [delta, at.getTime(), uid]);
      }
      await this.journal(tx, uid, delta, operation, outTradeNo, `${operation}:${outTradeNo}`, at);
      return to;
    });
  }

  private async journal(
    tx: SqlStatements,
    uid: number,
    delta: number,
    operation: IntegralOperation,
    outTradeNo: string | undefined,
    opKey: string,
    at: Date,
    note: GrantNote = {},
  ): Promise<void> {
    await tx.run(
      'INSERT INTO wx_integral_journal (uid, delta, operation, out_trade_no, op_key, created_at, reason, granted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [uid, delta, operation, outTradeNo ?? null, opKey, at.getTime(), note.reason ?? null, note.grantedBy ?? null],
    );
  }

  /** Outside any transaction: concurrent first grants would otherwise deadlock on the new row's gap lock. */
  private async ensureBalanceRow(uid: number, at: Date): Promise<void> {
    const ignore = this.sql.dialect === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
    await this.sql.run(`${ignore} INTO wx_integral_balance (uid, balance, updated_at) VALUES (?, 0, ?)`, [uid, at.getTime()]);
  }

  /** InnoDB may still pick one of two concurrent transactions as a deadlock victim: it is retried, as MySQL advises. */
  private async transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sql.transaction(work);
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
      }
    }
  }
}

const journalEntryOf = (r: Row): JournalEntry => ({
  uid: Number(r.uid),
  delta: Number(r.delta),
  operation: operationOf(r),
  ...(r.out_trade_no ? { outTradeNo: String(r.out_trade_no) } : {}),
  at: new Date(Number(r.created_at)),
  ...(r.reason === null || r.reason === undefined ? {} : { reason: String(r.reason) }),
  ...(r.granted_by === null || r.granted_by === undefined ? {} : { grantedBy: String(r.granted_by) }),
});

function stateOf(row: Row): ReservationState {
  if (isReservationState(row.state)) return row.state;
  throw new UnreadableRowError('wx_integral_reservation', `wx_integral_reservation: unknown state '${String(row.state)}'`);
}

function operationOf(row: Row): IntegralOperation {
  if (isIntegralOperation(row.operation)) return row.operation;
  throw new UnreadableRowError('wx_integral_journal', `wx_integral_journal: unknown operation '${String(row.operation)}'`);
}
