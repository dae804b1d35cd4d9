/**
 * What the conformance comparison (test/conformance/compare.ts) does not compare, and why: values that differ
 * from run to run or from server to server even between two runs of Debezium itself. Anything else that differs
 * between Debezium's golden records and ours is a difference to fix in the product (or to add here, with a reason).
 *
 * A rule names a path inside one record, relative to `<topic>[<index>].`: e.g. `value.payload.source.ts_ms`,
 * `headers.__debezium.context.runId`. Paths use `.name` for object keys and `[field]` for the entries of a
 * Connect schema's `fields` array; the rule's regex is matched against the whole relative path.
 */
import type { ConnectorKind } from './scenarios.js';

export interface IgnoreRule {
  /** Regex over the path inside the record (e.g. `value.payload.source.lsn`). */
  path: RegExp;
  /** Only for these connectors (default: both). */
  kinds?: ConnectorKind[];
  /** Only for topics matching this (default: every topic). */
  topic?: RegExp;
  reason: string;
}

export const KNOWN_DIFFERENCES: IgnoreRule[] = [
  { path: /^value\.payload\.ts_(ms|us|ns)$/, reason: 'wall-clock time at which the connector processed the event' },
  { path: /^value\.payload\.source\.ts_(ms|us|ns)$/, reason: 'commit time of the change in the database (differs per run)' },
  { path: /^value\.payload\.source\.version$/, reason: 'the connector\'s own version string' },
  { path: /^headers\.__debezium\.context\.runId$/, reason: 'random id of the connector run' },

  // Transaction ids: GTIDs (MariaDB) and txid:LSN (PostgreSQL) grow with every run of the test bed.
  { path: /^(key|value)\.payload\.id$/, topic: /\.transaction$/, reason: 'transaction id (GTID / txid:LSN) differs per run' },
  { path: /^value\.payload\.transaction\.id$/, reason: 'transaction id (GTID / txid:LSN) differs per run' },

  // MariaDB binlog coordinates depend on everything the server logged before the run.
  { path: /^value\.payload\.source\.(file|pos|gtid|thread)$/, kinds: ['mariadb'], reason: 'binlog file/position/GTID and connection id differ per run' },
  { path: /^value\.payload\.position\./, kinds: ['mariadb'], topic: /^golden$/, reason: 'binlog coordinates in schema change events differ per run' },

  // A Debezium bug we do not copy: MariaDbConnector 3.5.0.Final decodes a UUID column read from the binlog one byte
  // off ('123e4567-e89b-…' becomes '00123e45-67e8-…'; the snapshot's value is right). The schema of the column
  // (io.debezium.data.Uuid, string) is still compared.
  { path: /^value\.payload\.(before|after)\.u$/, kinds: ['mariadb'], topic: /\.wide$/, reason: 'Debezium 3.5.0 MariaDB binlog UUID decoding bug' },

  // PostgreSQL WAL positions and transaction ids differ per run.
  { path: /^value\.payload\.source\.(lsn|txId|xmin|sequence)$/, kinds: ['postgres'], reason: 'WAL LSN / transaction id of the change differ per run' },
];

export function ignoredBy(kind: ConnectorKind, topic: string, path: string): IgnoreRule | undefined {
  return KNOWN_DIFFERENCES.find((r) => (!r.kinds || r.kinds.includes(kind)) && (!r.topic || r.topic.test(topic)) && r.path.test(path));
}
