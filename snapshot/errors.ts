/**
 * Translates mysql2 and pg errors into the service's error catalogue at the edge where they are caught.
 * Driver messages name users and hosts but never passwords, so they are kept as the cause's message.
 */
import { CdcError, SourcePrerequisiteError, TransientError } from '../src/errors/index.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** MySQL/MariaDB server error codes (mysql2 `err.code`). */
const MYSQL_ACCESS = new Set([
  'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
]);
const MYSQL_TRANSIENT = new Set([
  'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_QUERY_INTERRUPTED', 'ER_CONNECTION_KILLED',
  'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_TABLE_DEF_CHANGED',
  'ER_NET_READ_ERROR', 'ER_NET_WRITE_INTERRUPTED', 'ER_NET_READ_INTERRUPTED',
]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  sqlMessage?: unknown;
}

/** What the engine was doing, for the message: e.g. `reading table inventory.orders`. */
export function translateDriverError(err: unknown, doing: string): CdcError {
  if (err instanceof CdcError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = `${doing} failed: ${typeof e.message === 'string' ? e.message : String(err)}`;

  if (NETWORK_CODES.has(code) || /Connection terminated|connection is closed|is not queryable|Can't add new command when connection is in closed state/i.test(message)) {
    return new TransientError('SOURCE_UNREACHABLE', message, err);
  }
  if (code === 'ENOTFOUND') {
    return new SourcePrerequisiteError('SOURCE_HOST_UNKNOWN', message, 'Check the database hostname in the connector config.', err);
  }
  // MySQL / MariaDB
  if (MYSQL_ACCESS.has(code)) {
    return new SourcePrerequisiteError(
      'SOURCE_ACCESS_DENIED', message,
      'Check the database user and password, and grant the user SELECT on the captured tables plus RELOAD, ' +
        'REPLICATION CLIENT (MariaDB: BINLOG MONITOR) and REPLICATION SLAVE.',
      err,
    );
  }
  if (code === 'ER_NO_SUCH_TABLE' || code === 'ER_BAD_DB_ERROR') {
    return new CdcError('SNAPSHOT_TABLE_GONE', message, {
      retriable: false, cause: err,
      fix: 'A captured table or database was dropped while the snapshot ran; restart the connector so the table list is read again.',
    });
  }
  if (MYSQL_TRANSIENT.has(code)) return new TransientError('SOURCE_TRANSIENT', message, err);
  // PostgreSQL SQLSTATEs
  if (code === '28P01' || code === '28000' || code === '42501') {
    return new SourcePrerequisiteError(
      'SOURCE_ACCESS_DENIED', message,
      'Check the database user and password, pg_hba.conf, and that the user has SELECT on the captured tables and the REPLICATION attribute.',
      err,
    );
  }
  if (code === '3D000') {
    return new SourcePrerequisiteError('SOURCE_DATABASE_UNKNOWN', message, "Check 'database.dbname': the database does not exist.", err);
  }
  if (code === '42P01' || code === '3F000') {
    return new CdcError('SNAPSHOT_TABLE_GONE', message, {
      retriable: false, cause: err,
      fix: 'A captured table or schema was dropped while the snapshot ran; restart the connector so the table list is read again.',
    });
  }
  if (code === '22023' && /snapshot/i.test(message)) {
    return new CdcError('SNAPSHOT_EXPORT_GONE', message, {
      retriable: false, cause: err,
      fix: 'The exported snapshot is only valid while the connection that created the replication slot is open; ' +
        'resume the snapshot without it (the slot replays every change after its consistent point).',
    });
  }
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '40001' || code === '57014') {
    return new TransientError('SOURCE_TRANSIENT', message, err);
  }
  return new CdcError('SNAPSHOT_FAILED', message, {
    retriable: false, cause: err,
    fix: 'Look for the cause in the message and the database server log; restart the connector once it is resolved (the snapshot resumes after its last committed chunk).',
  });
}
