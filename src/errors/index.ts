/**
 * The error catalogue. Every error the service reports to a user carries:
 *  - `code`: a stable identifier (documented in the README, greppable in logs),
 *  - `retriable`: whether retrying the same operation can succeed without a human,
 *  - `fix`: what the user should do, in words.
 * Driver errors (mysql2, pg, the Kafka client) are translated into these at the edge where they are caught.
 */
export interface CdcErrorOptions {
  retriable?: boolean;
  fix?: string;
  cause?: unknown;
}

export class CdcError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly fix: string | undefined;

  constructor(code: string, message: string, options: CdcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.fix = options.fix;
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

/** The source database cannot be used as configured (server settings, privileges, credentials). */
export class SourcePrerequisiteError extends CdcError {
  constructor(code: string, message: string, fix: string, cause?: unknown) {
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
  constructor(code: string, message: string, cause?: unknown) {
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
