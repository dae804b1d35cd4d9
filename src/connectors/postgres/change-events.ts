/**
 * pgoutput changes → Debezium change records: the PostgreSQL source block here, the rest (key changes,
 * tombstones, skipped operations) in the change emitter shared with MySQL/MariaDB.
 */
import {
  DEBEZIUM_VERSION, heartbeatKeySchema, heartbeatValueSchema, type PostgresSourceValue, type SnapshotMarker,
} from '../../../schemas/index.js';
import { createChangeEmitter, type ChangeEmitter } from '../shared/change-emitter.js';
import type { ChangeRecord } from '../../connect-api/index.js';
import type { DeleteMessage, InsertMessage, TupleValues, UpdateMessage } from '../../../binlog/postgres/index.js';
import type { TableSchema } from './table-schema.js';

/** What every event of one transaction (or of the snapshot) shares in its source block. */
export interface SourceContext {
  serverName: string;
  database: string;
  /** Commit time (streaming) or snapshot time, epoch microseconds. */
  tsMicros: number;
  tsMs: number;
  tsNs: bigint;
  txId: number | null;
  /** First element of `sequence`: the end LSN of the last commit before this transaction, as decimal text, or null. */
  commitLsnText: string | null;
  snapshot: SnapshotMarker;
}

export function sourceContext(serverName: string, database: string, tsMicros: number, txId: number | null,
  commitLsn: bigint | null, snapshot: SnapshotMarker): SourceContext {
  return {
    serverName, database, tsMicros, tsMs: Math.floor(tsMicros / 1000), tsNs: BigInt(tsMicros) * 1000n, txId,
    commitLsnText: commitLsn === null ? null : commitLsn.toString(), snapshot,
  };
}

export function sourceValue(ctx: SourceContext, table: TableSchema, lsn: bigint, snapshot: SnapshotMarker = ctx.snapshot): PostgresSourceValue {
  const lsnText = lsn.toString();
  return {
    version: DEBEZIUM_VERSION,
    connector: 'postgresql',
    name: ctx.serverName,
    ts_ms: ctx.tsMs,
    snapshot,
    db: ctx.database,
    sequence: `[${ctx.commitLsnText === null ? 'null' : `"${ctx.commitLsnText}"`},"${lsnText}"]`,
    ts_us: ctx.tsMicros,
    ts_ns: ctx.tsNs,
    schema: table.schema,
    table: table.table,
    txId: ctx.txId,
    lsn: Number(lsn),
    xmin: null,
    origin: null,
    origin_lsn: null,
  };
}

export function insertEvents(out: ChangeRecord[], t: TableSchema, m: InsertMessage, src: PostgresSourceValue, nowMs: number, e: ChangeEmitter): void {
  e.create(out, t, t.key(m.after), t.row(m.after), src, nowMs);
}

export function deleteEvents(out: ChangeRecord[], t: TableSchema, m: DeleteMessage, src: PostgresSourceValue, nowMs: number, e: ChangeEmitter): void {
  e.delete(out, t, t.key(m.before), m.beforeIsKey ? t.keyOnlyRow(m.before) : t.row(m.before), src, nowMs);
}

export function updateEvents(out: ChangeRecord[], t: TableSchema, m: UpdateMessage, src: PostgresSourceValue, nowMs: number, e: ChangeEmitter): void {
  const full = m.before !== null && !m.beforeIsKey ? m.before : null;
  const after = t.row(m.after, full);
  // An unchanged TOASTed key column is not in the new tuple; take it from the old image when there is one.
  const newKey = t.key(keySource(m.after, m.before));
  const oldKey = m.before === null ? newKey : t.key(m.before);
  const before = m.before === null ? null : m.beforeIsKey ? t.keyOnlyRow(m.before) : t.row(m.before);
  e.update(out, t, oldKey, newKey, before, after, src, nowMs);
}

/** The new image with unchanged-TOAST columns taken from the old image (when there is one). */
export function keySource(after: TupleValues, before: TupleValues | null): TupleValues {
  if (before === null) return after;
  let merged: TupleValues | null = null;
  for (let i = 0; i < after.length; i++) {
    if (typeof after[i] === 'symbol') (merged ??= after.slice())[i] = before[i] ?? null;
  }
  return merged ?? after;
}

export function truncateEvent(out: ChangeRecord[], t: TableSchema, src: PostgresSourceValue, nowMs: number, e: ChangeEmitter): void {
  e.truncate(out, t, src, nowMs);
}

/** Snapshot reads (`op: r`) follow no option: one emitter serves every task. */
const reads = createChangeEmitter({ tombstonesOnDelete: false, skipped: new Set() });

export function snapshotReadEvent(out: ChangeRecord[], t: TableSchema, row: unknown[], src: PostgresSourceValue, nowMs: number): void {
  reads.read(out, t, t.key(row), t.row(row), src, nowMs);
}

export function heartbeatRecord(topic: string, serverName: string, nowMs: number): ChangeRecord {
  return { topic, keySchema: heartbeatKeySchema, key: { serverName }, valueSchema: heartbeatValueSchema, value: { ts_ms: nowMs } };
}
