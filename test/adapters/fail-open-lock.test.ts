import { describe, expect, it } from 'vitest';
import type { Lock } from '../../src/application/ports/lock.js';
import { InProcessLock } from '../../src/adapters/in-process/in-process-lock.js';
import { FailOpenLock } from '../../src/adapters/redis/fail-open-lock.js';

describe('FailOpenLock', () => {
  it('bypasses an unreachable store, reporting it', async () => {
    const bypassed: string[] = [];
    const down: Lock = { acquire: () => Promise.reject(new Error('ECONNREFUSED')) };
    const lock = new FailOpenLock(down, (key) => bypassed.push(key));
    const lease = await lock.acquire('prepay:{1:2:WXPAY}', { ttlMs: 1_000, waitMs: 0 });
    expect(lease?.key).toBe('prepay:{1:2:WXPAY}');
    await lease?.release();
    expect(bypassed).toEqual(['prepay:{1:2:WXPAY}']);
  });

  it('still excludes while the store answers: a held key is not bypassed', async () => {
    const lock = new FailOpenLock(new InProcessLock(), () => {
      throw new Error('must not bypass');
    });
    expect(await lock.acquire('k', { ttlMs: 5_000, waitMs: 0 })).toBeDefined();
    expect(await lock.acquire('k', { ttlMs: 5_000, waitMs: 20 })).toBeUndefined();
  });
});
