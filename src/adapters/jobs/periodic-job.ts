import type { Logger } from 'pino';

export interface PeriodicJob {
  /** Runs once now, queued behind a run in progress; resolves with what the run returned. */
  runNow(): Promise<unknown>;
  /** No new runs; resolves when the current one has finished. */
  stop(): Promise<void>;
}

/**
 * Calls `run` every `intervalMs` (counted from the end of the previous run), never two at once within one process.
 * A run that throws is logged and the schedule continues.
 */
export function startPeriodicJob(options: {
  readonly name: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly run: () => Promise<unknown>;
}): PeriodicJob {
  const { name, intervalMs, logger, run } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();

  const runOnce = (): Promise<unknown> => {
    const next = current.then(run);
    current = next.catch(() => undefined);
    return next;
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
