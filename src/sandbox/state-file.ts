import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseSimulatorSnapshot, type SimulatorSnapshot } from './simulator/router.js';

/** What the file keeps in step: the simulator's pure snapshot() and restore(). */
export interface SnapshotSource {
  snapshot(): SimulatorSnapshot;
  restore(snapshot: SimulatorSnapshot): number;
}

export type StateFileLog = (level: 'info' | 'warn', event: Readonly<Record<string, unknown>>, message: string) => void;

/**
 * Where a simulator keeps its state: the embedded one and `npm run sandbox` use different files, so that the two
 * sharing the default ./data never overwrite each other's orders.
 */
export function simulatorStatePath(folder: string, mchId: string, kind: 'embedded' | 'standalone'): string {
  return join(folder, kind === 'embedded' ? `wechatpay-simulator-${mchId}.json` : `wechatpay-simulator-standalone-${mchId}.json`);
}

/** Half a second after a change; a steady stream of changes is written at most that often, never postponed forever. */
const DEFAULT_DEBOUNCE_MS = 500;

/**
 * The sandbox simulator's state on disk, so that an order opened before a restart can be paid after it. Loaded once at
 * start (a corrupt or unknown-version file is moved aside with a warning and the simulator starts empty), written
 * after changes (debounced) and on shutdown (flush), each time whole: to a temporary file (mode 0600, fsynced), then
 * renamed over the old one, so a crash leaves the previous or the next state, never half of one. Sandbox state never
 * stops the service: every failure is a warning.
 */
export class SimulatorStateFile {
  private source: SnapshotSource | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  /** Set when the file could neither be read nor moved aside: writing would destroy what is there. */
  private disabled = false;

  constructor(
    readonly path: string,
    private readonly log: StateFileLog,
    private readonly debounceMs = DEFAULT_DEBOUNCE_MS,
  ) {}

  /** Restores the saved state into `source` (if there is one) and from now on saves its changes. */
  attach(source: SnapshotSource): void {
    this.source = source;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.moveAside(`unreadable: ${(error as Error).message}`);
      return;
    }
    try {
      const orders = source.restore(parseSimulatorSnapshot(JSON.parse(text)));
      this.log('info', { path: this.path, orders }, 'sandbox simulator state restored');
    } catch (error) {
      this.moveAside((error as Error).message);
    }
  }

  /** Something changed: saved within the debounce interval. */
  changed(): void {
    this.dirty = true;
    if (this.timer || this.disabled) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Writes now if anything changed since the last write (the service's shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.write();
  }

  private write(): void {
    if (!this.source || this.disabled) return;
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      const text = JSON.stringify(this.source.snapshot());
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(temporary, 'w', 0o600);
      try {
        fchmodSync(fd, 0o600);
        writeFileSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
      this.dirty = false;
    } catch (error) {
      this.log('warn', { path: this.path, err: (error as Error).message }, 'sandbox simulator state could not be saved');
      try {
        unlinkSync(temporary);
      } catch {
        // nothing was written
      }
    }
  }

  private moveAside(reason: string): void {
    const aside = `${this.path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.path, aside);
      this.log('warn', { path: this.path, movedTo: aside, reason }, 'sandbox simulator state unreadable: moved aside, starting empty');
    } catch (error) {
      this.disabled = true;
      this.log(
        'warn',
        { path: this.path, reason, err: (error as Error).message },
        'sandbox simulator state unreadable and could not be moved aside: starting empty, not saving',
      );
    }
  }
}
