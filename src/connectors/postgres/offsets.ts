/**
 * The connector's source partition and offset, in Debezium's PostgreSQL shape (`{"server": <topic.prefix>}` →
 * `{lsn, lsn_proc, lsn_commit, txId, ts_usec, snapshot, last_snapshot_record}`, LSNs as numbers), plus the
 * snapshot engine's resumable progress under `snapshot_progress`, and the context of a running ad-hoc
 * (incremental) snapshot under Debezium's `incremental_snapshot_*` keys. Pure encode/decode.
 *
 * Meaning of the LSNs (the resume rules in `resume.ts` depend on it):
 *  - `lsn`: WAL position of the last event the offset covers (the consistent point during the snapshot);
 *  - `lsn_commit`: commit LSN of that event's transaction (absent during the snapshot);
 *  - `lsn_proc`: every transaction committed before this position is completely in Kafka once the offset
 *    is; it is the flush position we confirm to the replication slot.
 */
import type { SourceOffset, SourcePartition } from '../../connect-api/index.js';
import { lsnFromOffsetValue, lsnToNumber, type Lsn } from '../../../binlog/postgres/index.js';
import { isSnapshotProgress, type SnapshotProgress } from '../../../snapshot/index.js';

export interface PgOffset {
  lsn: Lsn;
  /** Flush position: all transactions committed before it are completely delivered. */
  lsnProc: Lsn;
  /** Commit LSN of the transaction of the last event; null during the snapshot or for heartbeats between transactions. */
  lsnCommit: Lsn | null;
  txId: number | null;
  /** Commit time (streaming) or snapshot start (snapshot), microseconds since the epoch. */
  tsUsec: number;
  /** Present while a snapshot is in progress (Debezium's `snapshot: true`). */
  snapshot: { lastRecord: boolean; progress: SnapshotProgress | null } | null;
  /**
   * An ad-hoc snapshot's context (`incremental_snapshot_collections`, `…_primary_key`, `…_maximum_key`, JSON
   * strings owned by the incremental snapshotter), merged into the streaming offset; absent (null or empty)
   * when none runs, so offsets without one look exactly as before.
   */
  incremental?: Readonly<Record<string, string>> | null;
}

const INCREMENTAL_PREFIX = 'incremental_snapshot_';

export function sourcePartition(topicPrefix: string): SourcePartition {
  return { server: topicPrefix };
}

export function encodeOffset(o: PgOffset): SourceOffset {
  const out: Record<string, unknown> = {
    lsn: lsnToNumber(o.lsn),
    lsn_proc: lsnToNumber(o.lsnProc),
    ts_usec: o.tsUsec,
  };
  if (o.lsnCommit !== null) out.lsn_commit = lsnToNumber(o.lsnCommit);
  if (o.txId !== null) out.txId = o.txId;
  if (o.snapshot) {
    out.snapshot = true;
    out.last_snapshot_record = o.snapshot.lastRecord;
    if (o.snapshot.progress) out.snapshot_progress = o.snapshot.progress;
  }
  if (o.incremental) {
    for (const [k, v] of Object.entries(o.incremental)) if (k.startsWith(INCREMENTAL_PREFIX)) out[k] = v;
  }
  return out;
}

/** Null for a missing or unusable offset (the caller then behaves as if there were none). */
export function decodeOffset(raw: SourceOffset | null | undefined): PgOffset | null {
  if (!raw) return null;
  const lsn = lsnFromOffsetValue(raw.lsn);
  if (lsn === null) return null;
  const txId = typeof raw.txId === 'number' ? raw.txId : null;
  const snapshotRunning = raw.snapshot === true || raw.snapshot === 'true';
  const lastRecord = raw.last_snapshot_record === true;
  let incremental: Record<string, string> | null = null;
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(INCREMENTAL_PREFIX) && typeof v === 'string') (incremental ??= {})[k] = v;
  }
  return {
    lsn,
    lsnProc: lsnFromOffsetValue(raw.lsn_proc) ?? lsn,
    lsnCommit: lsnFromOffsetValue(raw.lsn_commit),
    txId,
    tsUsec: typeof raw.ts_usec === 'number' ? raw.ts_usec : 0,
    snapshot: snapshotRunning
      ? { lastRecord, progress: isSnapshotProgress(raw.snapshot_progress) ? raw.snapshot_progress : null }
      : null,
    // Left out when none, so an offset without an ad-hoc snapshot decodes exactly as before.
    ...(incremental ? { incremental } : {}),
  };
}

/** Debezium treats a snapshot as done when its last record is committed or streaming offsets replaced it. */
export function snapshotCompleted(o: PgOffset): boolean {
  return o.snapshot === null || o.snapshot.lastRecord;
}
