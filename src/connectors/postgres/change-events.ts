/**
 * pgoutput changes → Debezium change records (envelope with the PostgreSQL source block), one function per
 * operation. Primary-key changes become delete + tombstone + create, as Debezium emits them.
 */
import {
  DEBEZIUM_VERSION, heartbeatKeySchema, heartbeatValueSchema, makeEnvelope,
  type Operation, type PostgresSourceValue, type SnapshotMarker,
} from '../../../schemas/index.js';
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
  /** First element of `sequence`: the transaction's commit LSN as decimal text, or null. */
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
  };
}

export interface EventOptions {
  tombstonesOnDelete: boolean;
  skipped: ReadonlySet<string>;
}

function record(table: TableSchema, key: unknown, value: unknown): ChangeRecord {
  return { topic: table.topic, keySchema: table.keySchema, key, valueSchema: value === null ? null : table.valueSchema, value };
}

function envelope(table: TableSchema, key: unknown, before: unknown, after: unknown, op: Operation, source: PostgresSourceValue, nowMs: number): ChangeRecord {
  return record(table, key, makeEnvelope(before, after, source, op, nowMs));
}

function sameKey(table: TableSchema, a: TupleValues, b: TupleValues): boolean {
  const ka = table.key(a);
  const kb = table.key(b);
  if (ka === null || kb === null) return true;
  for (const k in ka) {
    const x = ka[k];
    const y = kb[k];
    if (x === y) continue;
    if (Buffer.isBuffer(x) && Buffer.isBuffer(y) && x.equals(y)) continue;
    return false;
  }
  return true;
}

export function insertEvents(out: ChangeRecord[], t: TableSchema, m: InsertMessage, src: PostgresSourceValue, nowMs: number, o: EventOptions): void {
  if (o.skipped.has('c')) return;
  out.push(envelope(t, t.key(m.after), null, t.row(m.after), 'c', src, nowMs));
}

export function deleteEvents(out: ChangeRecord[], t: TableSchema, m: DeleteMessage, src: PostgresSourceValue, nowMs: number, o: EventOptions): void {
  if (o.skipped.has('d')) return;
  const key = t.key(m.before);
  const before = m.beforeIsKey ? t.keyOnlyRow(m.before) : t.row(m.before);
  out.push(envelope(t, key, before, null, 'd', src, nowMs));
  if (o.tombstonesOnDelete && key !== null) out.push(record(t, key, null));
}

export function updateEvents(out: ChangeRecord[], t: TableSchema, m: UpdateMessage, src: PostgresSourceValue, nowMs: number, o: EventOptions): void {
  const full = m.before !== null && !m.beforeIsKey ? m.before : null;
  const after = t.row(m.after, full);
  // An unchanged TOASTed key column is not in the new tuple; take it from the old image when there is one.
  const newKey = t.key(keySource(m.after, m.before));
  if (m.before !== null && !sameKey(t, m.before, keySource(m.after, m.before))) {
    const oldKey = t.key(m.before);
    const before = m.beforeIsKey ? t.keyOnlyRow(m.before) : t.row(m.before);
    if (!o.skipped.has('d')) {
      out.push(envelope(t, oldKey, before, null, 'd', src, nowMs));
      if (o.tombstonesOnDelete && oldKey !== null) out.push(record(t, oldKey, null));
    }
    if (!o.skipped.has('c')) out.push(envelope(t, newKey, null, after, 'c', src, nowMs));
    return;
  }
  if (o.skipped.has('u')) return;
  out.push(envelope(t, newKey, full ? t.row(full) : null, after, 'u', src, nowMs));
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

export function truncateEvent(out: ChangeRecord[], t: TableSchema, src: PostgresSourceValue, nowMs: number, o: EventOptions): void {
  if (o.skipped.has('t')) return;
  out.push({ topic: t.topic, keySchema: null, key: null, valueSchema: t.valueSchema, value: makeEnvelope(null, null, src, 't', nowMs) });
}

export function snapshotReadEvent(t: TableSchema, row: unknown[], src: PostgresSourceValue, nowMs: number): ChangeRecord {
  return envelope(t, t.key(row), null, t.row(row), 'r', src, nowMs);
}

export function heartbeatRecord(topic: string, serverName: string, nowMs: number): ChangeRecord {
  return { topic, keySchema: heartbeatKeySchema, key: { serverName }, valueSchema: heartbeatValueSchema, value: { ts_ms: nowMs } };
}
