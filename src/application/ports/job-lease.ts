export interface JobLeaseOptions {
  /** The lease lapses this long after its last renewal, so a crashed holder frees the job. */
  readonly ttlMs: number;
  /** How often a running holder renews; well under ttlMs so one slow renewal does not lose the lease. */
  readonly renewEveryMs: number;
}

export type JobRun<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

/**
 * One holder per job name across all instances, for background jobs (reconciliation, close, outbox relay) that must
 * not run N times when N instances are up. Like Lock, it saves work, not correctness: the jobs' writes are still
 * compare-and-set.
 */
export interface JobLease {
  /**
   * Runs `work` if no other instance holds the job, renewing the lease while it runs and releasing it after.
   * Resolves `{ ran: false }` when another holder has it. `signal` aborts when the lease is lost (renewal refused, or
   * the lease service unreachable for longer than the TTL): the work should stop at its next step. Throws when the
   * lease service is unreachable at the start.
   */
  runExclusive<T>(job: string, options: JobLeaseOptions, work: (signal: AbortSignal) => Promise<T>): Promise<JobRun<T>>;
}
