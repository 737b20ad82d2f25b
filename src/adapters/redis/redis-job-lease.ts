import { randomUUID } from 'node:crypto';
import type { JobLease, JobLeaseOptions, JobRun } from '../../application/ports/job-lease.js';
import type { RedisClient } from './redis-client.js';
import { COMPARE_AND_DELETE, hashTagged, setIfAbsent } from './redis-lock.js';

/** Extends the lease only while it still holds our token: a lease that lapsed and was taken stays taken. */
export const COMPARE_AND_EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class JobLeaseLostError extends Error {
  override readonly name = 'JobLeaseLostError';
}

export interface RedisJobLeaseOptions {
  /** Prepended to the job name, which becomes the key's hash tag (see hashTagged). Default 'wxpay:job:'. */
  readonly prefix?: string;
  /** Renewal and release failures (the work goes on until the lease may have lapsed). */
  readonly onError?: (job: string, error: unknown) => void;
}

/**
 * One holder per job across instances: `SET NX PX`, renewed every `renewEveryMs` by a compare-and-extend script,
 * released by compare-and-delete. The work's signal aborts as soon as a renewal finds the token gone, or once no
 * renewal has succeeded for a whole TTL (Redis unreachable: another instance may hold the job by then).
 */
export class RedisJobLease implements JobLease {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisJobLeaseOptions = {},
  ) {
    this.prefix = options.prefix ?? 'wxpay:job:';
  }

  async runExclusive<T>(
    job: string,
    { ttlMs, renewEveryMs }: JobLeaseOptions,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<JobRun<T>> {
    if (!(ttlMs > 0) || !(renewEveryMs > 0) || renewEveryMs >= ttlMs) {
      throw new RangeError(`job lease needs 0 < renewEveryMs < ttlMs (got ${renewEveryMs}, ${ttlMs})`);
    }
    const key = this.prefix + hashTagged(job);
    const token = randomUUID();
    const ttl = Math.ceil(ttlMs);
    let heldSince = Date.now();
    if (!(await setIfAbsent(this.client, key, token, ttl))) return { ran: false };

    const controller = new AbortController();
    let renewing = false;
    const renew = async (): Promise<void> => {
      if (renewing || controller.signal.aborted) return;
      renewing = true;
      const sentAt = Date.now();
      try {
        const extended = await this.client.eval(COMPARE_AND_EXTEND, 1, key, token, String(ttl));
        if (extended === 1) heldSince = sentAt;
        else controller.abort(new JobLeaseLostError(`job ${job}: lease taken by another holder`));
      } catch (error) {
        this.options.onError?.(job, error);
        if (Date.now() - heldSince >= ttl) {
          controller.abort(new JobLeaseLostError(`job ${job}: lease not renewed for ${ttl} ms`));
        }
      } finally {
        renewing = false;
      }
    };
    const timer = setInterval(() => void renew(), renewEveryMs);
    timer.unref();
    try {
      return { ran: true, value: await work(controller.signal) };
    } finally {
      clearInterval(timer);
      try {
        await this.client.eval(COMPARE_AND_DELETE, 1, key, token);
      } catch (error) {
        this.options.onError?.(job, error);
      }
    }
  }
}
