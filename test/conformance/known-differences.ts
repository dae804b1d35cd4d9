/**
 * What the conformance comparison (test/conformance/compare.ts) does not compare, and why: values that differ
 * from run to run or from server to server even between two runs of Debezium itself. Anything else that differs
 * between Debezium's golden records and ours is a difference to fix in the product (or to add here, with a reason).
 *
 * A rule names a path inside one record, relative to `<topic>[<index>].`: e.g. `value.payload.source.ts_ms`,
 * `headers.__debezium.context.runId`. Paths use `.name` for object keys and `[field]` for the entries of a
 * Connect schema's `fields` array; the rule's regex is matched against the whole relative path.
 *
 * Binlog positions, GTIDs, WAL LSNs and transaction ids are not ignored: both sides' are rewritten relative to the
 * scenario's last event (compare.ts, relativePositions), which makes them comparable across runs.
 */
import type { ConnectorKind } from './scenarios.js';

export interface IgnoreRule {
  /** Regex over the path inside the record (e.g. `value.payload.source.lsn`). */
  path: RegExp;
  /** Only for these connectors (default: both). */
  kinds?: ConnectorKind[];
  /** Only for topics matching this (default: every topic). */
  topic?: RegExp;
  /** Only in snapshot reads (`source.snapshot` other than false). */
  snapshotOnly?: boolean;
  reason: string;
}

export const KNOWN_DIFFERENCES: IgnoreRule[] = [
  { path: /^value\.payload\.ts_(ms|us|ns)$/, reason: 'wall-clock time at which the connector processed the event' },
  { path: /^value\.payload\.source\.ts_(ms|us|ns)$/, reason: 'commit time of the change in the database (differs per run)' },
  { path: /^value\.payload\.source\.version$/, reason: 'the connector\'s own version string' },
  { path: /^headers\.__debezium\.context\./, reason: 'Debezium 3.3+ context headers (connector logical name, connector type, task id, random run id): not emitted, they would add ~150 bytes to every record and say nothing about the change' },

  // Binlog positions, GTIDs, LSNs and transaction ids are compared relative to the sentinel's (compare.ts,
  // relativePositions); only the binlog file name is not compared (it depends on the server's history).
  { path: /^value\.payload\.source\.file$/, kinds: ['mariadb'], reason: 'binlog file name depends on the server\'s history' },

  // A Debezium bug we do not copy: MariaDbConnector 3.5.0.Final decodes a UUID column read from the binlog one byte
  // off ('123e4567-e89b-…' becomes '00123e45-67e8-…'; the snapshot's value is right). The schema of the column
  // (io.debezium.data.Uuid, string) is still compared.
  { path: /^value\.payload\.(before|after)\.u$/, kinds: ['mariadb'], topic: /\.wide$/, reason: 'Debezium 3.5.0 MariaDB binlog UUID decoding bug' },

  // Where Debezium's snapshot gives another value than its own stream for the same row, we give the stream's in both.
  {
    path: /^value\.payload\.after\.f$/, kinds: ['mariadb'], topic: /\.wide$/, snapshotOnly: true,
    reason: 'FLOAT in the snapshot: Debezium reads the server\'s 6-digit text (3.14159), its stream the exact single (3.1415927); ours is exact in both',
  },
  {
    path: /^value\.payload\.after\.d$/, kinds: ['postgres'], topic: /\.wide$/, snapshotOnly: true,
    reason: 'date \'infinity\'/\'-infinity\' in the snapshot: Debezium\'s JDBC read gives -622191234/-625821272, its stream -2147472692/-2147472691 (what we give in both)',
  },
];

export function ignoredBy(kind: ConnectorKind, topic: string, path: string, snapshot = false): IgnoreRule | undefined {
  return KNOWN_DIFFERENCES.find((r) => (!r.kinds || r.kinds.includes(kind)) && (!r.topic || r.topic.test(topic)) && (!r.snapshotOnly || snapshot) && r.path.test(path));
}
