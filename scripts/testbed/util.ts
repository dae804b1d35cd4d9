/**
 * Two small helpers every test and bench uses: `uniqueName` (one name valid as a Kafka topic, a database and a
 * replication slot, so that runs never collide) and `waitFor` (poll for a condition instead of sleeping).
 */
import { randomBytes } from 'node:crypto';

/**
 * `prefix` + '_' + 8 random chars, all lowercase [a-z0-9_]: valid as a Kafka topic, a MySQL database
 * name and a PostgreSQL slot/publication name. The prefix is sanitised and cut to 40 chars.
 */
export function uniqueName(prefix = 't'): string {
  let p = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  if (!/^[a-z]/.test(p)) p = `t${p}`;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
  return `${p}_${suffix}`;
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/**
 * Poll `fn` until it returns a truthy value (which is returned) instead of sleeping a fixed time.
 * Exceptions thrown by `fn` count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= end) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${opts.message ?? 'condition not met'}${why}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
