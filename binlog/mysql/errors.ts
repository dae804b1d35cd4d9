/**
 * mysql2/zongji errors → the error catalogue. Messages name the server and user, never the password.
 */
import {
  CdcError, PositionLostError, SourcePrerequisiteError, TransientError,
} from '../../src/errors/index.js';
import { mysqlTlsError, NO_TLS, type MySqlTls } from '../../src/db/mysql-tls.js';

export const REQUIRED_GRANTS = 'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT';

export interface ErrorContext {
  host: string;
  port: number;
  user: string;
  /** What we were doing, e.g. "reading the binlog". */
  action: string;
  /** The connection's TLS settings, to name the key in a TLS failure. */
  tls?: MySqlTls;
}

interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK',
  'ER_NET_READ_ERROR', 'ER_NET_READ_INTERRUPTED', 'ER_NET_ERROR_ON_WRITE', 'ER_NET_WRITE_INTERRUPTED',
]);
const TRANSIENT_ERRNOS = new Set([1040, 1053, 1205, 1213, 1317, 1927, 2002, 2003, 2006, 2013]);
const PRIVILEGE_ERRNOS = new Set([1044, 1142, 1143, 1227, 1370]);

export const POSITION_LOST_FIX =
  'The binlog files this connector needs were purged from the server. Reset the connector\'s offsets to take a new ' +
  'snapshot, or set snapshot.mode=when_needed to re-snapshot automatically; keep binlogs longer ' +
  '(binlog_expire_logs_seconds / expire_logs_days) than the connector may be stopped.';

export function translateMysqlError(err: unknown, ctx: ErrorContext): CdcError {
  if (err instanceof CdcError) return err;
  const e = (err ?? {}) as DriverError;
  const text = e.sqlMessage ?? e.message ?? String(err);
  const where = `${ctx.user}@${ctx.host}:${ctx.port}`;
  const tlsFailure = mysqlTlsError(err, ctx.tls ?? NO_TLS, ctx.host);
  if (tlsFailure) return tlsFailure;

  if (e.errno === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR') {
    return new SourcePrerequisiteError('MYSQL_ACCESS_DENIED',
      `Access denied for ${where} while ${ctx.action}.`,
      'Check database.user and database.password, and that the user may connect from this host.', err);
  }
  if (e.errno !== undefined && PRIVILEGE_ERRNOS.has(e.errno)) {
    return new SourcePrerequisiteError('MYSQL_MISSING_PRIVILEGES',
      `User ${ctx.user} lacks a privilege needed for ${ctx.action}: ${text}`,
      `Grant the connector user ${REQUIRED_GRANTS} ON *.*, e.g. GRANT ${REQUIRED_GRANTS} ON *.* TO '${ctx.user}'@'%'.`, err);
  }
  if (e.errno === 1236 || e.errno === 1945 || e.errno === 1955 || e.code === 'ER_MASTER_FATAL_ERROR_READING_BINLOG') {
    if (/same server_?(uuid|id)/i.test(text)) {
      return new SourcePrerequisiteError('MYSQL_SERVER_ID_IN_USE',
        `Another replica uses this connector's database.server.id on ${ctx.host}:${ctx.port}: ${text}`,
        'Give every connector (and every real replica) its own database.server.id.', err);
    }
    return new PositionLostError(`The server cannot send the binlog from the stored position (${text}).`, POSITION_LOST_FIX, err);
  }
  if (e.code === 'ENOTFOUND') {
    return new SourcePrerequisiteError('MYSQL_UNKNOWN_HOST',
      `Cannot resolve database.hostname "${ctx.host}" while ${ctx.action}.`,
      'Check database.hostname.', err);
  }
  if (e.code === 'ER_BINLOG_FORMAT_ROW_REQUIRED' || /binlog_format|binlog_row_image/i.test(text)) {
    return new SourcePrerequisiteError('MYSQL_BINLOG_MISCONFIGURED', text,
      'Set binlog_format=ROW and binlog_row_image=FULL on the server (my.cnf and SET GLOBAL).', err);
  }
  if ((e.code !== undefined && TRANSIENT_CODES.has(e.code)) || (e.errno !== undefined && TRANSIENT_ERRNOS.has(e.errno))
    || /connection (lost|closed)|server has gone away|read ECONNRESET|socket hang up/i.test(text)) {
    return new TransientError('MYSQL_UNAVAILABLE', `MySQL/MariaDB at ${ctx.host}:${ctx.port} is not reachable while ${ctx.action}: ${text}`, err);
  }
  return new CdcError('MYSQL_ERROR', `MySQL/MariaDB error while ${ctx.action}: ${text}`, { cause: err, retriable: false });
}
