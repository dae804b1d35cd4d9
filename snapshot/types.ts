/**
 * Public types of the snapshot engine. Pure data: everything here is JSON-friendly except row values,
 * which are the drivers' own values (see `SnapshotChunk.rows`).
 */
import type { MySqlConnectionConfig } from '../src/db/mysql.js';
import type { PgConnectionConfig } from '../src/db/postgres.js';
import type { Logger } from '../src/logging/index.js';

/** `mariadb` and `mysql` differ only in how the engine finds the binlog position of a snapshot. */
export type SnapshotDialectName = 'mysql' | 'mariadb' | 'postgres';

/**
 * How a dialect's readers reach the source database: the database edge's config of that engine (src/db/). The
 * password never appears in logs or errors.
 */
export type DbConnectionConfig = MySqlConnectionConfig | PgConnectionConfig;

/**
 * Debezium's include/exclude lists, each entry a regular expression that must match the WHOLE identifier
 * (anchored), case-insensitively:
 *  - `databaseInclude/Exclude` ↔ `database.include.list` (MySQL, database name) or `schema.include.list`
 *    (PostgreSQL, schema name);
 *  - `tableInclude/Exclude` ↔ `table.include.list`: `db.table` (MySQL) / `schema.table` (PostgreSQL);
 *  - `columnInclude/Exclude` ↔ `column.include.list`: `db.table.column` / `schema.table.column`.
 * An include list, when given, wins over the matching exclude list (Debezium forbids setting both).
 */
export interface TableFilters {
  databaseInclude?: readonly string[];
  databaseExclude?: readonly string[];
  tableInclude?: readonly string[];
  tableExclude?: readonly string[];
  columnInclude?: readonly string[];
  columnExclude?: readonly string[];
  /**
   * `message.key.columns`, e.g. `inventory.orders:customer_id,ts;inventory.t2:a` (table part is a regex).
   * Only changes `TableInfo.keyColumns` and, for tables without a primary key, may provide the chunk key.
   */
  messageKeyColumns?: string;
}

/** One column as the source describes it. */
export interface ColumnInfo {
  name: string;
  /** 1-based position in the table (with gaps where PostgreSQL columns were dropped). */
  ordinal: number;
  /** Base type name in lower case: MySQL `DATA_TYPE` (`int`, `varchar`, `enum`…), PostgreSQL `pg_type.typname` (`int4`, `_text`, `numeric`…); for a PostgreSQL domain, the domain's base type. */
  nativeType: string;
  /** Full declared type: MySQL `COLUMN_TYPE` (`int(10) unsigned`, `enum('a','b')`), PostgreSQL `format_type()` (`character varying(20)`, `numeric(10,2)`, `my_domain`). */
  columnType: string;
  nullable: boolean;
  /** Character length (chars) or bit length; null when not applicable. */
  length: number | null;
  precision: number | null;
  scale: number | null;
  /** Fractional seconds precision of time types; null when not applicable. */
  datetimePrecision: number | null;
  /** MySQL numeric types only. */
  unsigned: boolean;
  /** ENUM (MySQL, PostgreSQL enum types) or SET (MySQL) values in declared order; null otherwise. */
  enumValues: string[] | null;
  /** MySQL character set of string columns; null otherwise (PostgreSQL: the database encoding applies). */
  charset: string | null;
  /** Default expression as text, null if none. */
  defaultValue: string | null;
  /** MySQL `auto_increment`, PostgreSQL identity or `nextval(...)` default. */
  autoIncrement: boolean;
  /** PostgreSQL type oid (of the declared type, e.g. the domain); null for MySQL. */
  typeOid: number | null;
  comment: string | null;
}

export interface TableId {
  /** MySQL database, or PostgreSQL schema. */
  schema: string;
  table: string;
}

