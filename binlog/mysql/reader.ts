/**
 * Reads the binlog from a stored position and delivers transactions as batches of items, in order.
 *
 *  - Transaction-aware positions: every item knows the start of its transaction, and how many row events of
 *    it came before, so the consumer can store offsets from which a restart resumes mid-transaction without
 *    loss and skips what was already delivered (Debezium's `event`/`row`).
 *  - Backpressure: `deliver` is called with one batch of about `maxBatchRows` rows at a time; while it runs,
 *    new events queue up to `maxQueueRows`/`maxQueueBytes`, then the socket is paused until the consumer catches
 *    up. A batch never holds the whole queue: the consumer converts and queues each batch for Kafka before the
 *    next, so memory stays bounded by one queue of rows plus the producer's queue, not two.
 *  - No await per row: items are row EVENTS (many rows each), batched per delivery.
 */
import type { Logger } from '../../src/logging/index.js';
import { parseDdl } from './ddl.js';
import { translateMysqlError } from './errors.js';
import type { BinlogItem, BinlogResumePosition, BinlogTransaction } from './types.js';
import {
  createGtidTracker, startWireStream, type BinlogConnectionConfig, type GtidTracker, type StartPoint, type WireEvent,
  type WireStream, type WireStreamOptions,
} from './zongji-adapter.js';

export interface BinlogReaderOptions {
  connection: BinlogConnectionConfig;
  /** The replica id this reader announces (`database.server.id`). */
  serverId: number;
  start: BinlogResumePosition;
  /** Resume by GTID (MariaDB/MySQL GTIDs) or by file and position. GTID needs `start.gtids`. */
  resumeBy: 'gtid' | 'position';
  includeTable(database: string, table: string): boolean;
  /** Receives batches in binlog order; the next batch is only delivered after this one resolved. */
  deliver(items: BinlogItem[]): Promise<void>;
  /** Deliver once this many rows are pending, even mid-transaction (`max.batch.size`). */
  maxBatchRows?: number;
  /** Pause reading beyond this many pending rows (`max.queue.size`) ... */
  maxQueueRows?: number;
  /** ... or this many pending bytes of row events (`max.queue.size.in.bytes`). */
  maxQueueBytes?: number;
  /** Longest time rows of an unfinished transaction wait before being delivered (`poll.interval.ms`). */
  pollIntervalMs?: number;
  /** The binlog connection; zongji's by default (tests pass a scripted one). */
  openStream?: (options: WireStreamOptions) => WireStream;
  logger: Logger;
}

export interface BinlogReader {
  /** Settles when the reader stops: resolves after `stop()`, rejects with a CdcError on failure. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  /** Whether the socket is paused for backpressure (for tests and status). */
  readonly paused: boolean;
}

const TX_BEGIN = /^\s*BEGIN\s*$/i;
const TX_END = /^\s*(COMMIT|ROLLBACK)\s*$/i;

