/**
 * The connector's source partition and offset, in Debezium's MySQL offset shape:
 *   partition {"server": <topic.prefix>}
 *   offset    {"file", "pos", "gtids"?, "event", "row", "ts_sec", "server_id", "snapshot"?, "snapshot_completed",
 *              "snapshot_progress"?, "table_positions"?}
 * `snapshot_progress` (ours) is the snapshot engine's resumable progress while a snapshot runs;
 * `table_positions` (ours) keeps, after a snapshot, the binlog position each table was read at until streaming
 * has passed them all, so events a table's snapshot already contains are skipped even across restarts.
 * While an ad-hoc (incremental) snapshot runs, its context rides along under Debezium's `incremental_snapshot_*`
 * keys (JSON strings, see snapshot/incremental.ts); streaming offsets without one carry none of them.
 */
import type { SourceOffset, SourcePartition } from '../../connect-api/index.js';
import { CdcError } from '../../errors/index.js';
import type { BinlogPosition, SnapshotProgress } from '../../../snapshot/index.js';
import { isSnapshotProgress } from '../../../snapshot/index.js';
import type { BinlogResumePosition } from '../../../binlog/mysql/index.js';

export type TablePositions = Readonly<Record<string, BinlogPosition>>;

export interface MySqlOffset {
  /** Where streaming (re)starts. During a snapshot: the earliest table position so far. */
  position: BinlogResumePosition;
  tsSec: number;
  serverId: number;
  /** Present while a snapshot is running or was interrupted. */
  snapshot: { progress: SnapshotProgress } | null;
  /** True once the snapshot (if any) completed, and for offsets written while streaming. */
  snapshotCompleted: boolean;
  tablePositions: TablePositions | null;
  /** The incremental snapshot's offset fields (`incremental_snapshot_*`); absent/empty when none runs. */
  incremental?: Readonly<Record<string, string>> | null;
}

const INCREMENTAL_PREFIX = 'incremental_snapshot_';

export function sourcePartition(topicPrefix: string): SourcePartition {
  return { server: topicPrefix };
}

export function encodeOffset(o: MySqlOffset): SourceOffset {
  const out: Record<string, unknown> = { file: o.position.file, pos: o.position.pos };
  if (o.position.gtids !== null) out.gtids = o.position.gtids;
  out.event = o.position.event;
  out.row = o.position.row;
  out.ts_sec = o.tsSec;
  out.server_id = o.serverId;
  if (o.snapshot) {
    out.snapshot = true;
    out.snapshot_progress = o.snapshot.progress;
  }
  out.snapshot_completed = o.snapshotCompleted;
  if (o.tablePositions && Object.keys(o.tablePositions).length > 0) out.table_positions = o.tablePositions;
  if (o.incremental) Object.assign(out, o.incremental);
  return out;
}

/** A stored offset we cannot read: only a reset (or a new connector name) fixes it. */
export class OffsetFormatError extends CdcError {
  constructor(detail: string) {
    super('OFFSET_INVALID', `The stored source offset is not a MySQL connector offset: ${detail}.`, {
      retriable: false,
      fix: 'Reset the connector\'s offsets (PATCH/DELETE /connectors/{name}/offsets while it is stopped) so it starts with a snapshot, or use another connector name.',
    });
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isTablePositions(v: unknown): v is TablePositions {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((p) => typeof p === 'object' && p !== null
    && typeof (p as BinlogPosition).file === 'string' && isInt((p as BinlogPosition).pos));
}

export function decodeOffset(raw: SourceOffset): MySqlOffset {
  const { file, pos, gtids } = raw;
  if (typeof file !== 'string' || !isInt(pos)) throw new OffsetFormatError('"file" and "pos" are required');
  if (gtids !== undefined && gtids !== null && typeof gtids !== 'string') throw new OffsetFormatError('"gtids" must be a string');
  const event = raw.event ?? 0;
  const row = raw.row ?? 0;
  if (!isInt(event) || !isInt(row)) throw new OffsetFormatError('"event" and "row" must be non-negative integers');
  let snapshot: MySqlOffset['snapshot'] = null;
  if (raw.snapshot === true || raw.snapshot === 'true') {
    if (raw.snapshot_progress !== undefined && !isSnapshotProgress(raw.snapshot_progress)) {
      throw new OffsetFormatError('"snapshot_progress" is malformed');
    }
    if (raw.snapshot_progress !== undefined) snapshot = { progress: raw.snapshot_progress as SnapshotProgress };
  }
  if (raw.table_positions !== undefined && !isTablePositions(raw.table_positions)) {
    throw new OffsetFormatError('"table_positions" is malformed');
  }
  // Debezium's own offsets have no snapshot_completed once streaming; an offset without "snapshot": true is a streaming offset.
  const incremental: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(INCREMENTAL_PREFIX) && typeof v === 'string') incremental[k] = v;
  const completed = raw.snapshot_completed === undefined ? snapshot === null : raw.snapshot_completed === true;
  return {
    position: { file, pos, gtids: typeof gtids === 'string' ? gtids : null, event, row },
    tsSec: isInt(raw.ts_sec) ? raw.ts_sec : 0,
    serverId: isInt(raw.server_id) ? raw.server_id : 0,
    snapshot,
    snapshotCompleted: completed,
    tablePositions: (raw.table_positions as TablePositions | undefined) ?? null,
    ...(Object.keys(incremental).length > 0 ? { incremental } : {}),
  };
}
