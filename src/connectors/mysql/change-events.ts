/**
 * Builds ChangeRecords from encoded rows: the MySQL/MariaDB source block, row changes through the shared
 * change emitter, schema change events and heartbeats. Schemas are shared per table; per row only the value objects are new.
 */
import type { ChangeRecord, SourceOffset, SourcePartition } from '../../connect-api/index.js';
import type { ConnectSchema } from '../../../schemas/index.js';
import {
  binlogSourceSchema, DEBEZIUM_VERSION, envelopeSchema, heartbeatKeySchema, heartbeatValueSchema,
  microsOfMillis, nanosOfMillis, schemaChangeKeySchema, schemaChangeValueSchema, type BinlogConnectorName,
  type BinlogSourceValue, type SnapshotMarker,
} from '../../../schemas/index.js';
import { createChangeEmitter, type ChangeEmitter, type EmitterTable } from '../shared/change-emitter.js';
import { createTransactionMonitor } from '../shared/transaction-monitor.js';
import type { TableCodec } from '../../../schemas/mysql/index.js';

/** A table codec plus what the change emitter needs: topic, key and envelope schemas. */
export interface TableEvents extends EmitterTable {
  codec: TableCodec;
}

export interface SourcePoint {
  tsMs: number;
  snapshot: SnapshotMarker;
  db: string;
  table: string | null;
  serverId: number;
  gtid: string | null;
  file: string;
  pos: number;
  row: number;
  thread: number | null;
}

export interface RecordFactory {
  readonly sourceSchema: ConnectSchema;
  readonly partition: SourcePartition;
  tableEvents(codec: TableCodec): TableEvents;
  source(p: SourcePoint): BinlogSourceValue;
  /** Debezium's row-change rules (key changes, tombstones, skipped operations), shared with PostgreSQL. */
  readonly emitter: ChangeEmitter;
  schemaChange(source: BinlogSourceValue, database: string, ddl: string, tableChanges: unknown[], nowMs: number): ChangeRecord;
  heartbeat(nowMs: number, offset: SourceOffset): ChangeRecord;
}

export function createRecordFactory(opts: {
  connector: BinlogConnectorName; topicPrefix: string; heartbeatTopic: string; partition: SourcePartition;
  tombstonesOnDelete: boolean; skipped: ReadonlySet<string>;
  /** Transaction metadata topic; null: off. */
  transactionTopic?: string | null;
}): RecordFactory {
  const sourceSchema = binlogSourceSchema(opts.connector);
  const byCodec = new WeakMap<TableCodec, TableEvents>();
  const changeKeySchema = schemaChangeKeySchema(opts.connector);
  const changeValueSchema = schemaChangeValueSchema(opts.connector, sourceSchema);
  const heartbeatKey = { serverName: opts.topicPrefix };

  return {
    sourceSchema,
    partition: opts.partition,
    emitter: createChangeEmitter({
      tombstonesOnDelete: opts.tombstonesOnDelete, skipped: opts.skipped, partition: opts.partition,
      transactions: opts.transactionTopic ? createTransactionMonitor({ topic: opts.transactionTopic, partition: opts.partition }) : undefined,
    }),
    tableEvents(codec) {
      let t = byCodec.get(codec);
      if (!t) {
        t = { codec, topic: codec.topic, dataCollection: `${codec.table.database}.${codec.table.table}`, keySchema: codec.keySchema, envelope: envelopeSchema(codec.topic, codec.valueSchema, sourceSchema) };
        byCodec.set(codec, t);
      }
      return t;
    },
    source(p) {
      return {
        version: DEBEZIUM_VERSION, connector: opts.connector, name: opts.topicPrefix, ts_ms: p.tsMs, snapshot: p.snapshot,
        db: p.db, sequence: null, ts_us: microsOfMillis(p.tsMs), ts_ns: nanosOfMillis(p.tsMs), table: p.table,
        server_id: p.serverId, gtid: p.gtid, file: p.file, pos: p.pos, row: p.row, thread: p.thread, query: null,
      };
    },
    schemaChange(source, database, ddl, tableChanges, nowMs) {
      return {
        topic: opts.topicPrefix,
        keySchema: changeKeySchema,
        key: { databaseName: database },
        valueSchema: changeValueSchema,
        value: { source, ts_ms: nowMs, databaseName: database, schemaName: null, ddl, tableChanges },
        partition: opts.partition,
      };
    },
    heartbeat(nowMs, offset) {
      return {
        topic: opts.heartbeatTopic,
        keySchema: heartbeatKeySchema,
        key: heartbeatKey,
        valueSchema: heartbeatValueSchema,
        value: { ts_ms: nowMs },
        partition: opts.partition,
        offset,
      };
    },
  };
}
