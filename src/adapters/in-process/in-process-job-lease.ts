import type { JobLease, JobLeaseOptions, JobRun } from '../../application/ports/job-lease.js';

/**
 * One holder per job name inside one process: what the embedded default (a single instance) needs, and the model the
 * Redis lease is held to by the shared contract. Nothing can take the lease away here, so the signal never aborts.
 */
export class InProcessJobLease implements JobLease {
  private readonly running = new Set<string>();

  async runExclusive<T>(job: string, _options: JobLeaseOptions, work: (signal: AbortSignal) => Promise<T>): Promise<JobRun<T>> {
    if (this.running.has(job)) return { ran: false };
    this.running.add(job);
    try {
      return { ran: true, value: await work(new AbortController().signal) };
    } finally {
      this.running.delete(job);
    }
  }
}
