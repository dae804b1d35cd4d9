/**
 * Builds ChangeRecords from encoded rows: Debezium envelopes with the MySQL/MariaDB source block, tombstones,
 * schema change events and heartbeats. Schemas are shared per table; per row only the value objects are new.
 */
import type { ChangeRecord, SourceOffset, SourcePartition } from '../../connect-api/index.js';
import type { ConnectSchema } from '../../../schemas/index.js';
import {
  binlogSourceSchema, DEBEZIUM_VERSION, envelopeSchema, heartbeatKeySchema, heartbeatValueSchema, makeEnvelope,
  microsOfMillis, nanosOfMillis, schemaChangeKeySchema, schemaChangeValueSchema, type BinlogConnectorName,
  type BinlogSourceValue, type Operation, type SnapshotMarker,
} from '../../../schemas/index.js';
import type { TableCodec } from '../../../schemas/mysql/index.js';

/** A table codec plus its envelope schema. */
export interface TableEvents {
  codec: TableCodec;
  envelope: ConnectSchema;
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
  change(t: TableEvents, op: Operation, before: Record<string, unknown> | null, after: Record<string, unknown> | null,
    source: BinlogSourceValue, nowMs: number): ChangeRecord;
  tombstone(t: TableEvents, key: unknown): ChangeRecord;
  schemaChange(source: BinlogSourceValue, database: string, ddl: string, tableChanges: unknown[], nowMs: number): ChangeRecord;
  heartbeat(nowMs: number, offset: SourceOffset): ChangeRecord;
}

export function createRecordFactory(opts: {
  connector: BinlogConnectorName; topicPrefix: string; heartbeatTopic: string; partition: SourcePartition;
}): RecordFactory {
  const sourceSchema = binlogSourceSchema(opts.connector);
  const byCodec = new WeakMap<TableCodec, TableEvents>();
  const changeKeySchema = schemaChangeKeySchema(opts.connector);
  const changeValueSchema = schemaChangeValueSchema(opts.connector, sourceSchema);
  const heartbeatKey = { serverName: opts.topicPrefix };

  return {
    sourceSchema,
    partition: opts.partition,
    tableEvents(codec) {
      let t = byCodec.get(codec);
      if (!t) {
        t = { codec, envelope: envelopeSchema(codec.topic, codec.valueSchema, sourceSchema) };
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
    change(t, op, before, after, source, nowMs) {
      const row = after ?? before!;
      return {
        topic: t.codec.topic,
        keySchema: t.codec.keySchema,
        key: t.codec.key(row),
        valueSchema: t.envelope,
        value: makeEnvelope(before, after, source, op, nowMs),
        partition: opts.partition,
      };
    },
    tombstone(t, key) {
      return { topic: t.codec.topic, keySchema: t.codec.keySchema, key, valueSchema: null, value: null, partition: opts.partition };
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

/** Whether two encoded key structs are equal (values are numbers, strings, bigints, Buffers or structs of them). */
export function sameKey(a: Record<string, unknown> | null, b: Record<string, unknown> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  for (const k in a) if (!sameValue(a[k], b[k])) return false;
  return true;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return x.equals(y);
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
    return sameKey(x as Record<string, unknown>, y as Record<string, unknown>);
  }
  return false;
}
