/**
 * A logger that passes every string it is given (message, fields, error messages and stacks, child bindings)
 * through `scrub` first. Tasks get one: plugin code logs driver errors (`{ err }`) that quote hostnames, URLs or
 * passwords, and the values a config provider resolved must not reach a log line, whatever key they came from.
 * A wrapper, not a pino hook, because hooks are fixed when the root logger is made (by the CLI or a test) and
 * the values to scrub are known only per connector.
 */
import type { Logger } from 'pino';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const MAX_DEPTH = 6;

function scrubValue(value: unknown, scrub: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) {
    // A plain copy with pino's err-serializer shape; the error itself may be rethrown and must stay as it is.
    const copy: Record<string, unknown> = { type: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
    for (const [k, v] of Object.entries(value)) if (!(k in copy)) copy[k] = scrubValue(v, scrub, depth + 1);
    if (value.cause !== undefined) copy.cause = scrubValue(value.cause, scrub, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, scrub, depth + 1));
  if (Buffer.isBuffer(value) || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, scrub, depth + 1);
  return out;
}

export function scrubbingLogger(logger: Logger, scrub: (text: string) => string): Logger {
  return new Proxy(logger, {
    get(target, prop, receiver) {
      const member = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || typeof member !== 'function') return member;
      if (LEVELS.has(prop)) {
        return (...args: unknown[]) => (member as (...a: unknown[]) => void).apply(target, args.map((a) => scrubValue(a, scrub, 0)));
      }
      if (prop === 'child') {
        return (bindings: Record<string, unknown>, options?: unknown) =>
          scrubbingLogger(target.child(scrubValue(bindings, scrub, 0) as Record<string, unknown>, options as never), scrub);
      }
      return member.bind(target);
    },
  });
}
