/**
 * THE dispatcher of binlog changes: turns each delivered batch of binlog items into ChangeRecords (envelope,
 * key, tombstone after delete, primary-key changes as delete + create, skipped operations) and sends them with
 * one `sink.send` per batch. It tracks the offset after the last item, which the last record of each batch
 * carries, as do heartbeats.
 *
 * With an ad-hoc snapshot configured (`incremental`): inserts into the signal table are handed to the snapshotter
 * (never emitted), every row change of the table being re-read is reported to its window, and at a chunk's close
 * watermark the chunk's rows are emitted right there, in stream order, as `op: r` (`source.snapshot` incremental).
 * Offsets carry the snapshotter's context.
 */
import type { ChangeRecord, RecordSink } from '../../connect-api/index.js';
import { CdcError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { compareBinlogPositions } from '../../../snapshot/index.js';
import type { BinlogItem, BinlogResumePosition, BinlogTransaction, DdlStatement } from '../../../binlog/mysql/index.js';
import type { MySqlSettings } from './config.js';
import type { MySqlChunkRow, MySqlIncremental } from './incremental.js';
import { encodeOffset, type TablePositions } from './offsets.js';
import type { RecordFactory, TableEvents } from './change-events.js';
import { tableChanges } from './schema-changes.js';
import type { TableRegistry } from './tables.js';

export interface StreamDispatcherOptions {
  settings: MySqlSettings;
  factory: RecordFactory;
  registry: TableRegistry;
  sink: RecordSink;
  logger: Logger;
  start: BinlogResumePosition;
  /** Per table, the binlog position its snapshot was read at: earlier events are already in the snapshot. */
  tablePositions: TablePositions | null;
  incremental?: MySqlIncremental | null;
}

export interface StreamDispatcher {
  deliver(items: BinlogItem[]): Promise<void>;
  /** Where streaming would resume: after the last item handed to the sink. */
  position(): BinlogResumePosition;
  /** Sends a heartbeat carrying the current offset, serialised with deliveries. */
  heartbeat(): Promise<void>;
  /** Rows turned into records so far. */
  readonly rows: number;
}

/** A row that could not be converted; the message names the table and position, never the values. */
export class RowConversionError extends CdcError {
  constructor(table: string, tx: BinlogTransaction, cause: unknown) {
    super('ROW_CONVERSION_FAILED',
      `Could not convert a row of ${table} (binlog ${tx.file}:${tx.pos}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { retriable: false, cause, fix: 'Report the column types of the table; set event.processing.failure.handling.mode=warn to skip such rows.' });
  }
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export function createStreamDispatcher(o: StreamDispatcherOptions): StreamDispatcher {
  const { settings, factory, registry, sink, logger } = o;
  const emitter = factory.emitter;
  const transactions = emitter.transactions;
  let openTx: BinlogTransaction | null = null;
  /** Transaction metadata follows the binlog's transactions: GTID as the id, else file:pos of its start. */
  const enter = (tx: BinlogTransaction): void => {
    if (openTx === tx) return;
    openTx = tx;
    transactions.start(tx.gtid ?? `${tx.file}:${tx.pos}`, tx.tsSec * 1000);
  };
  let position: BinlogResumePosition = { ...o.start };
  let tsSec = 0;
  let serverId = 0;
  let tablePositions = o.tablePositions && Object.keys(o.tablePositions).length > 0 ? o.tablePositions : null;
  const lastTablePosition = tablePositions
    ? Object.values(tablePositions).reduce((a, b) => (compareBinlogPositions(a, b) >= 0 ? a : b))
    : null;
  let chain: Promise<void> = Promise.resolve();
  let rows = 0;
  const inc = o.incremental ?? null;
  const sourceSignals = settings.signals.channels.has('source');

  const offsetNow = () => encodeOffset({
    position, tsSec, serverId, snapshot: null, snapshotCompleted: true, tablePositions,
    incremental: inc?.snapshotter.offsetFields(),
  });

  function serialise(fn: () => Promise<void>): Promise<void> {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  }

  /** True when the table's snapshot already contains this transaction's changes. */
  function inSnapshot(database: string, table: string, tx: BinlogTransaction): boolean {
    if (!tablePositions) return false;
    const p = tablePositions[`${database}.${table}`];
    return p !== undefined && compareBinlogPositions(tx, p) < 0;
  }

  function failure(table: string, tx: BinlogTransaction, err: unknown): void {
    if (settings.failureHandling === 'fail') throw new RowConversionError(table, tx, err);
    if (settings.failureHandling === 'warn') {
      logger.warn({ table, file: tx.file, pos: tx.pos, err: err instanceof Error ? err.message : String(err) }, 'skipping a row that could not be converted');
    }
  }

  function rowRecords(out: ChangeRecord[], t: TableEvents, item: Extract<BinlogItem, { kind: 'rows' }>, nowMs: number): void {
    const { tx, table } = item;
    const codec = t.codec;
    const watched = inc?.watched(table.database, table.table) ?? null;
    const watchedName = `${table.database}.${table.table}`;
    for (let i = item.firstRow; i < item.rows.length; i++) {
      let before: Record<string, unknown> | null = null;
      let after: Record<string, unknown> | null = null;
      try {
        const raw = item.rows[i] as Record<string, unknown>;
        if (item.op === 'u') {
          const pair = raw as unknown as { before: Record<string, unknown>; after: Record<string, unknown> };
          before = codec.fromObject(pair.before);
          after = codec.fromObject(pair.after);
        } else if (item.op === 'c') after = codec.fromObject(raw);
        else before = codec.fromObject(raw);
      } catch (err) {
        failure(codec.topic, tx, err);
        continue;
      }
      if (watched) {
        // Old and new key: either one may be a row of the chunk in flight
        if (before) inc!.snapshotter.onChange(watchedName, watched.map((k) => before![k]));
        if (after) inc!.snapshotter.onChange(watchedName, watched.map((k) => after![k]));
      }
      const source = factory.source({
        tsMs: tx.tsSec * 1000, snapshot: 'false', db: table.database, table: table.table, serverId: tx.serverId,
        gtid: tx.gtid, file: tx.file, pos: item.pos, row: i, thread: tx.thread,
      });
      if (item.op === 'u') emitter.update(out, t, codec.key(before!), codec.key(after!), before, after!, source, nowMs);
      else if (item.op === 'c') emitter.create(out, t, codec.key(after!), after!, source, nowMs);
      else emitter.delete(out, t, codec.key(before!), before!, source, nowMs);
    }
    rows += item.rows.length - item.firstRow;
  }

  /** Inserts into the signal table: watermarks and (channel "source") commands; a closed chunk is emitted here. */
  function signalRows(out: ChangeRecord[], item: Extract<BinlogItem, { kind: 'rows' }>, nowMs: number): void {
    if (item.op !== 'c' || !inc) return;
    for (let i = item.firstRow; i < item.rows.length; i++) {
      const raw = item.rows[i] as Record<string, unknown>;
      const type = text(raw.type) ?? '';
      if (!type.startsWith('snapshot-window-') && !sourceSignals) continue;
      inc.snapshotter.onSignalRow(text(raw.id) ?? '', type, text(raw.data));
      const emit = inc.snapshotter.takeEmit();
      if (emit && emit.rows.length > 0) chunkRecords(out, emit.rows, item.tx, nowMs);
    }
  }

  function chunkRecords(out: ChangeRecord[], chunk: MySqlChunkRow[], tx: BinlogTransaction, nowMs: number): void {
    const info = chunk[0]!.info;
    const t = factory.tableEvents(registry.forInfo(info));
    const source = factory.source({
      tsMs: nowMs, snapshot: 'incremental', db: info.id.schema, table: info.id.table, serverId: tx.serverId,
      gtid: null, file: tx.file, pos: tx.pos, row: 0, thread: null,
    });
    for (const r of chunk) emitter.read(out, t, t.codec.key(r.value), r.value, source, nowMs);
  }

  async function ddlRecords(out: ChangeRecord[], item: Extract<BinlogItem, { kind: 'ddl' }>, nowMs: number): Promise<void> {
    const st: DdlStatement = item.statement;
    const current = await registry.refresh(st.tables);
    if (!settings.includeSchemaChanges) return;
    const captured = st.kind === 'DATABASE'
      ? st.database !== null && registry.filters.includeDatabase(st.database)
      : st.tables.some((t) => registry.includeTable(t.database, t.table));
    if (!captured || st.kind === 'TRUNCATE') return;
    const database = st.database ?? st.tables[0]?.database ?? item.database;
    const source = factory.source({
      tsMs: item.tx.tsSec * 1000, snapshot: 'false', db: database, table: st.tables.map((t) => t.table).join(',') || null,
      serverId: item.tx.serverId, gtid: item.tx.gtid, file: item.tx.file, pos: item.pos, row: 0, thread: item.tx.thread,
    });
    // A DDL statement is its own transaction, never committed by an XID: Debezium writes its BEGIN, no END.
    enter(item.tx);
    transactions.touch(out);
    out.push(factory.schemaChange(source, database, item.sql, tableChanges(st, current, registry), nowMs));
    transactions.drop();
    openTx = null;
  }

  async function deliver(items: BinlogItem[]): Promise<void> {
    const out: ChangeRecord[] = [];
    const nowMs = Date.now();
    for (const item of items) {
      const tx = item.tx;
      switch (item.kind) {
        case 'rows': {
          const { database, table } = item.table;
          if (inc?.isSignalTable(database, table)) signalRows(out, item, nowMs);
          else if (!inSnapshot(database, table, tx)) {
            const resolved = registry.forWire(item.table);
            const codec = resolved instanceof Promise ? await resolved : resolved;
            enter(tx);
            rowRecords(out, factory.tableEvents(codec), item, nowMs);
          }
          position = { file: tx.file, pos: tx.pos, gtids: tx.gtidsBefore, event: item.event, row: item.rows.length };
          break;
        }
        case 'ddl':
          await ddlRecords(out, item, nowMs);
          position = item.after;
          break;
        case 'commit':
          if (openTx === tx) transactions.end(out);
          openTx = null;
          position = item.after;
          break;
      }
      tsSec = tx.tsSec;
      serverId = tx.serverId || serverId;
    }
    if (lastTablePosition && compareBinlogPositions({ file: position.file, pos: position.pos, gtid: null }, lastTablePosition) >= 0) tablePositions = null;
    if (out.length === 0) return;
    out[out.length - 1] = { ...out[out.length - 1]!, offset: offsetNow() };
    await sink.send(out);
  }

  /**
   * A batch counts only once its records are handed to the sink: if it fails part-way (a table definition that
   * could not be loaded, a re-read after DDL, the sink), position and counters go back to where they were, so a
   * reconnect from `position()` re-reads the batch instead of skipping the transactions it held.
   */
  async function deliverWhole(items: BinlogItem[]): Promise<void> {
    const before = { position, tsSec, serverId, tablePositions, rows };
    try {
      await deliver(items);
    } catch (err) {
      ({ position, tsSec, serverId, tablePositions, rows } = before);
      // Re-read from `position`, the transaction starts over in the metadata too
      transactions.drop();
      openTx = null;
      throw err;
    }
  }

  return {
    deliver: (items) => serialise(() => deliverWhole(items)),
    position: () => position,
    heartbeat: () => serialise(() => sink.send([factory.heartbeat(Date.now(), offsetNow())])),
    get rows() { return rows; },
  };
}
