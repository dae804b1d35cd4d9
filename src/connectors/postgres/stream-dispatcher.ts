/**
 * Turns batches of pgoutput messages into change records and sends them in chunks, each chunk's last record
 * carrying the offset. Keeps the position: which transaction we are in, the flush position (end of the last
 * completely sent transaction, or a keepalive's WAL end between transactions), and what to skip after a
 * restart so that nothing is emitted twice by our own replay.
 */
import type { ChangeRecord, RecordSink } from '../../connect-api/index.js';
import type { Logger } from '../../logging/index.js';
import type { Lsn, Relation, StreamBatch, TupleValues } from '../../../binlog/postgres/index.js';
import {
  deleteEvents, heartbeatRecord, insertEvents, keySource, sourceContext, sourceValue, truncateEvent, updateEvents,
  type SourceContext,
} from './change-events.js';
import type { IncrementalStreamHooks } from './incremental.js';
import { encodeOffset, sourcePartition } from './offsets.js';
import type { TableResolver } from './tables.js';
import type { ChangeEmitter } from '../shared/change-emitter.js';

/** Where streaming resumes: the flush position plus, for a transaction cut short, its commit LSN and last event. */
export interface ResumePoint {
  flushLsn: Lsn;
  /** Commit LSN of a transaction whose events up to `lsn` were already emitted; null if none. */
  commitLsn: Lsn | null;
  lsn: Lsn;
}

export interface StreamDispatcherOptions {
  sink: RecordSink;
  tables: TableResolver;
  topicPrefix: string;
  database: string;
  emitter: ChangeEmitter;
  resume: ResumePoint;
  /** 0 disables heartbeat records. */
  heartbeatIntervalMs: number;
  heartbeatTopic: string;
  /** Records per `sink.send`; the last of each carries the offset. */
  chunkRecords?: number;
  logger: Logger;
  /** Clock (ms) for heartbeat intervals and event timestamps. */
  now?: () => number;
  /**
   * Ad-hoc snapshots (signal.data.collection set): signal-table inserts and changes of captured tables go to
   * these hooks, and chunk rows are emitted at their close watermark. The signal table's changes are never emitted.
   */
  incremental?: IncrementalStreamHooks | null;
}

export interface StreamDispatcher {
  handle(batch: StreamBatch): Promise<void>;
  /** The position after everything handed to the sink so far (where a reconnect resumes). */
  position(): ResumePoint;
  inTransaction(): boolean;
  /** Counters for progress reports. */
  stats(): { events: number; lastLsn: Lsn; flushLsn: Lsn };
}

interface Txn {
  finalLsn: Lsn;
  xid: number;
  ctx: SourceContext;
  skipAll: boolean;
  skipUpTo: Lsn | null;
}

/** Positions of the named columns in a relation's tuples (-1 when missing). */
function columnIndexes(rel: Relation, names: readonly string[]): number[] {
  return names.map((n) => rel.columns.findIndex((c) => c.name === n));
}

/** The values at `idx` as text, or null when one is missing (null, unchanged TOAST): the key is then unknown. */
function keyAt(values: TupleValues, idx: readonly number[]): string[] | null {
  const out: string[] = new Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]! >= 0 ? values[idx[i]!] : null;
    if (typeof v !== 'string') return null;
    out[i] = v;
  }
  return out;
}