export interface TableInfo {
  id: TableId;
  /** `schema.table` (MySQL: `db.table`): the identifier Debezium's filters and topic names use. */
  name: string;
  /** Columns kept by the column filters, in table order. Row values come in this order. */
  columns: ColumnInfo[];
  /** Primary key column names in key order; empty if none. Unaffected by column filters. */
  primaryKey: string[];
  /** Columns of the Kafka message key: `message.key.columns` for this table if set, else the primary key; empty → null keys. */
  keyColumns: string[];
  /**
   * Columns used for keyset pagination, in order: the primary key, else a unique index whose columns are all
   * NOT NULL (preferring one equal to `keyColumns`); empty → the table is read in one ordered pass and a
   * resumed snapshot re-reads it from the start.
   */
  chunkKey: string[];
  /**
   * Chunk-key columns not kept by the column filters. They are selected after `columns`, so a row may have
   * `columns.length + extraKeyColumns.length` values; callers use the first `columns.length`.
   */
  extraKeyColumns: ColumnInfo[];
  /** Row count estimate (MySQL `TABLE_ROWS`, PostgreSQL `reltuples`); 0 when unknown. */
  estimatedRows: number;
  /** Average row size estimate in bytes, 0 when unknown; used to keep chunks within `maxChunkBytes`. */
  avgRowBytes: number;
  /** MySQL: the table's default character set (from its collation); undefined elsewhere. */
  charset?: string | null;
}

/** A binlog position (MySQL/MariaDB). `gtid` is MariaDB's `BINLOG_GTID_POS` or MySQL's `Executed_Gtid_Set`. */
export interface BinlogPosition {
  file: string;
  pos: number;
  gtid: string | null;
}

/** A key value JSON can carry: binary keys are `{ b64 }`, bigints as decimal strings. */
export type JsonKeyValue = string | number | boolean | null | { b64: string };

/**
 * Resumable progress: small, JSON-serialisable. The connector stores the `progress` of each chunk in the
 * source offset of that chunk's last record and passes the last committed one back as `resumeFrom`.
 */
export interface SnapshotProgress {
  v: 1;
  /** Tables completely read. */
  done: string[];
  /** Tables partly read: the chunk key of the last row of the last delivered chunk, and counts so far. */
  partial: Record<string, { chunkKey: string[]; after: JsonKeyValue[]; chunks: number; rows: number }>;
  /**
   * Binlog dialects: per table (done or partial), the position of the transaction the table's first chunk was
   * read in. Streaming must start at the minimum and, per table, skip events before the table's position.
   * Kept across resumes: a table resumed in a newer transaction keeps its first position (replay makes it exact).
   */
  positions: Record<string, BinlogPosition>;
  /**
   * Binlog dialects: the position of the first table of the first run. A crash can leave rows of a chunk in
   * Kafka whose progress was never committed; their keys may be deleted before the resumed run reads that table
   * again. So a table (re)started by a resumed run gets this position, not its new one: streaming then replays
   * every change since the first run, deletes of those rows included.
   */
  floor?: BinlogPosition;
  /** Rows delivered so far, across runs. */
  rowsDone: number;
}

export interface ChunkInfo {
  /** 0-based index of the chunk within its table (continues after a resume). */
  index: number;
  firstInTable: boolean;
  lastInTable: boolean;
  /** First chunk of the snapshot; never set when resuming one that already delivered rows (its first run did). */
  firstInSnapshot: boolean;
  /**
   * Last chunk of the whole snapshot. It may have no rows (e.g. the last table is empty); then no record can
   * carry Debezium's `last` marker, as in Debezium.
   */
  lastInSnapshot: boolean;
  /** Binlog dialects: the position the table is consistent with (see `SnapshotProgress.positions`). Null for PostgreSQL. */
  position: BinlogPosition | null;
  /** Progress including this chunk: store it in the offset of this chunk's last record. */
  progress: SnapshotProgress;
}