export function startBinlogReader(o: BinlogReaderOptions): BinlogReader {
  const maxBatchRows = o.maxBatchRows ?? 2048;
  const maxQueueRows = Math.max(o.maxQueueRows ?? 8192, maxBatchRows);
  const maxQueueBytes = o.maxQueueBytes ?? 32 * 1024 * 1024;
  const pollIntervalMs = o.pollIntervalMs ?? 500;
  let pollTimer: NodeJS.Timeout | null = null;
  const ctx = { host: o.connection.host, port: o.connection.port, user: o.connection.user, tls: o.connection.tls, action: 'reading the binlog' };

  let file = o.start.file;
  let safePos = o.start.pos;
  let tracker: GtidTracker | null = null;
  let tx: BinlogTransaction | null = null;
  let txOpen = false;
  let rowEvent = 0;
  // The transaction the start position points into: skip what was delivered before the restart
  let skip: { event: number; row: number } | null = o.start.event > 0 || o.start.row > 0 ? { event: o.start.event, row: o.start.row } : null;

  let pending: BinlogItem[] = [];
  /** Rows and binlog bytes of each pending item, in step with `pending`. */
  let pendingSizes: number[] = [];
  let pendingRows = 0;
  let pendingBytes = 0;
  let delivering = false;
  let paused = false;
  let stopped = false;
  let failure: unknown = null;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  done.catch(() => undefined);

  const gtidsNow = () => (tracker ? tracker.toString() : o.start.gtids === null ? null : o.start.gtids);

  function ensureTracker(gtid: string) {
    if (tracker || o.start.gtids === null) return;
    try {
      tracker = createGtidTracker(!gtid.includes(':'), o.start.gtids);
    } catch (e) {
      o.logger.warn({ err: e }, 'stored GTID set could not be parsed; offsets will carry no gtids');
    }
  }

  function beginGroup(gtid: string | null, startPos: number, ts: number, thread: number | null) {
    if (gtid) ensureTracker(gtid);
    const server = gtid && !gtid.includes(':') ? Number(gtid.split('-')[1]) : 0;
    tx = { file, pos: startPos > 0 ? startPos : safePos, gtid, gtidsBefore: gtidsNow(), tsSec: Math.floor(ts / 1000), serverId: server || 0, thread };
    rowEvent = 0;
  }

  function endGroup(nextPos: number): BinlogResumePosition {
    if (tx?.gtid && tracker) tracker.add(tx.gtid);
    if (nextPos > 0) safePos = nextPos;
    txOpen = false;
    skip = null;
    return { file, pos: safePos, gtids: gtidsNow(), event: 0, row: 0 };
  }

  function push(item: BinlogItem, rows: number, bytes: number) {
    pending.push(item);
    pendingSizes.push(rows, bytes);
    pendingRows += rows;
    pendingBytes += bytes;
  }

  function onEvent(e: WireEvent) {
    if (stopped || failure) return;
    switch (e.type) {
      case 'rotate':
        file = e.file;
        safePos = e.pos;
        return;
      case 'gtid':
        beginGroup(e.gtid, e.startPos, e.ts, e.thread);
        // A MariaDB GTID event of a transaction replaces BEGIN; standalone groups hold one statement
        txOpen = !e.standalone && e.gtid !== null && !e.gtid.includes(':');
        return;
      case 'query': {
        if (TX_BEGIN.test(e.query)) {
          if (!tx || !txOpen) { if (!tx) beginGroup(null, 0, e.ts, e.thread); txOpen = true; }
          if (tx && tx.thread === null) tx.thread = e.thread;
          return;
        }
        if (!tx) beginGroup(null, 0, e.ts, e.thread);
        const current = tx!;
        if (TX_END.test(e.query)) {
          push({ kind: 'commit', tx: current, after: endGroup(e.nextPos) }, 0, 0);
          tx = null;
          break;
        }
        // Any other statement is its own group (DDL is never inside a transaction)
        const statement = e.errorCode === 0 ? parseDdl(e.query, e.database) : null;
        const after = endGroup(e.nextPos);
        push(statement
          ? { kind: 'ddl', statement, sql: e.query, database: e.database, tx: current, after, pos: e.pos }
          : { kind: 'commit', tx: current, after }, 0, 0);
        tx = null;
        break;
      }
      case 'tablemap':
        if (!tx) { beginGroup(null, 0, Date.now(), null); txOpen = true; }
        return;
      case 'rows': {
        if (!tx) { beginGroup(null, 0, e.ts, null); txOpen = true; }
        const index = rowEvent++;
        let firstRow = 0;
        if (skip) {
          if (index < skip.event) return;
          if (index === skip.event) firstRow = Math.min(skip.row, e.rows.length);
        }
        if (firstRow >= e.rows.length) return;
        push({ kind: 'rows', op: e.op, table: e.table, rows: e.rows, firstRow, event: index, tx: tx!, pos: e.pos }, e.rows.length - firstRow, e.bytes);
        break;
      }
      case 'xid': {
        if (!tx) return;
        push({ kind: 'commit', tx, after: endGroup(e.nextPos) }, 0, 0);
        tx = null;
        break;
      }
      case 'other':
        if (!txOpen && e.nextPos > 0 && !tx) safePos = e.nextPos;
        return;
    }
    // Deliver at transaction ends when idle (low latency) and when a batch is full (bounded memory)
    if (!delivering && (pendingRows >= maxBatchRows || pending[pending.length - 1]!.kind !== 'rows')) pump();
    else if (!delivering && pollTimer === null) pollTimer = setTimeout(() => { pollTimer = null; pump(); }, pollIntervalMs);
    else if (delivering && !paused && (pendingRows >= maxQueueRows || pendingBytes >= maxQueueBytes)) {
      paused = true;
      stream.pause();
    }
  }

  function pump() {
    if (pollTimer !== null) { clearTimeout(pollTimer); pollTimer = null; }
    if (delivering || pending.length === 0 || failure || stopped) return;
    // Whole items (a row event holds a few dozen rows at most) until the batch has maxBatchRows rows
    let take = 0;
    let rows = 0;
    let bytes = 0;
    while (take < pending.length && rows < maxBatchRows) {
      rows += pendingSizes[2 * take]!;
      bytes += pendingSizes[2 * take + 1]!;
      take++;
    }
    const batch = take === pending.length ? pending : pending.slice(0, take);
    pending = take === pending.length ? [] : pending.slice(take);
    pendingSizes = take === pendingSizes.length / 2 ? [] : pendingSizes.slice(2 * take);
    pendingRows -= rows;
    pendingBytes -= bytes;
    delivering = true;
    o.deliver(batch).then(
      () => {
        delivering = false;
        if (stopped || failure) { maybeSettle(); return; }
        if (pending.length > 0 && (paused || pendingRows >= maxBatchRows || pending[pending.length - 1]!.kind !== 'rows')) pump();
        if (paused && pendingRows < maxQueueRows && pendingBytes < maxQueueBytes) { paused = false; stream.resume(); }
      },
      (err: unknown) => {
        delivering = false;
        fail(err);
      },
    );
  }

  function fail(err: unknown) {
    if (failure || stopped) return;
    failure = translateMysqlError(err, ctx);
    void stream.stop().finally(maybeSettle);
  }

  function maybeSettle() {
    if (pollTimer !== null) { clearTimeout(pollTimer); pollTimer = null; }
    if (delivering) return;
    if (failure) settle.reject(failure);
    else settle.resolve();
  }

  const startPoint: StartPoint = o.resumeBy === 'gtid' && o.start.gtids
    ? { gtids: o.start.gtids }
    : { file: o.start.file, pos: o.start.pos };
  o.logger.info({ start: { ...o.start }, resumeBy: 'gtids' in startPoint ? 'gtid' : 'position' }, 'binlog reader starting');
  const stream: WireStream = (o.openStream ?? startWireStream)({
    connection: o.connection,
    serverId: o.serverId,
    start: startPoint,
    includeTable: o.includeTable,
    onEvent,
    onError: fail,
  });

  return {
    done,
    get paused() { return paused; },
    async stop() {
      if (stopped || failure) { await done.catch(() => undefined); return; }
      stopped = true;
      await stream.stop();
      maybeSettle();
      await done.catch(() => undefined);
    },
  };
}
