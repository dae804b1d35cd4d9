/**
 * The connector's PostgreSQL connections, opened through the database edge (src/db/postgres.ts), with driver
 * errors translated into CdcErrors that say what we were doing and what to fix.
 */
import { openPg, withPg, type PgClient, type PgConnectionConfig } from '../../src/db/postgres.js';
import { translatePgError } from './errors.js';

export type { PgConnectionConfig } from '../../src/db/postgres.js';

function translated(config: PgConnectionConfig, action: string) {
  return (err: unknown) => {
    throw translatePgError(err, { action, user: config.user, database: config.database });
  };
}

/** A plain SQL client. */
export function connectClient(config: PgConnectionConfig, action = 'connecting'): Promise<PgClient> {
  return openPg(config).catch(translated(config, action));
}

/** A replication-protocol client (`replication=database`), for CREATE_REPLICATION_SLOT and friends. */
export function connectReplicationClient(config: PgConnectionConfig, action = 'opening a replication connection'): Promise<PgClient> {
  return openPg(config, { replication: true }).catch(translated(config, action));
}

export function withClient<T>(config: PgConnectionConfig, action: string, fn: (client: PgClient) => Promise<T>): Promise<T> {
  return withPg(config, fn).catch(translated(config, action));
}
