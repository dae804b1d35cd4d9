/**
 * The snapshot engine: reads the current content of source tables in key-ordered chunks, without global or
 * table locks, resumably and in parallel, and says from which change-log position streaming must start so
 * that nothing is lost. Shared by the MySQL/MariaDB and PostgreSQL connectors.
 *
 * Typical use by a connector's coordinator:
 * ```ts
 * const tables = await discoverTables({ dialect: 'mariadb', connection, filters: tableFiltersFromConfig(settings, 'mariadb') });
 * const result = await runSnapshot({
 *   dialect: 'mariadb', connection, tables, fetchSize, maxThreads, resumeFrom, signal, logger,
 *   async onChunk({ table, rows, info }) {
 *     // map rows with a mapper built once per table from table.columns; attach info.progress (and
 *     // info.position) to the offset of the chunk's last record; mark Debezium's source.snapshot with
 *     // info.firstInSnapshot / info.lastInTable / info.lastInSnapshot; then await sink.send(records).
 *   },
 *   onStats: (s) => ctx.reportProgress({ phase: 'snapshot', ...s }),
 * });
 * if (!result.completed) return; // aborted: the committed offsets hold the progress to resume from
 * // Binlog dialects: start streaming at minPosition(result.progress.positions) and skip, per table, events
 * // before result.progress.positions[table].
 * ```
 *
 * Consistency per dialect:
 *  - MariaDB: each table is read in one `START TRANSACTION WITH CONSISTENT SNAPSHOT`; its position comes from
 *    `binlog_snapshot_file/position` of that transaction (+ `BINLOG_GTID_POS`), so the table's rows are exactly
 *    the state at that position.
 *  - MySQL: the binlog position is read BEFORE the table's transaction starts, so the rows are at or after it;
 *    replaying the binlog from there (full row images) converges to the exact state, but consumers may briefly
 *    see an older value after a newer one during the hand-off.
 *  - PostgreSQL: readers import the slot's exported snapshot (exact state at the slot's consistent point); on
 *    resume without one, fresh REPEATABLE READ transactions are used and replay from the slot makes it exact.
 *
 * Decisions worth knowing:
 *  - Chunking is keyset pagination on the chunk key (`TableInfo.chunkKey`): the primary key, else a unique index
 *    over NOT NULL columns (one equal to `message.key.columns` preferred). `message.key.columns` alone is not
 *    trusted for paging: non-unique columns would lose rows at chunk boundaries. Without a chunk key a table is
 *    streamed in one pass (mysql2 stream paused per batch / PostgreSQL cursor), and a resume reads it again.
 *  - Default `snapshot.fetch.size` is 10 000 rows, reduced for wide tables so a chunk stays under ~64 MiB
 *    (estimated from the server's average row size).
 *  - Delivery is at-least-once: a chunk whose records were not committed is read again on resume.
 *  - MySQL/MariaDB composite keys are compared in an expanded OR form: MariaDB 10.11 does not turn
 *    `(a,b) > (?,?)` into an index range (full index scan per chunk). PostgreSQL uses the row comparison.
 *  - Reader sessions use UTC (the database edges' session settings, src/db/).
 *  - Retriable errors (connection lost, server restart, table definition changed under a consistent read) make
 *    the reader reconnect with backoff (`maxRetries`, default 5) and continue after the last delivered chunk;
 *    others, and errors thrown by `onChunk`, fail the run at once.
 */
export type {
  SnapshotDialectName,
  DbConnectionConfig,
  TableFilters,
  ColumnInfo,
  TableId,
  TableInfo,
  BinlogPosition,
  JsonKeyValue,
  SnapshotProgress,
  ChunkInfo,
  SnapshotChunk,
  SnapshotStats,
  DiscoverOptions,
  SnapshotOptions,
  SnapshotResult,
} from './types.js';

export {
  DEFAULT_FETCH_SIZE, DEFAULT_MAX_CHUNK_BYTES, bindKeyParams, maxKeyQuery, mysqlFlavor, postgresFlavor, rangeQuery, type KeyQuery,
} from './chunk-planner.js';
export { mysqlKeyParam } from './mysql-dialect.js';
export { discoverTables } from './discover.js';
export { runSnapshot } from './engine.js';
export { compileTableFilters, tableFiltersFromConfig, parseMessageKeyColumns } from './filters.js';
export type { CompiledTableFilters } from './filters.js';
export { emptyProgress, isSnapshotProgress, compareBinlogPositions, minBinlogPosition } from './progress.js';
export { createChunkWindow } from './incremental-window.js';
export type { ChunkWindow } from './incremental-window.js';
export { parseSnapshotSignal } from './signals.js';
export type { SnapshotCommand, ParsedSignal } from './signals.js';
export { createIncrementalSnapshotter, INCREMENTAL_OFFSET_KEYS } from './incremental.js';
export type {
  IncrementalTableRef,
  IncrementalChunkSource,
  IncrementalSnapshotter,
  IncrementalEmit,
  IncrementalOptions,
  WatermarkType,
} from './incremental.js';
