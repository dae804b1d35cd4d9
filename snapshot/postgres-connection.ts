/** node-postgres connections for the snapshot: options, session settings, text-mode array queries. */
import pg from 'pg';
import { translateDriverError } from './errors.js';
import { PG_SESSION_SETTINGS } from './session.js';
import type { DbConnectionConfig } from './types.js';

const identity = (value: string) => value;
/** Keeps every value as PostgreSQL's text output (what pgoutput sends), so keys round-trip exactly. */
export const TEXT_TYPES = { getTypeParser: () => identity } as unknown as pg.CustomTypesConfig;

export function pgClientConfig(config: DbConnectionConfig): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: config.ssl as pg.ClientConfig['ssl'],
    connectionTimeoutMillis: config.connectTimeoutMs ?? 10_000,
    application_name: 'tscdc-snapshot',
    ...(config.driverOptions as pg.ClientConfig | undefined),
  };
}

export async function openPgClient(config: DbConnectionConfig, doing: string): Promise<pg.Client> {
  const client = new pg.Client(pgClientConfig(config));
  // An error on an idle client is emitted as 'error'; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    const sets = Object.entries(PG_SESSION_SETTINGS).map(([k, v]) => `SET ${k} = '${v.replace(/'/g, "''")}'`);
    await client.query(sets.join('; '));
    return client;
  } catch (err) {
    destroyPgClient(client);
    throw translateDriverError(err, doing);
  }
}

/** Closes the socket at once, failing a running query (pg's `end()` would wait for it). */
export function destroyPgClient(client: pg.Client): void {
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection;
  connection?.stream?.destroy();
  client.end().catch(() => {});
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
