import { isRetriable } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { DATABASE_BACKOFF, retrying as retryWithBackoff } from '../../runtime/backoff.js';

/** What a retry loop needs from the task: when to give up, where to say so, how often (`errors.max.retries`). */
export interface RetryContext {
  signal: AbortSignal;
  logger: Logger;
  /** Attempts after the first; negative = no limit. */
  maxRetries: number;
}

/**
 * Runs `fn` until it succeeds, retrying retriable errors with the database backoff. Returns undefined once the
 * task is stopping; a non-retriable error, or one after the last allowed retry, is thrown.
 */
export function retrying<T>(c: RetryContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  return retryWithBackoff(fn, {
    backoff: DATABASE_BACKOFF,
    signal: c.signal,
    retriable: (err, attempt) => isRetriable(err) && (c.maxRetries < 0 || attempt <= c.maxRetries),
    onRetry: (err, delayMs, attempt) => c.logger.warn({ err, attempt, retryInMs: delayMs }, `${what} failed; retrying`),
  });
}
