/**
 * The MySQL/MariaDB edge: the only file that imports the `mysql2` driver. Every connection of the service (snapshot
 * readers, table discovery, ad-hoc snapshot chunks, control queries, prerequisite checks) is opened here, with
 * one config type, one default timeout and the session settings that make values read by queries look like the
 * ones the binlog carries. Driver errors come out as they are; callers translate them where they know what was
 * being done (binlog/mysql/errors.ts, snapshot/errors.ts).
 */
import mysql from 'mysql2';

export interface MySqlConnectionConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  /** Default database (optional). */
  database?: string;
  /** Node TLS options for the driver (from `database.ssl.mode`); absent: no TLS. */
  ssl?: unknown;
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

function driverOptions(config: MySqlConnectionConfig): mysql.ConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: config.ssl as mysql.ConnectionOptions['ssl'],
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

/** Opens a connection with the session settings applied; a failure leaves nothing open. */
export async function openMySql(config: MySqlConnectionConfig): Promise<MySqlConnection> {
  const conn = mysql.createConnection(driverOptions(config));
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
