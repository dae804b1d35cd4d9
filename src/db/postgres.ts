/**
 * The PostgreSQL edge: the only file that imports the `pg` driver. Every connection of the service (snapshot
 * readers, table discovery, the task's admin connection, replication-protocol commands, the logical replication
 * stream's settings, prerequisite checks) is configured here: one config type, one default timeout, and one set
 * of session settings so that values come out of queries and out of pgoutput in the same text format. Driver
 * errors come out as they are; callers translate them where they know what was being done
 * (binlog/postgres/errors.ts, snapshot/errors.ts).
 */
import pg from 'pg';
import { NO_PG_TLS, pgTlsAttempts, pgTlsError, pgTriesNext, type PgSslAttempt, type PgTls } from './postgres-tls.js';

export type PgClient = pg.Client;
/** The driver's config object, for the replication library that opens its own connection from it. */
export type PgDriverConfig = pg.ClientConfig;

export interface PgConnectionConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** TLS (`database.ssl*`, built into driver options by postgres-tls.ts); absent: no TLS. */
  tls?: PgTls;
  /** Default `DEFAULT_CONNECT_TIMEOUT_MS`. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity; default `tscdc`. */
  applicationName?: string;
}

/** Debezium's `connect.timeout.ms` default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * ISO dates, timestamptz in UTC, floats as shortest round-trip text (extra_float_digits=3), the interval style
 * the interval parser reads, hex bytea. Sent as startup options, so the walsender applies them to pgoutput's
 * output functions too and a snapshot row and a streamed row of the same values read alike.
 */
export const PG_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO,MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  bytea_output: 'hex',
};

const SESSION_OPTIONS = Object.entries(PG_SESSION_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(' ');

/**
 * The driver config; `replication`: a replication-protocol connection (CREATE_REPLICATION_SLOT, START_REPLICATION).
 * `ssl`: the attempt to make; default the first of database.sslmode's (settled ones have only one: negotiatedPgConfig).
 */
export function pgDriverConfig(config: PgConnectionConfig, replication = false, ssl: PgSslAttempt = pgTlsAttempts(config.tls ?? NO_PG_TLS)[0]!): PgDriverConfig {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl,
    connectionTimeoutMillis: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: config.applicationName ?? 'tscdc',
    options: SESSION_OPTIONS,
    ...(replication ? { replication: 'database' } : {}),
  } as PgDriverConfig;
}

/**
 * Connects a client; a failure leaves nothing open. database.sslmode's attempts are made in libpq's order
 * (prefer: TLS, then plain; allow: plain, then TLS). TLS failures come out as PG_TLS_FAILED naming the key to
 * change; other driver errors as they are.
 */
export async function openPg(config: PgConnectionConfig, options: { replication?: boolean } = {}): Promise<PgClient> {
  return (await openNegotiated(config, options.replication ?? false)).client;
}

async function openNegotiated(config: PgConnectionConfig, replication: boolean): Promise<{ client: PgClient; ssl: PgSslAttempt }> {
  const tls = config.tls ?? NO_PG_TLS;
  const attempts = pgTlsAttempts(tls);
  for (let i = 0; ; i++) {
    try {
      return { client: await openOnce(config, replication, attempts[i]!), ssl: attempts[i]! };
    } catch (err) {
      if (i + 1 < attempts.length && pgTriesNext(err, tls)) continue;
      throw pgTlsError(err, tls, config.host) ?? err;
    }
  }
}

/**
 * The config with allow/prefer settled into what the server accepted (require without verification, or
 * disable), for the replication library that opens its own connection from pgDriverConfig.
 */
export async function negotiatedPgConfig<C extends PgConnectionConfig>(config: C, replication: boolean): Promise<C> {
  const mode = config.tls?.mode;
  if (mode !== 'allow' && mode !== 'prefer') return config;
  const { client, ssl } = await openNegotiated(config, replication);
  await client.end().catch(() => {});
  const { rootCert: _notUsedByTheseModes, ...credentials } = config.tls!;
  return { ...config, tls: ssl ? { ...credentials, mode: 'require' } : NO_PG_TLS };
}

async function openOnce(config: PgConnectionConfig, replication: boolean, ssl: PgSslAttempt): Promise<PgClient> {
  const client = new pg.Client(pgDriverConfig(config, replication, ssl));
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
}

/** Runs `fn` with a client of its own, closed afterwards. */
export async function withPg<T>(config: PgConnectionConfig, fn: (client: PgClient) => Promise<T>, options: { replication?: boolean } = {}): Promise<T> {
  const client = await openPg(config, options);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Closes the socket at once, failing a running query (the driver's `end()` would wait for it). */
export function destroyPg(client: PgClient): void {
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection;
  connection?.stream?.destroy();
  client.end().catch(() => {});
}

const identity = (value: string) => value;
const TEXT_TYPES = { getTypeParser: () => identity } as unknown as pg.CustomTypesConfig;

export interface TextResult {
  /** Each row as an array of PostgreSQL's text output (null for NULL): the form pgoutput sends. */
  rows: Array<Array<string | null>>;
  /** Column type OIDs, in order. */
  typeOids: number[];
}

/** A query whose values stay PostgreSQL's text output, so keys and values round-trip exactly. */
export async function queryText(client: PgClient, sql: string, params?: readonly unknown[]): Promise<TextResult> {
  const result = await client.query({ text: sql, values: params as unknown[] | undefined, rowMode: 'array', types: TEXT_TYPES });
  return { rows: result.rows as Array<Array<string | null>>, typeOids: result.fields.map((f) => f.dataTypeID) };
}

/** The driver's parser of a type's text output (numbers, dates, arrays...), for values wanted as JS values. */
export function textParser(typeOid: number): (text: string) => unknown {
  return pg.types.getTypeParser(typeOid, 'text') as (text: string) => unknown;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
