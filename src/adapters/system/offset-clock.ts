import type { Clock } from '../../application/ports/clock.js';

/**
 * Wall-clock time plus an offset that only moves forward. Sandbox mode gives one to the service and its embedded
 * simulator, so `POST /sandbox/wxpay/control/clock` lets a tester skip WeChat's 5-minute close rule or a prepay_id's
 * 2 hours on both sides at once. Never used with real WeChat Pay.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
  }
}
