import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWechatPaySimulator, type SimulatorSnapshot } from '../../src/sandbox/simulator/router.js';
import { SimulatorState } from '../../src/sandbox/simulator/state.js';
import { OffsetClock } from '../../src/adapters/system/offset-clock.js';
import { SimulatorStateFile, simulatorStatePath, type StateFileLog } from '../../src/sandbox/state-file.js';
import { ManualClock } from '../support/doubles/manual-clock.js';

const folder = (): string => mkdtempSync(join(tmpdir(), 'wxpay-sim-state-'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A state with one open order and one paid order with a refund accepted but not yet settled. */
function someState(clock = new ManualClock()): { state: SimulatorState; snapshot: SimulatorSnapshot } {
  const state = new SimulatorState(clock);
  const order = (no: string) =>
    state.unifiedOrder(
      { out_trade_no: no, total_fee: '300', openid: 'o-user', notify_url: 'http://127.0.0.1:9/wechat/pay-notify', body: 'x' },
      'MD5',
    );
  order('OPEN-1');
  const paid = order('PAID-1');
  if (!paid.ok) throw new Error('unifiedorder refused');
  state.pay(paid.value.prepayId);
  state.refund({ out_trade_no: 'PAID-1', out_refund_no: 'RF-1', total_fee: '300', refund_fee: '100' }, undefined);
  return { state, snapshot: state.snapshot() };
}

function recordingLog(): { log: StateFileLog; lines: { level: string; event: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; event: Record<string, unknown>; message: string }[] = [];
  return { log: (level, event, message) => lines.push({ level, event: { ...event }, message }), lines };
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('the sandbox simulator state file', () => {
  it('names one file per simulator kind and merchant in the data folder', () => {
    expect(simulatorStatePath('/data', '10000100', 'embedded')).toBe('/data/wechatpay-simulator-10000100.json');
    expect(simulatorStatePath('/data', '10000100', 'standalone')).toBe('/data/wechatpay-simulator-standalone-10000100.json');
  });

  it('writes nothing until something changes, then the whole snapshot (mode 0600), and restores it at the next start', () => {
    const path = join(folder(), 'sim.json');
    const { snapshot } = someState();
    const file = new SimulatorStateFile(path, recordingLog().log, 60_000);
    const restore = vi.fn(() => 0);
    file.attach({ snapshot: () => snapshot, restore });
    expect(restore).not.toHaveBeenCalled();
    file.flush();
    expect(existsSync(path)).toBe(false);

    file.changed();
    file.flush();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(snapshot);
    expect(readdirSync(join(path, '..'))).toEqual(['sim.json']); // no temporary file left behind

    const { log, lines } = recordingLog();
    const restored = vi.fn(() => 2);
    new SimulatorStateFile(path, log).attach({ snapshot: () => snapshot, restore: restored });
    expect(restored).toHaveBeenCalledWith(snapshot);
    expect(lines).toEqual([{ level: 'info', event: { path, orders: 2 }, message: 'sandbox simulator state restored' }]);
  });

  it('debounces: many changes, one write shortly after', async () => {
    const path = join(folder(), 'sim.json');
    let snapshots = 0;
    const file = new SimulatorStateFile(path, recordingLog().log, 30);
    closers.push(() => file.flush());
    file.attach({ snapshot: () => (snapshots++, someState().snapshot), restore: () => 0 });
    for (let i = 0; i < 50; i++) file.changed();
    expect(existsSync(path)).toBe(false);
    await sleep(150);
    expect(existsSync(path)).toBe(true);
    expect(snapshots).toBe(1);
    file.flush(); // nothing changed since: no second write
    expect(snapshots).toBe(1);
  });

  it.each([
    ['not JSON', '{"version":1,"orders":[', /JSON/],
    ['another version', JSON.stringify({ version: 99, orders: [] }), /unknown simulator snapshot version 99/],
    ['another shape', JSON.stringify({ version: 1, takenAt: 'x', orders: 'none' }), /not a simulator snapshot/],
  ])('moves a file that is %s aside with a warning and starts empty', (_, text, reason) => {
    const dir = folder();
    const path = join(dir, 'sim.json');
    writeFileSync(path, text);
    const { log, lines } = recordingLog();
    const restore = vi.fn(() => 0);
    const file = new SimulatorStateFile(path, log, 60_000);
    file.attach({ snapshot: () => someState().snapshot, restore });

    expect(restore).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', message: 'sandbox simulator state unreadable: moved aside, starting empty' });
    expect(String(lines[0]?.event.reason)).toMatch(reason);
    const aside = readdirSync(dir).find((name) => name.startsWith('sim.json.unreadable-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe(text);
    expect(existsSync(path)).toBe(false);

    file.changed();
    file.flush();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('never throws when the state cannot be saved: it warns', () => {
    const blocker = join(folder(), 'data');
    const { log, lines } = recordingLog();
    const file = new SimulatorStateFile(join(blocker, 'sim.json'), log, 60_000);
    file.attach({ snapshot: () => someState().snapshot, restore: () => 0 });
    writeFileSync(blocker, ''); // the data folder is a file now: nothing can be written under it
    file.changed();
    expect(() => file.flush()).not.toThrow();
    expect(lines).toMatchObject([{ level: 'warn', message: 'sandbox simulator state could not be saved' }]);
  });
});

describe('a simulator restored from its state file', () => {
  it('takes up where it stopped: sandbox time does not go back, a refund still processing settles again', async () => {
    const path = join(folder(), 'sim.json');
    // Before the restart: time was moved 3 hours forward (POST /control/clock), a refund was accepted.
    const before = new ManualClock(Date.now() + 3 * 3_600_000);
    const { snapshot } = someState(before);
    writeFileSync(path, JSON.stringify(snapshot));

    const clock = new OffsetClock();
    const file = new SimulatorStateFile(path, recordingLog().log, 10);
    const simulator = createWechatPaySimulator({ clock, refundSettleMs: 20, timeScale: 1, onStateChange: () => file.changed() });
    closers.push(() => simulator.close());
    file.attach(simulator);

    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before.now().getTime());
    expect(simulator.snapshot().orders.map((o) => [o.outTradeNo, o.state])).toEqual([
      ['OPEN-1', 'NOTPAY'],
      ['PAID-1', 'REFUND'],
    ]);
    await sleep(150);
    expect(simulator.snapshot().orders[1]?.refunds[0]?.status).toBe('SUCCESS');
    // ...and that change was saved in turn.
    const saved = JSON.parse(readFileSync(path, 'utf8')) as SimulatorSnapshot;
    expect(saved.orders[1]?.refunds[0]?.status).toBe('SUCCESS');
  });
});
