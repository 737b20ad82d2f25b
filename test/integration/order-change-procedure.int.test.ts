import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroOrderRepository } from '../../src/adapters/persistence/mikro-order-repository.js';
import { toOrderColumns } from '../../src/adapters/persistence/order-mapper.js';
import {
  changeOrderInOneCall,
  ORDER_CHANGE_PARAMETERS,
  ORDER_CHANGE_PROCEDURE,
  orderChangeResult,
  type OutboxColumns,
} from '../../src/adapters/persistence/order-sql.js';
import { migrate, openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { sqlSession } from '../../src/adapters/persistence/sql-session.js';
import { Order } from '../../src/domain/order.js';
import { anOrder } from '../support/builders.js';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { describeIfServices } from '../support/integration.js';

const describeWith = await describeIfServices(['mariadb']);

/**
 * Migration 16's stored procedure: the order's compare-and-set and its outbox event in one CALL. What the transaction
 * of four statements guaranteed, it must guarantee too: both or neither, the loser of a race told and nothing
 * written, and a connection lost half-way leaving nothing behind.
 */
describeWith('MariaDB: the order change in one CALL (wx_change_order)', () => {
  let db: ScratchDatabase;
  /** One connection each, so session counters and CONNECTION_ID() are those of the statements under test. */
  let orm: SqlOrm;
  let other: SqlOrm;
  const uid = (): number => 2_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const paidAt = new Date(Date.UTC(2026, 0, 15, 6, 0, 0));

  beforeAll(async () => {
    db = await scratchMariaDb('proc');
    const migrating = await openOrm(db.url);
    await migrate(migrating);
    await migrating.close();
    orm = await openOrm(db.url, { poolMax: 1 });
    other = await openOrm(db.url, { poolMax: 1 });
  });
  afterAll(async () => {
    await orm?.close();
    await other?.close();
    await db?.drop();
  });

  const counter = async (name: string): Promise<number> => {
    const [row] = await sqlSession(orm).all<{ Value: string }>(`SHOW SESSION STATUS LIKE '${name}'`);
    return Number(row!.Value);
  };
  const stored = async (no: string): Promise<{ version: number; status: string; events: string[] }> => {
    const [row] = await db.exec('SELECT version, paid_status AS status FROM shop_goods_order WHERE out_trade_no = ?', [no]);
    const events = await db.exec('SELECT event_id AS id FROM payment_event_outbox WHERE out_trade_no = ? ORDER BY id', [no]);
    return { version: Number(row!.version), status: String(row!.status), events: events.map((e) => String(e.id)) };
  };
  const inserted = async (repo: MikroOrderRepository, order = anOrder({ uid: uid() })): Promise<Order> => {
    expect(await repo.insert(order)).toBe('inserted');
    return order;
  };
  const eventFor = (no: string, id = `${no}:Probe`): OutboxColumns => ({
    eventId: id,
    type: 'Probe',
    outTradeNo: no,
    payload: '{}',
    createdAt: Date.now(),
  });

  it('exists after the migrations with exactly the parameters the repository passes, in order', async () => {
    // A column added to the order without a migration that replaces the procedure fails here (the repository would
    // quietly keep the transaction).
    const rows = await db.exec(
      `SELECT parameter_name AS name FROM information_schema.parameters
        WHERE specific_schema = DATABASE() AND specific_name = ? ORDER BY ordinal_position`,
      [ORDER_CHANGE_PROCEDURE],
    );
    expect(rows.map((r) => String(r.name).toLowerCase())).toEqual(ORDER_CHANGE_PARAMETERS);
  });

  it("a payment's compare-and-set and its event are one CALL: one statement, no transaction statements of the client's", async () => {
    const repo = new MikroOrderRepository(orm);
    const order = await inserted(repo);
    await repo.findByOutTradeNo(order.state.outTradeNo.value); // the procedure check, once per repository
    const calls = await counter('Com_call_procedure');
    expect(order.confirmPaid({ transactionId: 'T-ONE-CALL', amount: order.state.cash, paidAt }).ok).toBe(true);
    expect(await repo.update(order)).toBe('updated');
    expect((await counter('Com_call_procedure')) - calls).toBe(1);
    expect(await stored(order.state.outTradeNo.value)).toEqual({
      version: 1,
      status: 'SUCC',
      events: [`${order.state.outTradeNo.value}:OrderPaid`],
    });
    expect((await repo.findByOutTradeNo(order.state.outTradeNo.value))?.state).toEqual(order.state);
  });

  it('the order reads run as prepared statements, prepared once per connection, with the same results', async () => {
    const repo = new MikroOrderRepository(orm);
    // Prepares both reads (and checks for the procedure) on this repository's one connection.
    const warm = await inserted(repo);
    await repo.findByOutTradeNo(warm.state.outTradeNo.value);
    await repo.findPaymentFacts(warm.state.outTradeNo.value);
    expect(warm.confirmPaid({ transactionId: 'T-WARM', amount: warm.state.cash, paidAt }).ok).toBe(true);
    expect(await repo.update(warm)).toBe('updated');
    const order = await inserted(repo);
    const no = order.state.outTradeNo.value;
    const [prepares, executes] = [await counter('Com_stmt_prepare'), await counter('Com_stmt_execute')];
    // A first notice's read: the unpaid order alone, its refunds not looked for.
    expect((await repo.findPaymentFacts(no))?.order?.state).toEqual(order.state);
    expect((await repo.findByOutTradeNo(no))?.state).toEqual(order.state);
    expect(order.confirmPaid({ transactionId: 'T-PREPARED', amount: order.state.cash, paidAt }).ok).toBe(true);
    expect(await repo.update(order)).toBe('updated');
    expect((await repo.findByOutTradeNo(no))?.state).toEqual(order.state);
    expect((await repo.findPaymentFacts(no))?.transactionId).toBe('T-PREPARED');
    expect(await stored(no)).toEqual({ version: 1, status: 'SUCC', events: [`${no}:OrderPaid`] });
    // Four executions of the reads, prepared already; the CALL goes as text.
    expect((await counter('Com_stmt_prepare')) - prepares).toBe(0);
    expect((await counter('Com_stmt_execute')) - executes).toBe(4);
  });

  it('the loser of a race is told, and neither its change nor its event is written', async () => {
    const repo = new MikroOrderRepository(orm);
    const order = await inserted(repo);
    const a = (await repo.findByOutTradeNo(order.state.outTradeNo.value))!;
    const b = (await repo.findByOutTradeNo(order.state.outTradeNo.value))!;
    a.confirmPaid({ transactionId: 'T-A', amount: order.state.cash, paidAt });
    b.confirmPaid({ transactionId: 'T-B', amount: order.state.cash, paidAt });
    expect(await repo.update(a)).toBe('updated');
    expect(await repo.update(b)).toBe('stale');
    const after = await stored(order.state.outTradeNo.value);
    expect(after.events).toHaveLength(1);
    expect((await repo.findByOutTradeNo(order.state.outTradeNo.value))?.state.transactionId).toBe('T-A');
  });

  it('an event already recorded is skipped, and the change still commits', async () => {
    const order = anOrder({ uid: uid() });
    await new MikroOrderRepository(orm).insert(order);
    const no = order.state.outTradeNo.value;
    const event = eventFor(no);
    await db.exec('INSERT INTO payment_event_outbox (event_id, type, out_trade_no, payload, created_at) VALUES (?, ?, ?, ?, ?)', [
      event.eventId,
      event.type,
      no,
      '{"first":true}',
      1,
    ]);
    const result = await sqlSession(orm).all(...changeOrderInOneCall(toOrderColumns(order.state), event));
    expect(orderChangeResult(result)).toBe('updated');
    expect(await stored(no)).toMatchObject({ version: 1, events: [event.eventId] });
    const [kept] = await db.exec('SELECT payload FROM payment_event_outbox WHERE event_id = ?', [event.eventId]);
    expect(kept!.payload).toBe('{"first":true}');
  });

  it('an event that cannot be written undoes the change, and the error reaches the caller', async () => {
    const order = anOrder({ uid: uid() });
    await new MikroOrderRepository(orm).insert(order);
    const no = order.state.outTradeNo.value;
    // payload is NOT NULL: the INSERT fails after the UPDATE succeeded inside the procedure.
    const broken = { ...eventFor(no), payload: null as unknown as string };
    await expect(sqlSession(orm).all(...changeOrderInOneCall(toOrderColumns(order.state), broken))).rejects.toMatchObject({ errno: 1048 });
    expect(await stored(no)).toEqual({ version: 0, status: 'CHECKED', events: [] });
    // The connection is usable and not left inside a transaction.
    const [row] = await sqlSession(orm).all<{ t: number }>('SELECT @@in_transaction AS t');
    expect(Number(row!.t)).toBe(0);
  });

  it('a connection lost between the UPDATE and the INSERT leaves nothing behind', async () => {
    const order = anOrder({ uid: uid() });
    await new MikroOrderRepository(orm).insert(order);
    const no = order.state.outTradeNo.value;
    const event = eventFor(no);
    // Another transaction holds the event's id, uncommitted: the procedure's INSERT waits on it, after its UPDATE.
    const holder = sqlSession(other);
    const [{ id: victim } = { id: 0 }] = await sqlSession(orm).all<{ id: number }>('SELECT CONNECTION_ID() AS id');
    let settled: unknown;
    await holder.pinned(async (conn) => {
      await conn.run('START TRANSACTION');
      await conn.run('INSERT INTO payment_event_outbox (event_id, type, out_trade_no, payload, created_at) VALUES (?, ?, ?, ?, ?)', [
        event.eventId,
        'Probe',
        no,
        '{}',
        1,
      ]);
      const call = sqlSession(orm)
        .all(...changeOrderInOneCall(toOrderColumns(order.state), event))
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      // Wait until the CALL is inside the procedure, blocked on the INSERT with its UPDATE done and not committed.
      let waiting: Record<string, unknown> | undefined;
      for (let i = 0; i < 200 && !waiting; i++) {
        [waiting] = await db.exec(
          `SELECT trx_rows_modified AS modified FROM information_schema.innodb_trx
            WHERE trx_mysql_thread_id = ? AND trx_state = 'LOCK WAIT'`,
          [victim],
        );
        if (!waiting) await new Promise((r) => setTimeout(r, 20));
      }
      expect(Number(waiting?.modified)).toBeGreaterThanOrEqual(1);
      await db.exec(`KILL ${Number(victim)}`);
      settled = await call;
      await conn.run('ROLLBACK');
    });
    expect(settled).toBeInstanceOf(Error);
    expect(await stored(no)).toEqual({ version: 0, status: 'CHECKED', events: [] });
  });

  it("a lost open-slot race reads as stale, as the transaction's did", async () => {
    const repo = new MikroOrderRepository(orm);
    const u = uid();
    const holder = await inserted(repo, anOrder({ uid: u }));
    const second = await inserted(repo, anOrder({ uid: u, holdsOpenSlot: false }));
    expect(holder.state.holdsOpenSlot).toBe(true);
    // The second order claims the key's open slot, which the first holds: UNIQUE(open_key) refuses it inside the CALL.
    const claiming = Order.restore({ ...second.state, holdsOpenSlot: true });
    expect(await repo.update(claiming)).toBe('stale');
    expect(await stored(second.state.outTradeNo.value)).toEqual({ version: 0, status: 'CHECKED', events: [] });
  });

  it('finds the order through the out_trade_no unique index, not a table scan', async () => {
    const repo = new MikroOrderRepository(orm);
    for (let i = 0; i < 200; i++) await repo.insert(anOrder({ uid: uid(), holdsOpenSlot: false }));
    const order = await inserted(repo);
    const scanned = await counter('Handler_read_rnd_next');
    const result = await sqlSession(orm).all(...changeOrderInOneCall(toOrderColumns(order.state), undefined));
    expect(orderChangeResult(result)).toBe('updated');
    // SHOW STATUS reads a few hundred rows of its own; a scan of the table would add over 200 more.
    expect((await counter('Handler_read_rnd_next')) - scanned).toBeLessThan(150);
  });

  it('without the procedure (an account without CREATE ROUTINE) the repository keeps the transaction, with the same result', async () => {
    const scratch = await scratchMariaDb('noproc');
    const migrating = await openOrm(scratch.url);
    await migrate(migrating);
    await migrating.close();
    const own = await openOrm(scratch.url, { poolMax: 1 });
    try {
      await scratch.exec(`DROP PROCEDURE ${ORDER_CHANGE_PROCEDURE}`);
      const repo = new MikroOrderRepository(own);
      const order = anOrder({ uid: uid() });
      await repo.insert(order);
      const calls = async (): Promise<number> =>
        Number((await sqlSession(own).all<{ Value: string }>("SHOW SESSION STATUS LIKE 'Com_call_procedure'"))[0]!.Value);
      const before = await calls();
      order.confirmPaid({ transactionId: 'T-TX', amount: order.state.cash, paidAt });
      expect(await repo.update(order)).toBe('updated');
      expect((await calls()) - before).toBe(0);
      const events = await scratch.exec('SELECT event_id AS id FROM payment_event_outbox WHERE out_trade_no = ?', [
        order.state.outTradeNo.value,
      ]);
      expect(events.map((e) => e.id)).toEqual([`${order.state.outTradeNo.value}:OrderPaid`]);
      expect((await repo.findByOutTradeNo(order.state.outTradeNo.value))?.state).toEqual(order.state);
    } finally {
      await own.close();
      await scratch.drop();
    }
  });
});

describe('the order change procedure', () => {
  it('takes the compare-and-set columns, then the versions and number, then one event', () => {
    expect(ORDER_CHANGE_PARAMETERS.slice(-8)).toEqual([
      'p_new_version',
      'p_out_trade_no',
      'p_expected_version',
      'p_event_event_id',
      'p_event_type',
      'p_event_out_trade_no',
      'p_event_payload',
      'p_event_created_at',
    ]);
  });
});
