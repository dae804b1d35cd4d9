/**
 * Turns batches of pgoutput messages into change records and sends them in chunks, each chunk's last record
 * carrying the offset. Keeps the position: which transaction we are in, the flush position (end of the last
 * completely sent transaction, or a keepalive's WAL end between transactions), and what to skip after a
 * restart so that nothing is emitted twice by our own replay.
 */
import type { ChangeRecord, RecordSink } from '../../connect/index.js';
import type { Logger } from '../../logging/index.js';
import type { Lsn, StreamBatch } from '../../../binlog/postgres/index.js';
import {
  deleteEvents, heartbeatRecord, insertEvents, sourceContext, sourceValue, truncateEvent, updateEvents,
  type EventOptions, type SourceContext,
} from './change-events.js';
import { encodeOffset, sourcePartition } from './offsets.js';
import type { TableResolver } from './tables.js';

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
  events: EventOptions;
  resume: ResumePoint;
  /** 0 disables heartbeat records. */
  heartbeatIntervalMs: number;
  heartbeatTopic: string;
  /** Records per `sink.send`; the last of each carries the offset. */
  chunkRecords?: number;
  logger: Logger;
  /** Clock (ms) for heartbeat intervals and event timestamps. */
  now?: () => number;
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

export function createStreamDispatcher(o: StreamDispatcherOptions): StreamDispatcher {
  const partition = sourcePartition(o.topicPrefix);
  const chunkRecords = o.chunkRecords ?? 2000;
  let resume: ResumePoint | null = o.resume.commitLsn !== null && o.resume.commitLsn >= o.resume.flushLsn ? o.resume : null;
  let flushLsn = o.resume.flushLsn;
  let txn: Txn | null = null;
  let lastLsn = o.resume.lsn;
  let lastCommitLsn: Lsn | null = o.resume.commitLsn;
  let lastTxId: number | null = null;
  let lastTsUsec = 0;
  let events = 0;
  const now = o.now ?? Date.now;
  let lastHeartbeat = now();
  let pending: ChangeRecord[] = [];

  async function send(): Promise<void> {
    if (pending.length === 0) return;
    const last = pending[pending.length - 1]!;
    last.partition = partition;
    last.offset = encodeOffset({
      lsn: lastLsn, lsnProc: flushLsn, lsnCommit: lastCommitLsn, txId: lastTxId, tsUsec: lastTsUsec, snapshot: null,
    });
    const chunk = pending;
    pending = [];
    await o.sink.send(chunk);
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
            const skipAll = m.finalLsn < flushLsn;
            const skipUpTo = resume !== null && m.finalLsn === resume.commitLsn ? resume.lsn : null;
            txn = { finalLsn: m.finalLsn, xid: m.xid, ctx: sourceContext(o.topicPrefix, o.database, m.commitTimeMicros, m.xid, m.finalLsn, 'false'), skipAll, skipUpTo };
            break;
          }
          case 'commit':
            if (txn && !txn.skipAll && m.endLsn > flushLsn) flushLsn = m.endLsn;
            if (resume !== null && txn?.finalLsn === resume.commitLsn) resume = null;
            txn = null;
            break;
          case 'relation':
            await o.tables.forRelation(m.relation);
            break;
          case 'insert':
          case 'update':
          case 'delete':
          case 'truncate': {
            if (!txn || txn.skipAll || (txn.skipUpTo !== null && lsn <= txn.skipUpTo)) break;
            const before = pending.length;
            if (m.tag === 'truncate') {
              for (const rel of m.relations) {
                const t = o.tables.byOid(rel.oid) ?? (o.tables.byOid(rel.oid) === null ? null : await o.tables.forRelation(rel));
                if (t) truncateEvent(pending, t, sourceValue(txn.ctx, t, lsn), nowMs, o.events);
              }
            } else {
              let t = o.tables.byOid(m.relation.oid);
              if (t === undefined) t = await o.tables.forRelation(m.relation);
              if (t === null) break;
              const src = sourceValue(txn.ctx, t, lsn);
              if (m.tag === 'insert') insertEvents(pending, t, m, src, nowMs, o.events);
              else if (m.tag === 'update') updateEvents(pending, t, m, src, nowMs, o.events);
              else deleteEvents(pending, t, m, src, nowMs, o.events);
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
    },
    position: () => ({
      flushLsn,
      commitLsn: txn !== null ? txn.finalLsn : null,
      lsn: txn !== null && lastCommitLsn === txn.finalLsn ? lastLsn : 0n,
    }),
    inTransaction: () => txn !== null,
    stats: () => ({ events, lastLsn, flushLsn }),
  };
}
