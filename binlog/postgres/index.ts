/** PostgreSQL change-log reader: pgoutput over a logical replication slot. */
export { startReplicationStream } from './replication-stream.js';
export type { ReplicationStream, ReplicationStreamOptions, StreamBatch, StreamMessage, KeepaliveMessage } from './replication-stream.js';
export { createPgOutputDecoder, UNCHANGED_TOAST, PgOutputDecodeError } from './pgoutput.js';
export type {
  PgOutputDecoder, PgOutputMessage, Relation, RelationColumn, ReplicaIdentity, TupleValues, UnchangedToast,
  BeginMessage, CommitMessage, InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, RelationMessage,
  TypeMessage, OriginMessage, LogicalMessage,
} from './pgoutput.js';
export { parseLsn, formatLsn, readLsn, maxLsn, lsnToNumber, lsnFromOffsetValue, INVALID_LSN } from './lsn.js';
export type { Lsn } from './lsn.js';
export { connectClient, connectReplicationClient, withClient } from './connection.js';
export type { PgConnectionConfig } from './connection.js';
export { translatePgError } from './errors.js';
export type { PgErrorContext } from './errors.js';
export { readSlot, createSlot, dropSlot, retainedWalBytes, serverVersionNum } from './slot.js';
export type { SlotInfo, CreatedSlot } from './slot.js';
export { readPublication, ensurePublication } from './publication.js';
export type { PublicationInfo, PublicationAutocreateMode, EnsurePublicationOptions } from './publication.js';
export { loadTypeRegistry } from './type-registry.js';
export type { TypeRegistry } from './type-registry.js';
export { readCatalogTables } from './table-catalog.js';
export type { CatalogColumn, CatalogTable } from './table-catalog.js';
