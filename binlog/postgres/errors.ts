/**
 * Translation of node-postgres errors (server `DatabaseError`s with a SQLSTATE, socket errors) into the
 * service's error catalogue, with the fix in words. Used at every edge where `pg` is called.
 */
import { CdcError, PositionLostError, SourcePrerequisiteError } from '../../src/errors/index.js';
import { NO_PG_TLS, pgTlsError, type PgTls } from '../../src/db/postgres-tls.js';

interface PgErrorLike {
  code?: string;
  message?: string;
  routine?: string;
}

const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '53300', // too_many_connections
  '08000', '08003', '08006', '08001', '08004', // connection exceptions
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export interface PgErrorContext {
  /** What we were doing, e.g. "starting replication from slot \"debezium\"". */
  action: string;
  user?: string;
  database?: string;
  slot?: string;
  publication?: string;
  host?: string;
  tls?: PgTls;
}

/** Already translated errors pass through unchanged. */
export function translatePgError(err: unknown, ctx: PgErrorContext): CdcError {
  if (err instanceof CdcError) return err;
  const e = (err ?? {}) as PgErrorLike;
  const msg = e.message ?? String(err);
  const code = e.code ?? '';
  const where = `PostgreSQL error while ${ctx.action}: ${msg}`;
  // connections opened through src/db/postgres.ts come with PG_TLS_FAILED already; this catches the rest
  const tlsFailure = pgTlsError(err, ctx.tls ?? NO_PG_TLS, ctx.host ?? 'the server');
  if (tlsFailure) return tlsFailure;

  if (code === '28P01' || code === '28000') {
    return new SourcePrerequisiteError('PG_AUTH_FAILED', where,
      `Check database.user and database.password${ctx.user ? ` (user "${ctx.user}")` : ''}, and that pg_hba.conf lets this user connect${ctx.database ? ` to database "${ctx.database}"` : ''} (also for replication connections).`, err);
  }
  if (code === '3D000') {
    return new SourcePrerequisiteError('PG_DATABASE_MISSING', where,
      `Set database.dbname to an existing database${ctx.database ? `, or create "${ctx.database}"` : ''}.`, err);
  }
  if (code === '55000' && /wal_level/i.test(msg)) {
    return new SourcePrerequisiteError('PG_WAL_LEVEL', where,
      'Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL.', err);
  }
  if (code === '42501') {
    if (/publication/i.test(msg)) {
      return new SourcePrerequisiteError('PG_PUBLICATION_PRIVILEGE', where,
        `Let the connector user own the publication${ctx.publication ? ` "${ctx.publication}"` : ''} (ALTER PUBLICATION ... OWNER TO ${ctx.user ?? '<user>'}), or create it yourself for the captured tables and set publication.autocreate.mode=disabled.`, err);
    }
    return new SourcePrerequisiteError('PG_REPLICATION_PRIVILEGE', where,
      `Grant the REPLICATION attribute to the connector user: ALTER ROLE ${ctx.user ?? '<user>'} WITH REPLICATION (or use a superuser), and allow replication connections in pg_hba.conf.`, err);
  }
  if (code === '55006') {
    return new SourcePrerequisiteError('PG_SLOT_IN_USE', where,
      `Another client is reading replication slot${ctx.slot ? ` "${ctx.slot}"` : ''}. Stop that client (or another connector using the same slot.name), or give this connector its own slot.name.`, err);
  }
  if (code === '42704' && /replication slot/i.test(msg)) {
    return new PositionLostError(where,
      'The replication slot was dropped, so changes since the last committed offset are gone. Use snapshot.mode=when_needed to re-snapshot automatically, or reset the connector offsets and restart it to take a new snapshot.', err);
  }
  if (code === '42704' && /publication/i.test(msg)) {
    return new SourcePrerequisiteError('PG_PUBLICATION_MISSING', where,
      `Create the publication${ctx.publication ? ` "${ctx.publication}"` : ''} (CREATE PUBLICATION ... FOR TABLE ...), or set publication.autocreate.mode to all_tables or filtered so the connector creates it.`, err);
  }
  if (code === '53400') {
    return new SourcePrerequisiteError('PG_SLOTS_EXHAUSTED', where,
      'Raise max_replication_slots (and max_wal_senders) in postgresql.conf, or drop unused slots (SELECT pg_drop_replication_slot(name) FROM pg_replication_slots WHERE NOT active).', err);
  }
  if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code) || /Connection terminated|connection timeout|timeout expired|server closed the connection|terminating connection/i.test(msg)) {
    return new CdcError('PG_UNAVAILABLE', where, {
      retriable: true, cause: err,
      fix: 'Check database.hostname and database.port, and that PostgreSQL is running and accepts connections (listen_addresses, pg_hba.conf); the connector retries by itself.',
    });
  }
  return new CdcError('PG_ERROR', where, { retriable: false, cause: err, fix: 'See the PostgreSQL message; check the server log for details.' });
}
