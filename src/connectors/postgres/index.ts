/** PostgreSQL source connector: plugin, config, task, offsets. */
export { postgresConnectorPlugin, POSTGRES_CONNECTOR_CLASS } from './plugin.js';
export { postgresConfigDef, pgSettings } from './config.js';
export type { PgConnectorSettings } from './config.js';
export { createPostgresSourceTask } from './task.js';
export { encodeOffset, decodeOffset, sourcePartition, snapshotCompleted } from './offsets.js';
export type { PgOffset } from './offsets.js';
export { findProblems } from './prerequisites.js';
export { createStreamDispatcher } from './stream-dispatcher.js';
export type { StreamDispatcher, StreamDispatcherOptions, ResumePoint } from './stream-dispatcher.js';
export { buildTableSchema } from './table-schema.js';
export type { TableSchema, ColumnSpec } from './table-schema.js';
export { createTableResolver } from './tables.js';
export type { TableResolver } from './tables.js';
export { parseSignalTable } from './signal-table.js';
export type { SignalTable } from './signal-table.js';
export type { IncrementalStreamHooks, PgIncremental } from './incremental.js';
