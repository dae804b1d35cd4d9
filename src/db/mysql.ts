/**
 * The MySQL/MariaDB edge: the only file that imports the `mysql2` driver. Every connection of the service (snapshot
 * readers, table discovery, ad-hoc snapshot chunks, control queries, prerequisite checks) is opened here, with
 * one config type, one default timeout and the session settings that make values read by queries look like the
 * ones the binlog carries. Driver errors come out as they are; callers translate them where they know what was
 * being done (binlog/mysql/errors.ts, snapshot/errors.ts).
 */
import mysql from 'mysql2';
import { mysqlTlsAttempts, mysqlTlsError, NO_TLS, offersNoTls, type MySqlSslOptions, type MySqlTls } from './mysql-tls.js';

export interface MySqlConnectionConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  /** Default database (optional). */
  database?: string;
  /** TLS (`database.ssl.*`, built into driver options by mysql-tls.ts); absent: no TLS. */
  tls?: MySqlTls;
  /** Default `DEFAULT_CONNECT_TIMEOUT_MS`. */
  connectTimeoutMs?: number;
  /**
   * Spatial columns as their raw bytes (SRID + WKB, what Debezium reports) instead of the driver's {x, y}
   * objects. Only when a table has one: the hook runs for every value.
   */
  rawGeometry?: boolean;
}

/** Debezium's `connect.timeout.ms` default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** TIMESTAMP values in UTC, as Debezium reports them (DATETIME is unaffected). Applied to every connection. */
export const MYSQL_SESSION_SETTINGS: Readonly<Record<string, string>> = { time_zone: "'+00:00'" };

export type Row = Record<string, unknown>;

export interface MySqlConnection {
  /** Rows as objects, or as arrays in column order with `rowsAsArray`. */
  query<T = Row>(sql: string, params?: readonly unknown[], rowsAsArray?: boolean): Promise<T[]>;
  /**
   * Streams a result as arrays in batches of `batchSize`, the connection paused while a batch is handled. A full
   * batch is held until the next row arrives, so the final batch is known to be final and carries rows (unless
   * the result is empty).
   */
  stream(sql: string, batchSize: number, onBatch: (rows: unknown[][], last: boolean) => Promise<void>): Promise<void>;
  /** Closes after running queries finish. */
  end(): Promise<void>;
  /** Closes the socket at once, failing a running query. */
  destroy(): void;
}

function rawGeometry(field: { type: string; buffer(): Buffer | null }, next: () => unknown): unknown {
  return field.type === 'GEOMETRY' ? field.buffer() : next();
}

function driverOptions(config: MySqlConnectionConfig, ssl: MySqlSslOptions | undefined): mysql.ConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ...(ssl && { ssl }),
    connectTimeout: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Temporal values as the server's text and big integers exact: the converters in schemas/ parse them.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    jsonStrings: true,
    multipleStatements: false,
    ...(config.rawGeometry ? { typeCast: rawGeometry as mysql.TypeCast } : {}),
  };
}

function wrap(conn: mysql.Connection): MySqlConnection {
  const query = <T>(sql: string, params: readonly unknown[] = [], rowsAsArray = false): Promise<T[]> =>
    new Promise((resolve, reject) => {
      conn.query({ sql, values: params as unknown[], rowsAsArray }, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
    });
  return {
    query,
    stream: (sql, batchSize, onBatch) => new Promise((resolve, reject) => {
      let batch: unknown[][] = [];
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const running = conn.query({ sql, rowsAsArray: true });
      running.on('result', (row: unknown) => {
        if (failed) return;
        if (batch.length < batchSize) {
          batch.push(row as unknown[]);
          return;
        }
        const full = batch;
        batch = [row as unknown[]];
        conn.pause();
        onBatch(full, false).then(() => conn.resume(), fail);
      });
      running.on('error', fail);
      running.on('end', () => {
        if (!failed) onBatch(batch, true).then(resolve, fail);
      });
    }),
    end: () => new Promise<void>((resolve) => conn.end(() => resolve())),
    destroy: () => conn.destroy(),
  };
}

/**
 * Opens a connection with the session settings applied; a failure leaves nothing open. With
 * database.ssl.mode=preferred a server that does not offer TLS gets a plain connection (as the MySQL client does).
 * TLS failures come out as MYSQL_TLS_FAILED naming the key to change; other driver errors as they are.
 */
export async function openMySql(config: MySqlConnectionConfig): Promise<MySqlConnection> {
  return (await openNegotiated(config)).conn;
}

async function openNegotiated(config: MySqlConnectionConfig): Promise<{ conn: MySqlConnection; ssl: MySqlSslOptions | undefined }> {
  const tls = config.tls ?? NO_TLS;
  const attempts = mysqlTlsAttempts(tls);
  for (let i = 0; ; i++) {
    try {
      return { conn: await openOnce(config, attempts[i]), ssl: attempts[i] };
    } catch (err) {
      if (i + 1 < attempts.length && offersNoTls(err)) continue;
      throw mysqlTlsError(err, tls, config.host) ?? err;
    }
  }
}

/**
 * The config with `preferred` settled into what the server does (TLS without verification, or none), for
 * clients that open their own connections from it (zongji's binlog connections), so they need no fallback.
 */
export async function negotiatedMySqlConfig<C extends MySqlConnectionConfig>(config: C): Promise<C> {
  if (config.tls?.mode !== 'preferred') return config;
  const { conn, ssl } = await openNegotiated(config);
  conn.destroy();
  return { ...config, tls: ssl ? { ...config.tls, mode: 'required' } : NO_TLS };
}

/** The driver TLS options of an already negotiated config (see negotiatedMySqlConfig). */
export function mysqlSslOptions(config: MySqlConnectionConfig): MySqlSslOptions | undefined {
  return mysqlTlsAttempts(config.tls ?? NO_TLS)[0];
}

async function openOnce(config: MySqlConnectionConfig, ssl: MySqlSslOptions | undefined): Promise<MySqlConnection> {
  const conn = mysql.createConnection(driverOptions(config, ssl));
  // A fatal error on an idle connection is emitted as 'error'; without a listener it would crash the process.
  conn.on('error', () => {});
  const wrapped = wrap(conn);
  try {
    await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    for (const [name, value] of Object.entries(MYSQL_SESSION_SETTINGS)) await wrapped.query(`SET SESSION ${name} = ${value}`);
    return wrapped;
  } catch (err) {
    conn.destroy();
    throw err;
  }
}

/** Runs `fn` with a connection of its own, destroyed afterwards. */
export async function withMySql<T>(config: MySqlConnectionConfig, fn: (conn: MySqlConnection) => Promise<T>): Promise<T> {
  const conn = await openMySql(config);
  try {
    return await fn(conn);
  } finally {
    conn.destroy();
  }
}
