import type { Logger } from 'pino';
import type { JobLease, JobLeaseOptions, JobRun } from '../../application/ports/job-lease.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';

export interface JobDefinition<V> {
  readonly intervalMs: number;
  readonly work: (signal: AbortSignal) => Promise<V>;
}

/** Each job by name, with what its run returns. */
export type JobDefinitions<V extends object> = { readonly [N in keyof V]: JobDefinition<V[N]> };

/**
 * The lease policy of every job, however it is started (schedule, admin API, `npm run reconcile`): short enough that
 * a crashed holder delays the others by seconds, renewed often enough never to lapse while the holder lives.
 */
export function leaseOptionsFor(intervalMs: number): JobLeaseOptions {
  const ttlMs = Math.max(5_000, intervalMs * 3);
  return { ttlMs, renewEveryMs: Math.floor(ttlMs / 3) };
}

/**
 * Background jobs, each under the job lease so that N instances run it once between them. Scheduled runs, the admin
 * API and the command line share one code path: `runUnderLease`.
 */
export class LeasedJobs<V extends object> {
  private scheduled = new Map<keyof V, PeriodicJob>();

  constructor(
    private readonly definitions: JobDefinitions<V>,
    private readonly lease: JobLease,
    private readonly logger: Logger,
  ) {}

  /** Runs the job once if no other instance holds it; `{ ran: false }` otherwise. */
  runUnderLease<N extends keyof V & string>(name: N): Promise<JobRun<V[N]>> {
    const definition = this.definitions[name];
    return this.lease.runExclusive(name, leaseOptionsFor(definition.intervalMs), definition.work);
  }

  start(): void {
    for (const name of Object.keys(this.definitions) as (keyof V & string)[]) {
      const job = startPeriodicJob({
        name,
        intervalMs: this.definitions[name].intervalMs,
        logger: this.logger,
        run: async () => {
          const run = await this.runUnderLease(name);
          return run.ran ? run.value : undefined;
        },
      });
      this.scheduled.set(name, job);
    }
  }

  /** Runs a job once now, under its lease (queued behind a scheduled run in progress); undefined when another instance holds it. */
  async runNow<N extends keyof V & string>(name: N): Promise<V[N] | undefined> {
    const job = this.scheduled.get(name);
    if (job) return (await job.runNow()) as V[N] | undefined;
    const run = await this.runUnderLease(name);
    return run.ran ? run.value : undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.scheduled.values()].map((job) => job.stop()));
    this.scheduled.clear();
  }
}
