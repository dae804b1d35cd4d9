/**
 * The snapshot phase: runs the shared snapshot engine and turns its chunks into `op: r` records. The last
 * record of each chunk carries the chunk's progress in its offset, so an interrupted snapshot resumes after
 * the last committed chunk; the last record of the snapshot carries the offset streaming starts from.
 */
import type { ChangeRecord, SourceTaskContext } from '../../connect-api/index.js';
import { ConfigError } from '../../errors/index.js';
import {
  discoverTables, emptyProgress, minBinlogPosition, runSnapshot, type SnapshotChunk, type SnapshotProgress, type TableInfo,
} from '../../../snapshot/index.js';
import type { SnapshotMarker } from '../../../schemas/index.js';
import type { MySqlSettings } from './config.js';
import { encodeOffset, sourcePartition, type TablePositions } from './offsets.js';
import type { RecordFactory } from './change-events.js';
import { withServer, type MasterPosition, type Flavour } from './server.js';
import { snapshotSchemaEvents } from './schema-changes.js';
import type { TableRegistry } from './tables.js';

export interface SnapshotPhaseResult {
  completed: boolean;
  /** Where streaming starts: the earliest table position (the server position before the snapshot when no table). */
  start: MasterPosition;
  tablePositions: TablePositions;
}

export interface SnapshotPhaseOptions {
  ctx: SourceTaskContext;
  settings: MySqlSettings;
  flavour: Flavour;
  registry: TableRegistry;
  factory: RecordFactory;
  resumeFrom: SnapshotProgress | null;
  /** The server's position before the snapshot: the start when no table is captured. */
  before: MasterPosition;
}

const SEND_SLICE = 1000;

const SPATIAL = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

function marker(chunk: SnapshotChunk, i: number, n: number): SnapshotMarker {
  const { info } = chunk;
  const last = i === n - 1;
  if (last && info.lastInSnapshot) return 'last';
  if (i === 0 && info.firstInSnapshot) return 'first';
  if (i === 0 && info.firstInTable) return 'first_in_data_collection';
  if (last && info.lastInTable) return 'last_in_data_collection';
  return 'true';
}

export async function runSnapshotPhase(o: SnapshotPhaseOptions): Promise<SnapshotPhaseResult> {
  const { ctx, settings, registry, factory } = o;
  const tables: TableInfo[] = await discoverTables({ dialect: o.flavour, connection: { ...settings.connection }, filters: settings.filters, logger: ctx.logger });
  // mysql2 parses spatial values into {x, y} objects, dropping the SRID and WKB Debezium reports: read their bytes.
  // Only then, as a typeCast hook costs on every value.
  const spatial = tables.some((t) => t.columns.some((c) => SPATIAL.has(c.nativeType)));
  const connection = { ...settings.connection, rawGeometry: spatial };
  registry.seed(tables);
  ctx.logger.info({ tables: tables.map((t) => t.name), resume: o.resumeFrom !== null }, 'snapshot starting');
  for (const t of tables) {
    if (t.columns.length === 0) throw new ConfigError(`The column filters leave no column of table ${t.name}.`, 'column.include.list');
  }

  let resumeFrom = o.resumeFrom;
  if (resumeFrom === null) {
    // Before the first row goes out, commit where this snapshot starts: if the task dies after rows reached
    // Kafka but before their progress was committed, the next run resumes from here and streams every change
    // since, deletes of those rows included (see SnapshotProgress.floor).
    resumeFrom = { ...emptyProgress(), floor: { file: o.before.file, pos: o.before.pos, gtid: o.before.gtids } };
    await ctx.sink.commitOffset(sourcePartition(settings.topicPrefix), encodeOffset({
      position: { file: o.before.file, pos: o.before.pos, gtids: o.before.gtids, event: 0, row: 0 },
      tsSec: Math.floor(Date.now() / 1000), serverId: 0, snapshot: { progress: resumeFrom }, snapshotCompleted: false,
      tablePositions: null,
    }));
    if (ctx.signal.aborted) return { completed: false, start: o.before, tablePositions: {} };
    if (settings.includeSchemaChanges) {
      await ctx.sink.send(await withServer(settings.connection, 'reading table definitions', (q) => snapshotSchemaEvents(q, tables, factory, o.before)));
    }
    // This run itself is fresh: tables keep their own positions (no replay from the floor without a crash).
    resumeFrom = null;
  }

  const startOf = (progress: SnapshotProgress): MasterPosition => {
    const min = minBinlogPosition(progress.positions);
    return min ? { file: min.file, pos: min.pos, gtids: min.gtid } : o.before;
  };

  const result = await runSnapshot({
    dialect: o.flavour,
    connection,
    tables,
    fetchSize: settings.snapshotFetchSize,
    maxThreads: settings.snapshotMaxThreads,
    resumeFrom,
    signal: ctx.signal,
    logger: ctx.logger,
    onStats: (s) => ctx.reportProgress({ phase: 'snapshot', ...s }),
    async onChunk(chunk) {
      const { table, rows, info } = chunk;
      if (rows.length === 0) return;
      const t = factory.tableEvents(registry.forInfo(table));
      const nowMs = Date.now();
      const pos = info.position ?? o.before;
      const out: ChangeRecord[] = [];
      for (let i = 0; i < rows.length; i++) {
        let value: Record<string, unknown>;
        try {
          value = t.codec.fromArray(rows[i]!);
        } catch (err) {
          if (settings.failureHandling === 'fail') throw err;
          if (settings.failureHandling === 'warn') ctx.logger.warn({ table: table.name, err: String(err) }, 'skipping a snapshot row that could not be converted');
          continue;
        }
        const source = factory.source({
          tsMs: nowMs, snapshot: marker(chunk, i, rows.length), db: table.id.schema, table: table.id.table, serverId: 0,
          gtid: null, file: pos.file, pos: pos.pos, row: 0, thread: null,
        });
        factory.emitter.read(out, t, t.codec.key(value), value, source, nowMs);
      }
      if (out.length === 0) return;
      const start = startOf(info.progress);
      const offset = info.lastInSnapshot
        ? encodeOffset({
          position: { file: start.file, pos: start.pos, gtids: start.gtids, event: 0, row: 0 },
          tsSec: Math.floor(nowMs / 1000), serverId: 0, snapshot: null, snapshotCompleted: true,
          tablePositions: info.progress.positions,
        })
        : encodeOffset({
          position: { file: start.file, pos: start.pos, gtids: start.gtids, event: 0, row: 0 },
          tsSec: Math.floor(nowMs / 1000), serverId: 0, snapshot: { progress: info.progress }, snapshotCompleted: false,
          tablePositions: null,
        });
      out[out.length - 1] = { ...out[out.length - 1]!, offset };
      // Sent in slices so the queue's byte bound applies within a chunk too (a 10k-row chunk of wide rows is tens of MB).
      if (out.length <= SEND_SLICE) await ctx.sink.send(out);
      else for (let from = 0; from < out.length; from += SEND_SLICE) await ctx.sink.send(out.slice(from, from + SEND_SLICE));
    },
  });
  ctx.logger.info({ completed: result.completed, rows: result.progress.rowsDone }, 'snapshot finished');
  return { completed: result.completed, start: startOf(result.progress), tablePositions: result.progress.positions };
}
