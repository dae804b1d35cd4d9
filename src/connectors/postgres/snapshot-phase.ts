/**
 * The snapshot phase: reads the captured tables with the shared snapshot engine (importing the slot's exported
 * snapshot when there is one) and sends `op: r` records whose offsets carry the engine's resumable progress.
 */
import type { ChangeRecord, SourceTaskContext } from '../../connect-api/index.js';
import type { Lsn } from '../../../binlog/postgres/index.js';
import type { SnapshotMarker } from '../../../schemas/index.js';
import { emptyProgress, runSnapshot, type SnapshotProgress, type SnapshotResult, type TableInfo } from '../../../snapshot/index.js';
import { snapshotReadEvent, sourceContext, sourceValue } from './change-events.js';
import type { PgConnectorSettings } from './config.js';
import { encodeOffset, sourcePartition } from './offsets.js';
import type { TableSchema } from './table-schema.js';
import type { TableResolver } from './tables.js';

const SEND_SLICE = 1000;

export interface SnapshotPhaseOptions {
  ctx: SourceTaskContext;
  settings: PgConnectorSettings;
  tables: readonly TableInfo[];
  resolver: TableResolver;
  /** The position the snapshot is consistent with (the slot's consistent point); streaming starts there. */
  consistentLsn: Lsn;
  exportedSnapshot: string | null;
  resumeFrom: SnapshotProgress | null;
  /** The snapshot's transaction id (source.txId of its events), as Debezium reports it; null if unknown. */
  txId?: number | null;
}

export async function runSnapshotPhase(o: SnapshotPhaseOptions): Promise<SnapshotResult> {
  const { ctx, settings } = o;
  const partition = sourcePartition(settings.topicPrefix);
  const startedUsec = Date.now() * 1000;
  const srcCtx = sourceContext(settings.topicPrefix, settings.connection.database, startedUsec, o.txId ?? null, null, 'true');
  const schemas = new Map<string, TableSchema>();

  if (o.resumeFrom === null) {
    // Before the first row goes out, commit that a snapshot consistent with this slot position is under way: if
    // the task dies after rows reached Kafka but before their progress was committed, the next run keeps the slot
    // and replays every change since (deletes of those rows included) instead of starting over with a new slot.
    await ctx.sink.commitOffset(partition, encodeOffset({
      lsn: o.consistentLsn, lsnProc: o.consistentLsn, lsnCommit: null, txId: null, tsUsec: startedUsec,
      snapshot: { lastRecord: false, progress: emptyProgress() },
    }));
  }

  return runSnapshot({
    dialect: 'postgres',
    connection: settings.connection,
    tables: o.tables,
    fetchSize: settings.snapshotFetchSize,
    maxThreads: settings.snapshotMaxThreads,
    resumeFrom: o.resumeFrom,
    exportedSnapshot: o.exportedSnapshot,
    valueFormat: 'text',
    signal: ctx.signal,
    logger: ctx.logger,
    onStats: (s) => ctx.reportProgress({ phase: 'snapshot', ...s }),
    async onChunk({ table, rows, info }) {
      let t = schemas.get(table.name);
      if (!t) {
        t = await o.resolver.forSnapshot(table);
        schemas.set(table.name, t);
      }
      const nowMs = Date.now();
      // Sent in slices: a chunk of wide rows converted at once would hold far more than the queue's byte bound.
      for (let from = 0; from < rows.length; from += SEND_SLICE) {
        const to = Math.min(rows.length, from + SEND_SLICE);
        const records: ChangeRecord[] = [];
        for (let i = from; i < to; i++) {
          let marker: SnapshotMarker = 'true';
          if (i === rows.length - 1 && info.lastInSnapshot) marker = 'last';
          else if (i === 0 && info.firstInSnapshot) marker = 'first';
          else if (i === 0 && info.firstInTable) marker = 'first_in_data_collection';
          else if (i === rows.length - 1 && info.lastInTable) marker = 'last_in_data_collection';
          snapshotReadEvent(records, t, rows[i]!, sourceValue(srcCtx, t, o.consistentLsn, marker), nowMs);
        }
        if (to === rows.length) {
          const last = records[records.length - 1]!;
          last.partition = partition;
          last.offset = encodeOffset({
            lsn: o.consistentLsn, lsnProc: o.consistentLsn, lsnCommit: null, txId: null, tsUsec: startedUsec,
            snapshot: { lastRecord: info.lastInSnapshot, progress: info.progress },
          });
        }
        await ctx.sink.send(records);
      }
    },
  });
}
