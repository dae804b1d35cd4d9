import { isRetriable } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';

/** What a retry loop needs from the task: when to give up, where to say so, how often (`errors.max.retries`). */
export interface RetryContext {
  signal: AbortSignal;
  logger: Logger;
  /** Attempts after the first; negative = no limit. */
  maxRetries: number;
}

/** The backoff between attempts: 0.5 s doubling up to 30 s. */
export function nextDelay(delay: number): number {
  return Math.min(30_000, delay === 0 ? 500 : delay * 2);
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, retrying retriable errors with backoff. Returns undefined once the task is
 * stopping; a non-retriable error, or one after the last allowed retry, is thrown.
 */
export async function retrying<T>(c: RetryContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  let delay = 0;
  for (let attempt = 1; ; attempt++) {
    if (c.signal.aborted) return undefined;
    try {
      return await fn();
    } catch (err) {
      if (c.signal.aborted) return undefined;
      if (!isRetriable(err) || (c.maxRetries >= 0 && attempt > c.maxRetries)) throw err;
      delay = nextDelay(delay);
      c.logger.warn({ err, attempt, retryInMs: delay }, `${what} failed; retrying`);
      await sleep(delay, c.signal);
    }
  }
}