export interface SnapshotChunk {
  table: TableInfo;
  /**
   * Rows as arrays of driver values in `table.columns` order (plus `extraKeyColumns`). Owned by the callee.
   *  - MySQL/MariaDB (mysql2, session `time_zone='+00:00'`, defaults `dateStrings: true`,
   *    `supportBigNumbers: true`, `bigNumberStrings: false`, `jsonStrings: true`): integers → number (string
   *    beyond 2^53), DECIMAL → string, DATE/DATETIME/TIMESTAMP → string (TIMESTAMP in UTC), TIME → string,
   *    YEAR → number, FLOAT/DOUBLE → number, binary/BLOB/BIT/GEOMETRY → Buffer, JSON → string,
   *    ENUM/SET → string, other strings → string.
   *  - PostgreSQL (`valueFormat: 'text'`, the default): every value is PostgreSQL's text output (exactly what
   *    pgoutput sends in streaming, session `TimeZone=UTC`, `DateStyle=ISO`, `extra_float_digits=3`) or null.
   *    With `valueFormat: 'parsed'`, node-postgres' default type parsers apply.
   */
  rows: unknown[][];
  info: ChunkInfo;
}

/** Counters for REST status and logs. */
export interface SnapshotStats {
  tablesTotal: number;
  tablesDone: number;
  rowsDone: number;
  rowsEstimated: number;
  /** Rows per second since this run started (rows of this run only). */
  rowsPerSecond: number;
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null;
  /** Tables being read right now. */
  tablesInProgress: string[];
}

export interface DiscoverOptions {
  dialect: SnapshotDialectName;
  connection: DbConnectionConfig;
  filters?: TableFilters;
  logger?: Logger;
}

export interface SnapshotOptions {
  dialect: SnapshotDialectName;
  connection: DbConnectionConfig;
  /**
   * Tables to read, from `discoverTables`. Read in this order, except that tables estimated empty go first (so
   * the snapshot's last chunk has rows) and, with several readers, bigger tables before smaller ones.
   */
  tables: readonly TableInfo[];
  /** Rows per chunk (`snapshot.fetch.size`). Default `DEFAULT_FETCH_SIZE`. */
  fetchSize?: number;
  /** Upper bound for a chunk's estimated size; chunks get fewer rows for wide tables. Default 64 MiB. */
  maxChunkBytes?: number;
  /** Reader connections (`snapshot.max.threads`). Default 1. */
  maxThreads?: number;
  /** Progress of an interrupted snapshot: finished tables are skipped, partial ones continue after their last chunk. */
  resumeFrom?: SnapshotProgress | null;
  /**
   * PostgreSQL: name of the snapshot exported by `CREATE_REPLICATION_SLOT … EXPORT_SNAPSHOT`. Every reader
   * imports it, so all rows are exactly the state at the slot's consistent point and chunks of one table can be
   * read in parallel. Without it (e.g. on resume), each reader uses its own REPEATABLE READ transaction.
   */
  exportedSnapshot?: string | null;
  /**
   * Attempts per task after a retriable error (connection lost, server restart, table definition changed during
   * a consistent read): the reader reconnects with backoff and continues after the last delivered chunk. Default 5.
   */
  maxRetries?: number;
  /** PostgreSQL row value format, see `SnapshotChunk.rows`. Default `'text'`. */
  valueFormat?: 'text' | 'parsed';
  signal?: AbortSignal;
  logger?: Logger;
  /**
   * Receives each chunk. Calls are serialised (never two at once) and the reader that produced a chunk does not
   * read on until its call resolved (backpressure). Chunks of one table arrive in key order. The caller must
   * send records in the order of these calls, so that a chunk's `progress` is only committed after all earlier
   * chunks' records.
   */
  onChunk(chunk: SnapshotChunk): Promise<void>;
  /** Called after every chunk and when a table starts; cheap to compute. */
  onStats?(stats: SnapshotStats): void;
}

export interface SnapshotResult {
  /** False when stopped by `signal`; `progress` then says where to resume. */
  completed: boolean;
  progress: SnapshotProgress;
  stats: SnapshotStats;
}
