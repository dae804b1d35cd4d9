/**
 * How the connector reaches PostgreSQL, and the session settings every connection of ours uses, so that
 * values come out of pgoutput and out of snapshot queries in the same text format.
 */
import pg from 'pg';
import { translatePgError } from './errors.js';

export interface PgConnectionConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** Passed to node-postgres as is (`database.sslmode` mapped by the connector). */
  ssl?: pg.ClientConfig['ssl'];
  connectTimeoutMs?: number;
  applicationName?: string;
}

/**
 * Startup options: UTC and ISO dates make timestamptz/date text unambiguous; extra_float_digits=3 gives
 * round-trip float text; IntervalStyle=postgres is what the interval parser reads. The walsender applies
 * these to pgoutput's output functions too.
 */
export const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex';

export function clientConfig(config: PgConnectionConfig, replication = false): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: config.ssl,
    connectionTimeoutMillis: config.connectTimeoutMs ?? 30_000,
    application_name: config.applicationName ?? 'tscdc',
    options: SESSION_OPTIONS,
    ...(replication ? { replication: 'database' } : {}),
  } as pg.ClientConfig;
}

/** Connects a plain SQL client; driver errors come out translated. */
export async function connectClient(config: PgConnectionConfig, action = 'connecting'): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(config));
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw translatePgError(err, { action, user: config.user, database: config.database });
  }
  return client;
}

/** A replication-protocol client (`replication=database`), for CREATE_REPLICATION_SLOT and friends. */
export async function connectReplicationClient(config: PgConnectionConfig, action = 'opening a replication connection'): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(config, true));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw translatePgError(err, { action, user: config.user, database: config.database });
  }
  return client;
}

export async function withClient<T>(config: PgConnectionConfig, action: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(config, action);
  try {
    return await fn(client);
  } catch (err) {
    throw translatePgError(err, { action, user: config.user, database: config.database });
  } finally {
    await client.end().catch(() => {});
  }
}
