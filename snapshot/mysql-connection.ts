/** mysql2 connections for the snapshot: options, session settings, a promise wrapper over the core API. */
import mysql from 'mysql2';
import type { Connection, ConnectionOptions } from 'mysql2';
import { translateDriverError } from './errors.js';
import { MYSQL_SESSION_SETTINGS } from './session.js';
import type { DbConnectionConfig } from './types.js';

export type Row = Record<string, unknown>;

export function mysqlConnectionOptions(config: DbConnectionConfig): ConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: config.ssl as ConnectionOptions['ssl'],
    connectTimeout: config.connectTimeoutMs ?? 10_000,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    jsonStrings: true,
    multipleStatements: false,
    ...(config.driverOptions as ConnectionOptions | undefined),
  };
}

export function runQuery<T = Row>(conn: Connection, sql: string, params: readonly unknown[] = [], rowsAsArray = false): Promise<T[]> {
  return new Promise((resolve, reject) => {
    conn.query({ sql, values: params as unknown[], rowsAsArray }, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
  });
}

/** Opens a connection and waits until it is usable; errors are translated. */
export async function openMysqlConnection(config: DbConnectionConfig, doing: string): Promise<Connection> {
  const conn = mysql.createConnection(mysqlConnectionOptions(config));
  // A fatal error on an idle connection is emitted as 'error'; without a listener it would crash the process.
  conn.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    for (const [name, value] of Object.entries(MYSQL_SESSION_SETTINGS)) await runQuery(conn, `SET SESSION ${name} = ${value}`);
    return conn;
  } catch (err) {
    conn.destroy();
    throw translateDriverError(err, doing);
  }
}

