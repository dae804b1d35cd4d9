/**
 * What differs between databases, behind one interface: connecting, discovering tables, opening a consistent
 * read and knowing its change-log position, running chunk queries with array rows, streaming a keyless table.
 */
import type { Logger } from '../src/logging/index.js';
import type { SqlFlavor } from './chunk-planner.js';
import type { CompiledTableFilters } from './filters.js';
import type { BinlogPosition, DbConnectionConfig, SnapshotDialectName, TableInfo } from './types.js';

export interface ReaderOptions {
  /** PostgreSQL exported snapshot to import. */
  exportedSnapshot?: string | null;
  valueFormat?: 'text' | 'parsed';
  logger?: Logger;
}

/** One reader connection. Not safe for concurrent use: the engine runs one statement at a time on it. */
export interface ReaderConnection {
  /**
   * Makes sure a consistent read transaction is open for reading one table (a new one when the dialect reads
   * each table in its own transaction) and returns the binlog position the table's rows are consistent with
   * (null for PostgreSQL).
   */
  beginTable(): Promise<BinlogPosition | null>;
  /** Ends the table's transaction where the dialect uses one per table. */
  endTable(): Promise<void>;
  /**
   * Runs a query and returns rows as arrays of values in select order, in the form key values can be passed back
   * as parameters (PostgreSQL: text). `finishRows` then converts them to the form the caller asked for.
   */
  query(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  /** Converts, in place, rows of the last `query` to the caller's value format (a no-op for most). */
  finishRows(rows: unknown[][]): void;
  /**
   * Streams a query's rows in batches of `batchSize`, calling `onBatch` and not reading on until it resolved.
   * `last` is true for the final batch (which may be empty).
   */
  stream(sql: string, batchSize: number, onBatch: (rows: unknown[][], last: boolean) => Promise<void>): Promise<void>;
  /** Graceful close. */
  close(): Promise<void>;
  /** Immediate close (abort): any running query fails. */
  destroy(): void;
}

export interface SnapshotDialect {
  readonly name: SnapshotDialectName;
  readonly flavor: SqlFlavor;
  /**
   * True when all readers see one shared snapshot (PostgreSQL with an exported snapshot), so chunks of one table
   * may be read by different readers in parallel.
   */
  sharedSnapshot(options: ReaderOptions): boolean;
  connect(config: DbConnectionConfig, options: ReaderOptions): Promise<ReaderConnection>;
  /** Key values (from a row or decoded from progress) as query parameters for the chunk key columns. */
  keyParams(table: TableInfo, values: readonly unknown[]): unknown[];
  discover(config: DbConnectionConfig, filters: CompiledTableFilters, logger?: Logger): Promise<TableInfo[]>;
}
