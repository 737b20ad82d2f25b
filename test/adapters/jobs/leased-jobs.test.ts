import { describe, expect, it } from 'vitest';
import type { JobLease, JobLeaseOptions, JobRun } from '../../../src/application/ports/job-lease.js';
import { InProcessJobLease } from '../../../src/adapters/in-process/in-process-job-lease.js';
import { LeasedJobs, leaseOptionsFor } from '../../../src/adapters/jobs/leased-jobs.js';
import { silentLogger } from '../../support/test-container.js';

/** Remembers the options each job asked the lease with. */
class WatchedLease implements JobLease {
  readonly asked: [string, JobLeaseOptions][] = [];
  private readonly inner = new InProcessJobLease();

  runExclusive<T>(job: string, options: JobLeaseOptions, work: (signal: AbortSignal) => Promise<T>): Promise<JobRun<T>> {
    this.asked.push([job, options]);
    return this.inner.runExclusive(job, options, work);
  }
}

describe('LeasedJobs: every job, however started, under the job lease', () => {
  it('sizes the lease from the interval: three intervals (at least 5 s), renewed three times per lease', () => {
    expect(leaseOptionsFor(30_000)).toEqual({ ttlMs: 90_000, renewEveryMs: 30_000 });
    expect(leaseOptionsFor(1_000)).toEqual({ ttlMs: 5_000, renewEveryMs: 1_666 });
  });

  it('runs a job now under its lease, scheduled or not, and gives back what it returned', async () => {
    const lease = new WatchedLease();
    let runs = 0;
    const jobs = new LeasedJobs<{ count: number; idle: undefined }>(
      { count: { intervalMs: 60_000, work: async () => ++runs }, idle: { intervalMs: 1_000, work: async () => undefined } },
      lease,
      silentLogger,
    );
    expect(await jobs.runNow('count')).toBe(1);
    expect(await jobs.runUnderLease('count')).toEqual({ ran: true, value: 2 });
    jobs.start();
    try {
      expect(await jobs.runNow('count')).toBeGreaterThan(2);
    } finally {
      await jobs.stop();
    }
    expect(lease.asked.every(([job, options]) => (job === 'count' ? options.ttlMs === 180_000 : options.ttlMs === 5_000))).toBe(true);
    expect(lease.asked.filter(([job]) => job === 'count').length).toBeGreaterThanOrEqual(3);
  });

  it('answers undefined when another holder has the job', async () => {
    const taken: JobLease = { runExclusive: async () => ({ ran: false }) };
    const jobs = new LeasedJobs<{ count: number }>({ count: { intervalMs: 60_000, work: async () => 1 } }, taken, silentLogger);
    expect(await jobs.runNow('count')).toBeUndefined();
    expect(await jobs.runUnderLease('count')).toEqual({ ran: false });
  });
});
