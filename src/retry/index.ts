/**
 * The one retry policy of the service (as kafkajs has one `retry` module): exponential backoff with jitter, a
 * retriable predicate (default: the error's own `retriable` flag), an attempt budget (`errors.max.retries`),
 * cancellation when the task stops, and a hook for the special exits some callers have (the replication slot is
 * gone: start over; a retried INSERT that did commit the first time: done). Every "try again later" loop of the
 * service goes through `retry`; the offset committer, which retries on a timer rather than in a loop, uses
 * `nextDelay`.
 */
import { isRetriable } from '../errors/index.js';
import type { Logger } from '../logging/index.js';

/** Exponential backoff: `initialMs`, doubling, capped at `maxMs`, each delay moved by up to ±`jitter` of itself. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** Fraction of randomness (0 to 1), so that many clients retrying together spread out. Default 0.2. */
  jitter?: number;
}

/** Kafka calls (produce, offsets, topic creation). */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };

/** Connectors' retries of database work (reconnects, catalog look-ups, snapshot steps): 0.5 s doubling to 30 s. */
export const DATABASE_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/** The delay after one of `previousMs` (0: the first retry), with jitter. */
export function nextDelay(backoff: Backoff, previousMs: number): number {
  const base = previousMs <= 0 ? backoff.initialMs : Math.min(backoff.maxMs, previousMs * 2);
  const jitter = backoff.jitter ?? 0.2;
  return Math.max(0, Math.round(base * (1 + jitter * (Math.random() * 2 - 1))));
}

/** Resolves after `ms`, or at once (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What a special exit decides: retry at once (no wait, no attempt spent), or end with this value. */
export type SpecialExit<T> = { retryNow: true } | { value: T };

export interface RetryPolicy<T> {
  backoff: Backoff;
  /** Stops retrying: `retry` then resolves `undefined` (the operation in hand is not interrupted). */
  signal?: AbortSignal;
  /** Retries after the first attempt; negative: no limit (`errors.max.retries`). Default no limit. */
  maxRetries?: number;
  /** Turns a raw failure into the error the rules look at (e.g. a driver error into a CdcError). */
  translate?: (raw: unknown) => unknown;
  /** Whether a (translated) failure may succeed on retry (`attempt` counts from 1). Default: its `retriable` flag. */
  retriable?: (err: unknown, attempt: number) => boolean;
  /** Looked at first, with the translated and the raw failure: an exit that the normal rules do not cover. */
  special?: (err: unknown, raw: unknown, attempt: number) => SpecialExit<T> | undefined;
  /** Called before each wait, e.g. to log. */
  onRetry?: (err: unknown, delayMs: number, attempt: number) => void;
}

/** Handed to each attempt: which one it is, and a way to say it got somewhere. */
export interface Attempt {
  readonly number: number;
  /**
   * The operation made progress (e.g. delivered rows before its connection dropped): the next failure starts a
   * fresh budget and the shortest delay, as a long-running stream that fails once a day should not run out.
   */
  progressed(): void;
}

/**
 * Runs `fn` until it succeeds (→ its value), a failure is not retriable or the budget is spent (→ that error,
 * translated), or `signal` aborts (→ undefined).
 */
export async function retry<T>(fn: (attempt: Attempt) => Promise<T>, policy: RetryPolicy<T>): Promise<T | undefined> {
  const retriable = policy.retriable ?? ((err: unknown) => isRetriable(err));
  const maxRetries = policy.maxRetries ?? -1;
  let delay = 0;
  let failures = 0;
  for (let number = 1; ; number++) {
    if (policy.signal?.aborted) return undefined;
    let progressed = false;
    try {
      return await fn({ number, progressed: () => void (progressed = true) });
    } catch (raw) {
      if (progressed) {
        failures = 0;
        delay = 0;
      }
      failures++;
      const err = policy.translate ? policy.translate(raw) : raw;
      const exit = policy.special?.(err, raw, failures);
      if (exit && 'value' in exit) return exit.value;
      if (exit) continue;
      if (policy.signal?.aborted) return undefined;
      if (!retriable(err, failures) || (maxRetries >= 0 && failures > maxRetries)) throw err;
      delay = nextDelay(policy.backoff, delay);
      policy.onRetry?.(err, delay, failures);
      await sleep(delay, policy.signal);
    }
  }
}

/** What a connector's retries of database work need from its task. */
export interface DatabaseRetryContext {
  signal: AbortSignal;
  logger: Logger;
  /** `errors.max.retries`: retries after the first attempt; negative: no limit (Debezium's default). */
  maxRetries: number;
}

/** The policy for a connector's database work (reconnects, catalog look-ups, snapshot steps), logging `what` failed. */
export function databaseRetryPolicy<T>(c: DatabaseRetryContext, what: string, extra: Partial<RetryPolicy<T>> = {}): RetryPolicy<T> {
  return {
    backoff: DATABASE_BACKOFF,
    signal: c.signal,
    maxRetries: c.maxRetries,
    onRetry: (err, delayMs, attempt) => c.logger.warn({ err, attempt, retryInMs: delayMs }, `${what} failed; retrying`),
    ...extra,
  };
}
