/** WeChat waits 5 s for a notify answer; answering FAIL a little before that beats being cut off. */
export const NOTIFY_DEADLINE_MS = 4_000;

export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/**
 * Settles with `work`, or rejects after `ms`. The work itself goes on: a notify that finishes late has still done
 * everything idempotently, and WeChat's retry will find it done.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
