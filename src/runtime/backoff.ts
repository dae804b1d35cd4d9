/** Exponential backoff for retriable failures: `initialMs`, doubling, capped at `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };

/** Connectors' retries of database work (reconnects, catalog look-ups, snapshot steps): 0.5 s doubling to 30 s. */
export const DATABASE_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

export function nextBackoff(backoff: Backoff, previousMs: number): number {
  return previousMs <= 0 ? backoff.initialMs : Math.min(backoff.maxMs, previousMs * 2);
}

/** Resolves after `ms`, or at once (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  backoff: Backoff;
  /** Stops retrying: `retrying` then resolves `undefined`. */
  signal: AbortSignal;
  /** Whether a failure may succeed on retry (`attempt` counts from 1); others are thrown at once. */
  retriable: (err: unknown, attempt: number) => boolean;
  /** Called before each backoff wait, e.g. to log. */
  onRetry: (err: unknown, delayMs: number, attempt: number) => void;
}

/** Runs `fn` until it succeeds, a non-retriable error is thrown, or `signal` aborts (→ undefined). */
export async function retrying<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T | undefined> {
  let delay = 0;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) return undefined;
    try {
      return await fn();
    } catch (err) {
      if (!options.retriable(err, attempt)) throw err;
      delay = nextBackoff(options.backoff, delay);
      options.onRetry(err, delay, attempt);
      await sleep(delay, options.signal);
    }
  }
}
