import { field, int32, int64, string, struct } from './builders.js';
import type { ConnectField, ConnectSchema } from './connect-schema.js';
import { enumSchema } from './data-types.js';

/**
 * The Debezium release whose event format we reproduce, written into `source.version`. Compared record by record
 * with Debezium's PostgreSQL connector 3.6.1.Final and MariaDB connector 3.5.0.Final (test/conformance.test.ts):
 * source block with `version: 1`, snapshot enum with seven members, ts_us/ts_ns next to ts_ms, envelope version 2.
 */
export const DEBEZIUM_VERSION = '3.6.1.Final';

export type SnapshotMarker =
  | 'true' | 'first' | 'first_in_data_collection' | 'last_in_data_collection' | 'last' | 'false' | 'incremental';

const SNAPSHOT_MARKERS: readonly SnapshotMarker[] =
  ['true', 'first', 'first_in_data_collection', 'last_in_data_collection', 'last', 'false', 'incremental'];

/** `source.snapshot`: optional io.debezium.data.Enum, default `false`. */
export const snapshotSchema: ConnectSchema = enumSchema(SNAPSHOT_MARKERS, { optional: true, default: 'false' });

const optString = string({ optional: true });
const optInt64 = int64({ optional: true });

/** Fields every connector's source block starts with, in Debezium's order. */
function commonSourceFields(): ConnectField[] {
  return [
    field('version', string()),
    field('connector', string()),
    field('name', string()),
    field('ts_ms', int64()),
    field('snapshot', snapshotSchema),
    field('db', string()),
    field('sequence', optString),
    field('ts_us', optInt64),
    field('ts_ns', optInt64),
  ];
}

export type BinlogConnectorName = 'mysql' | 'mariadb';

/** `io.debezium.connector.mysql.Source` / `io.debezium.connector.mariadb.Source` (same fields). */
export function binlogSourceSchema(connector: BinlogConnectorName): ConnectSchema {
  return struct([
    ...commonSourceFields(),
    field('table', optString),
    field('server_id', int64()),
    field('gtid', optString),
    field('file', string()),
    field('pos', int64()),
    field('row', int32()),
    field('thread', optInt64),
    field('query', optString),
  ], { name: `io.debezium.connector.${connector}.Source`, version: 1 });
}

export function postgresSourceSchema(): ConnectSchema {
  return struct([
    ...commonSourceFields(),
    field('schema', string()),
    field('table', string()),
    field('txId', optInt64),
    field('lsn', optInt64),
    field('xmin', optInt64),
    // Debezium 3.6+: the replication origin of the change (logical replication between servers); null here
    field('origin', string({ optional: true })),
    field('origin_lsn', optInt64),
  ], { name: 'io.debezium.connector.postgresql.Source', version: 1 });
}

/** Values of the common source fields; connectors spread their own fields after these. */
export interface CommonSourceValue {
  version: string;
  connector: string;
  name: string;
  ts_ms: number;
  snapshot: SnapshotMarker | null;
  db: string;
  sequence: string | null;
  ts_us: number | bigint | null;
  ts_ns: number | bigint | null;
}

export interface BinlogSourceValue extends CommonSourceValue {
  table: string | null;
  server_id: number | bigint;
  gtid: string | null;
  file: string;
  pos: number | bigint;
  row: number;
  thread: number | bigint | null;
  query: string | null;
}

export interface PostgresSourceValue extends CommonSourceValue {
  schema: string;
  table: string;
  txId: number | bigint | null;
  lsn: number | bigint | null;
  xmin: number | bigint | null;
  origin: string | null;
  origin_lsn: number | bigint | null;
}

// Two-entry cache: consecutive events mostly share the source's millisecond and the processing millisecond, so
// each bigint is built once per millisecond, not per event (callers alternate between the two timestamps).
let msA = NaN;
let nsA = 0n;
let msB = NaN;
let nsB = 0n;
let replaceA = true;

/** Epoch microseconds of an epoch-millisecond timestamp (always a safe number for real dates). */
export function microsOfMillis(ms: number): number {
  return ms * 1000;
}

/** Epoch nanoseconds of an epoch-millisecond timestamp, as bigint (beyond 2^53 since 1970-04). */
export function nanosOfMillis(ms: number): bigint {
  if (ms === msA) return nsA;
  if (ms === msB) return nsB;
  const ns = BigInt(ms) * 1_000_000n;
  if (replaceA) { msA = ms; nsA = ns; } else { msB = ms; nsB = ns; }
  replaceA = !replaceA;
  return ns;
}