export function createStreamDispatcher(o: StreamDispatcherOptions): StreamDispatcher {
  const partition = sourcePartition(o.topicPrefix);
  const inc = o.incremental ?? null;
  // Per Relation object (a new one comes with every Relation message): chunk-key and signal column positions.
  const keyIdx = new WeakMap<Relation, { columns: readonly string[]; idx: number[] } | null>();
  const signalIdx = new WeakMap<Relation, number[]>();
  const isSignal = (rel: Relation): boolean => inc !== null && rel.schema === inc.signalTable.schema && rel.table === inc.signalTable.table;

  /** Tells the ad-hoc snapshot which keys of a captured table this change touches (old and new). */
  function changed(rel: Relation, ...images: Array<TupleValues | null>): void {
    if (!inc) return;
    const name = `${rel.schema}.${rel.table}`;
    if (inc.activeTable() !== name) return;
    const columns = inc.keyColumns(name);
    let k = keyIdx.get(rel);
    if (k === undefined || (k !== null && k.columns !== columns)) {
      k = columns === null ? null : { columns, idx: columnIndexes(rel, columns) };
      keyIdx.set(rel, k);
    }
    if (k === null) return;
    for (const img of images) {
      if (img === null) continue;
      const key = keyAt(img, k.idx);
      if (key) inc.onChange(name, key);
    }
  }
  const chunkRecords = o.chunkRecords ?? 2000;
  let resume: ResumePoint | null = o.resume.commitLsn !== null && o.resume.commitLsn >= o.resume.flushLsn ? o.resume : null;
  let flushLsn = o.resume.flushLsn;
  let txn: Txn | null = null;
  let lastLsn = o.resume.lsn;
  let lastCommitLsn: Lsn | null = o.resume.commitLsn;
  let lastCommitEnd: Lsn | null = null;
  let lastTxId: number | null = null;
  let lastTsUsec = 0;
  let events = 0;
  const now = o.now ?? Date.now;
  let lastHeartbeat = now();
  let pending: ChangeRecord[] = [];
  const current = (): ResumePoint => ({
    flushLsn,
    commitLsn: txn !== null ? txn.finalLsn : null,
    lsn: txn !== null && lastCommitLsn === txn.finalLsn ? lastLsn : 0n,
  });
  // What position() answers: the position as of the last records handed to the sink (or the last whole batch),
  // never one past records still pending when a batch fails part-way, which a reconnect would skip.
  let handed: ResumePoint = resume ? { ...resume } : current();

  async function send(): Promise<void> {
    if (pending.length === 0) return;
    const last = pending[pending.length - 1]!;
    last.partition = partition;
    // The incremental context is read now, after every record it covers (a whole emitted chunk) is in `pending`.
    last.offset = encodeOffset({
      lsn: lastLsn, lsnProc: flushLsn, lsnCommit: lastCommitLsn, txId: lastTxId, tsUsec: lastTsUsec, snapshot: null,
      incremental: inc?.offsetFields() ?? null,
    });
    const chunk = pending;
    pending = [];
    await o.sink.send(chunk);
    handed = current();
  }

  return {
    async handle(batch) {
      const { messages, lsns } = batch;
      const nowMs = now();
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const lsn = lsns[i]!;
        switch (m.tag) {
          case 'begin': {
            o.emitter.transactions.drop();
            const skipAll = m.finalLsn < flushLsn;
            const skipUpTo = resume !== null && m.finalLsn === resume.commitLsn ? resume.lsn : null;
            // source.sequence starts with the end of the last commit seen (null for the first), as Debezium's does
            txn = { finalLsn: m.finalLsn, xid: m.xid, ctx: sourceContext(o.topicPrefix, o.database, m.commitTimeMicros, m.xid, lastCommitEnd, 'false'), skipAll, skipUpTo };
            break;
          }
          case 'commit':
            // Debezium names the END by the commit's end LSN, the BEGIN by the first event's LSN
            if (txn && o.emitter.transactions.open) o.emitter.transactions.end(pending, undefined, `${txn.xid}:${m.endLsn}`);
            if (txn && !txn.skipAll && m.endLsn > flushLsn) flushLsn = m.endLsn;
            lastCommitEnd = m.endLsn;
            if (resume !== null && txn?.finalLsn === resume.commitLsn) resume = null;
            txn = null;
            break;
          case 'relation':
            if (isSignal(m.relation)) break;
            if ((await o.tables.forRelation(m.relation)) !== null) await inc?.onRelation(m.relation);
            break;
          case 'insert':
          case 'update':
          case 'delete':
          case 'truncate': {
            if (!txn || txn.skipAll || (txn.skipUpTo !== null && lsn <= txn.skipUpTo)) break;
            const before = pending.length;
            // Debezium's PostgreSQL transaction ids are `txId:lsn`: BEGIN's the first change's, each event its own
            if (!o.emitter.transactions.open && !(m.tag !== 'truncate' && isSignal(m.relation))) {
              o.emitter.transactions.start(`${txn.xid}:${lsn}`, Math.floor(txn.ctx.tsMicros / 1000));
            }
            o.emitter.transactions.at(`${txn.xid}:${lsn}`);
            if (m.tag === 'truncate') {
              for (const rel of m.relations) {
                const t = o.tables.byOid(rel.oid) ?? (o.tables.byOid(rel.oid) === null ? null : await o.tables.forRelation(rel));
                if (t) inc?.onTruncate(`${rel.schema}.${rel.table}`);
                if (t) truncateEvent(pending, t, sourceValue(txn.ctx, t, lsn), nowMs, o.emitter);
              }
            } else if (isSignal(m.relation)) {
              // Signals and watermarks: only inserts mean something; nothing of this table is emitted.
              if (m.tag !== 'insert') break;
              let idx = signalIdx.get(m.relation);
              if (!idx) signalIdx.set(m.relation, (idx = columnIndexes(m.relation, ['id', 'type', 'data'])));
              const [id, type, data] = idx.map((i) => (i >= 0 && typeof m.after[i] === 'string' ? m.after[i] as string : null));
              if (id === null || type === null) break;
              await inc!.onSignalRow(id, type, data);
              if (type !== 'snapshot-window-close') break;
              const ctx = sourceContext(o.topicPrefix, o.database, txn.ctx.tsMicros, txn.xid, lastCommitEnd, 'incremental');
              const rows = await inc!.takeRecords((t) => sourceValue(ctx, t, lsn), nowMs);
              for (const r of rows) pending.push(r);
            } else {
              let t = o.tables.byOid(m.relation.oid);
              if (t === undefined) t = await o.tables.forRelation(m.relation);
              if (t === null) break;
              if (m.tag === 'delete') changed(m.relation, m.before);
              else if (m.tag === 'update') changed(m.relation, m.before, keySource(m.after, m.before));
              else changed(m.relation, m.after);
              const src = sourceValue(txn.ctx, t, lsn);
              if (m.tag === 'insert') insertEvents(pending, t, m, src, nowMs, o.emitter);
              else if (m.tag === 'update') updateEvents(pending, t, m, src, nowMs, o.emitter);
              else deleteEvents(pending, t, m, src, nowMs, o.emitter);
            }
            if (pending.length > before) {
              events++;
              lastLsn = lsn;
              lastCommitLsn = txn.finalLsn;
              lastTxId = txn.xid;
              lastTsUsec = txn.ctx.tsMicros;
            }
            break;
          }
          case 'keepalive':
            // Between transactions everything before the server's WAL end has been received (and handed on).
            if (txn === null && m.walEnd > flushLsn) flushLsn = m.walEnd;
            if (txn === null && o.heartbeatIntervalMs > 0 && nowMs - lastHeartbeat >= o.heartbeatIntervalMs) {
              lastHeartbeat = nowMs;
              lastLsn = flushLsn;
              lastCommitLsn = null;
              pending.push(heartbeatRecord(o.heartbeatTopic, o.topicPrefix, nowMs));
            }
            break;
          default:
            break; // type, origin and logical messages carry nothing we emit
        }
        if (pending.length >= chunkRecords) await send();
      }
      await send();
      handed = current();
    },
    position: () => handed,
    inTransaction: () => txn !== null,
    stats: () => ({ events, lastLsn, flushLsn }),
  };
}

