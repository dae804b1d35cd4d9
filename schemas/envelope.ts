import { arrayOf, field, int64, string, struct, withOptional } from './builders.js';
import type { ConnectField, ConnectSchema } from './connect-schema.js';
import { microsOfMillis, nanosOfMillis } from './source.js';

/** Debezium's `op` codes: create, update, delete, read (snapshot), truncate, message. */
export type Operation = 'c' | 'u' | 'd' | 'r' | 't' | 'm';

/** The `transaction` block: optional struct `event.block` version 1. */
export const transactionBlockSchema: ConnectSchema = struct([
  field('id', string()),
  field('total_order', int64()),
  field('data_collection_order', int64()),
], { optional: true, name: 'event.block', version: 1 });

export interface TransactionBlock {
  id: string;
  total_order: number | bigint;
  data_collection_order: number | bigint;
}

/** Key of the BEGIN/END records on the transaction topic. */
export const transactionKeySchema: ConnectSchema = struct([field('id', string())],
  { name: 'io.debezium.connector.common.TransactionMetadataKey', version: 1 });

/** Value of the BEGIN/END records: END carries the event count, in total and per data collection. */
export const transactionValueSchema: ConnectSchema = struct([
  field('status', string()),
  field('id', string()),
  field('event_count', int64({ optional: true })),
  field('data_collections', arrayOf(struct([field('data_collection', string()), field('event_count', int64())],
    { optional: true, name: 'event.collection', version: 1 }), { optional: true })),
  field('ts_ms', int64()),
], { name: 'io.debezium.connector.common.TransactionMetadataValue', version: 1 });

/** `<topic>.Key`: required struct of the key columns, in key order. */
export function keySchema(topic: string, fields: readonly ConnectField[]): ConnectSchema {
  return struct(fields, { name: `${topic}.Key` });
}

/** `<topic>.Value`: the row struct, optional (it is `null` in `before` of a create and `after` of a delete). */
export function rowSchema(topic: string, fields: readonly ConnectField[]): ConnectSchema {
  return struct(fields, { optional: true, name: `${topic}.Value` });
}

/**
 * `<topic>.Envelope` version 2: before, after, source, transaction, op, ts_ms, ts_us, ts_ns — the order
 * Debezium 3.x writes. `row` is the table's row schema (made optional if it is not).
 */
export function envelopeSchema(topic: string, row: ConnectSchema, source: ConnectSchema): ConnectSchema {
  const optionalRow = withOptional(row, true);
  const optInt64 = int64({ optional: true });
  return struct([
    field('before', optionalRow),
    field('after', optionalRow),
    field('source', source),
    field('transaction', transactionBlockSchema),
    field('op', string()),
    field('ts_ms', optInt64),
    field('ts_us', optInt64),
    field('ts_ns', optInt64),
  ], { name: `${topic}.Envelope`, version: 2 });
}

/** An envelope value; field order matches `envelopeSchema`. */
export interface Envelope<Row = Record<string, unknown>, Source = Record<string, unknown>> {
  before: Row | null;
  after: Row | null;
  source: Source;
  transaction: TransactionBlock | null;
  op: Operation;
  ts_ms: number;
  ts_us: number;
  ts_ns: bigint;
}

/**
 * The envelope value of one change. Allocates the envelope object only: `ts_us` is a plain number and `ts_ns`
 * a bigint shared by all events of the same millisecond. `tsMs` is when the connector processed the event.
 */
export function makeEnvelope<Row, Source>(
  before: Row | null, after: Row | null, source: Source, op: Operation, tsMs: number,
  transaction: TransactionBlock | null = null,
): Envelope<Row, Source> {
  return { before, after, source, transaction, op, ts_ms: tsMs, ts_us: microsOfMillis(tsMs), ts_ns: nanosOfMillis(tsMs) };
}
