import type { Logger } from 'pino';
import type { JobLease } from '../../application/ports/job-lease.js';

export interface PeriodicJob {
  /** Runs once now (under the lease), as the admin API and tests do; resolves with what the run returned. */
  runNow(): Promise<unknown>;
  /** No new runs; resolves when the current one has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs` under a job lease, so that N instances run it once between them. A run that throws
 * is logged and the schedule continues; runs never overlap within one process.
 */
export function startPeriodicJob(options: {
  readonly name: string;
  readonly intervalMs: number;
  readonly lease: JobLease;
  readonly logger: Logger;
  readonly work: (signal: AbortSignal) => Promise<unknown>;
}): PeriodicJob {
  const { name, intervalMs, lease, logger, work } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();

  const runOnce = (): Promise<unknown> => {
    const run = current.then(async () => {
      // Short enough that a crashed holder delays the others by seconds, renewed often enough never to lapse.
      const ttlMs = Math.max(5_000, intervalMs * 3);
      const result = await lease.runExclusive(name, { ttlMs, renewEveryMs: Math.floor(ttlMs / 3) }, work);
      return result.ran ? result.value : undefined;
    });
    current = run.catch(() => undefined);
    return run;
  };

  const tick = (): void => {
    void runOnce()
      .then((report) => {
        if (report !== undefined) logger.debug({ job: name, report }, 'job run');
      })
      .catch((error: unknown) => logger.error({ err: error, job: name }, 'job run failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);

  return {
    runNow: runOnce,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
