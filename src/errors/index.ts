/**
 * The service's errors. Every error the service reports to a user carries:
 *  - `code`: a stable identifier from the catalogue (`./catalogue.ts`, documented in docs/errors.md, greppable in logs),
 *  - `retriable`: whether retrying the same operation can succeed without a human,
 *  - `fix`: what the user should do, in words (the call site's, else the catalogue's general one).
 * Driver errors (mysql2, pg, the Kafka client) are translated into these at the edge where they are caught.
 */
import { errorSpec, type ErrorCode, type ErrorCodeWhere } from './catalogue.js';
export { MASK, maskTokens } from './redact.js';

export {
  ERROR_AREAS, ERROR_CATALOGUE, errorSpec, isErrorCode,
  type ErrorArea, type ErrorCode, type ErrorCodeIn, type ErrorCodeWhere, type ErrorSpec, type Retriable,
} from './catalogue.js';

export interface CdcErrorOptions {
  retriable?: boolean;
  fix?: string;
  cause?: unknown;
}

export class CdcError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** The call site's fix, else the catalogue's general one (undefined only for a code outside the catalogue). */
  readonly fix: string | undefined;

  /**
   * `code: ErrorCode` is what keeps the catalogue complete: a code that is not in it does not compile, here and in
   * every subclass, whose constructors take `ErrorCode` (or a narrower part of it) too. `retriable` defaults to the
   * catalogue's flag where that is true or false ('depends': false); `fix`, to the catalogue's fix.
   */
  constructor(code: ErrorCode, message: string, options: CdcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    // JavaScript plugins (plugin.path) are not type-checked: a code outside the catalogue has no defaults.
    const spec = errorSpec(code);
    this.retriable = options.retriable ?? (spec?.retriable === true);
    this.fix = options.fix ?? spec?.fix;
  }

  /** Message plus the fix, as shown in connector status traces and logs. */
  describe(): string {
    return this.fix ? `${this.code}: ${this.message} Fix: ${this.fix}` : `${this.code}: ${this.message}`;
  }
}

/** A configuration value is missing or invalid. Never retriable: the config must change. */
export class ConfigError extends CdcError {
  readonly key: string | undefined;
  constructor(message: string, key?: string, options: CdcErrorOptions = {}) {
    super('CONFIG_INVALID', message, { ...options, retriable: false });
    this.key = key;
  }
}

/**
 * Runs a check that throws ConfigError and turns its error into `validate`'s shape: the message (and fix) by the
 * key it names, or `fallbackKey`. Other errors pass through.
 */
export function configErrorsByKey(check: () => unknown, fallbackKey: string): Record<string, string[]> {
  try {
    check();
    return {};
  } catch (err) {
    if (err instanceof ConfigError) return { [err.key ?? fallbackKey]: [err.fix ? `${err.message} ${err.fix}` : err.message] };
    throw err;
  }
}

/** The source database cannot be used as configured (server settings, privileges, credentials). */
export class SourcePrerequisiteError extends CdcError {
  constructor(code: ErrorCodeWhere<false | 'depends'>, message: string, fix: string, cause?: unknown) {
    super(code, message, { retriable: false, fix, cause });
  }
}

/** The stored position (binlog file, GTID set, replication slot) no longer exists on the server. */
export class PositionLostError extends CdcError {
  constructor(message: string, fix: string, cause?: unknown) {
    super('POSITION_LOST', message, { retriable: false, fix, cause });
  }
}

/** A transient outage (server restart, network blip, Kafka leader election). Retried with backoff. */
export class TransientError extends CdcError {
  constructor(code: ErrorCodeWhere<true | 'depends'>, message: string, cause?: unknown) {
    super(code, message, { retriable: true, cause });
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof CdcError ? err.retriable : false;
}

/** The text shown in a FAILED status `trace`: message, fix and stack, with no secrets (callers mask first). */
export function errorTrace(err: unknown): string {
  if (err instanceof CdcError) return `${err.describe()}\n${err.stack ?? ''}`;
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}
