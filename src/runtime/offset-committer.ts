import type { CommittedOffsets, SourceOffset, SourcePartition } from '../connect-api/index.js';
import { isRetriable } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { partitionIdentity } from '../storage/offset-records.js';
import type { OffsetStore } from '../storage/types.js';
import { nextDelay, type Backoff } from '../retry/index.js';
import type { QueuedRecord } from './record-queue.js';

export interface OffsetCommitterOptions {
  connectorName: string;
  /**
   * Where the committer writes offsets itself (at-least-once). Null: the caller writes them — in the same Kafka
   * transaction as the records they cover (exactly-once) — taking them with `take()` and reporting `written()`.
   */
  offsetStore: Pick<OffsetStore, 'write'> | null;
  /** Minimum time between offset writes unless a flush asks for one (Connect's offset.flush.interval.ms). */
  intervalMs: number;
  backoff: Backoff;
  logger: Logger;
  /** Called after offsets became durable, in commit order, one call at a time. */
  onCommitted?: (offsets: CommittedOffsets) => void | Promise<void>;
  /** Caller-written mode: someone started waiting in `flushTo`; the caller should write what it holds now. */
  onFlushWanted?: () => void;
  /** A non-retriable offset write failure: the task must fail. */
  onFatal: (err: unknown) => void;
}

export interface OffsetCommitter {
  /**
   * Records acknowledged by Kafka, in send order; `ackedCount` is the total acknowledged so far. Offsets are
   * taken from these records only, so an offset is never written for a record Kafka has not acknowledged.
   */
  acked(batch: readonly QueuedRecord[], ackedCount: number): void;
  /** Resolves once the offsets of the first `count` records are durable (or they carry none). */
  flushTo(count: number): Promise<void>;
  /** Resolves once every `onCommitted` call made so far has returned. */
  notified(): Promise<void>;
  /** Stops writing; pending flushes reject with `reason`. Later acks are ignored. */
  close(reason: unknown): void;
  /** Number of records whose offsets are durable. */
  readonly committedCount: number;
  /** Caller-written mode: the newest acknowledged offset per partition not yet taken, covering the first `cover` records. */
  take(): TakenOffsets;
  /** Caller-written mode: the taken offsets (and the records they cover) are durable. */
  written(taken: TakenOffsets): void;
  /** Caller-written mode: the taken offsets were not written (transaction aborted); they go out with the next take. */
  putBack(taken: TakenOffsets): void;
  /** Whether someone waits in `flushTo` for offsets not yet durable. */
  readonly flushWanted: boolean;
}

export interface TakenOffsets {
  readonly entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset }>;
  readonly cover: number;
}

interface Pending { partition: SourcePartition; offset: SourceOffset }

/**
 * Writes, per source partition, the newest acknowledged offset. At most one write is in flight; whatever is
 * acknowledged meanwhile is merged and goes out with the next write, so the offsets topic gets one record per
 * partition per write however fast records flow.
 */
export function createOffsetCommitter(options: OffsetCommitterOptions): OffsetCommitter {
  const { connectorName, offsetStore, logger } = options;
  let pending = new Map<string, Pending>();
  let ackedCount = 0;
  let committedCount = 0;
  let writing = false;
  let closed = false;
  let lastWriteAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let retryDelay = 0;
  let retryAt = 0;
  let notify: Promise<void> = Promise.resolve();
  let flushWaiters: Array<{ count: number; resolve: () => void; reject: (err: unknown) => void }> = [];
  // Identity strings are costly to build; partitions are usually one shared object per source partition.
  const identities = new WeakMap<SourcePartition, string>();

  function identityOf(partition: SourcePartition): string {
    let id = identities.get(partition);
    if (id === undefined) {
      id = partitionIdentity(connectorName, partition);
      identities.set(partition, id);
    }
    return id;
  }

  function settleFlushes(): void {
    if (flushWaiters.length === 0) return;
    const still = [];
    for (const w of flushWaiters) {
      if (w.count <= committedCount) w.resolve();
      else still.push(w);
    }
    flushWaiters = still;
  }

  function durable(entries: Pending[], cover: number): void {
    committedCount = Math.max(committedCount, cover);
    if (entries.length > 0 && options.onCommitted) {
      const onCommitted = options.onCommitted;
      const committed: CommittedOffsets = { entries };
      notify = notify.then(() => onCommitted(committed)).catch((err: unknown) => {
        logger.warn({ err }, 'Source task failed to handle committed offsets; continuing');
      });
    }
    settleFlushes();
  }

  /** Puts entries back unless newer offsets for the same partitions arrived meanwhile. */
  function putBack(entries: readonly Pending[]): void {
    const merged = new Map<string, Pending>();
    for (const e of entries) merged.set(identityOf(e.partition), e);
    for (const [id, e] of pending) merged.set(id, e);
    pending = merged;
  }

  function schedule(delayMs: number): void {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      maybeWrite();
    }, delayMs);
  }

  function maybeWrite(): void {
    if (writing || closed || offsetStore === null) return;
    if (pending.size === 0) {
      // Nothing unwritten and nothing in flight: every acknowledged record's offset is durable.
      committedCount = ackedCount;
      settleFlushes();
      return;
    }
    const now = Date.now();
    // A flush skips the interval wait, never the backoff after a failure.
    const wait = Math.max(retryAt - now, flushWaiters.length > 0 ? 0 : lastWriteAt + options.intervalMs - now);
    if (wait > 0) {
      schedule(wait);
      return;
    }
    const entries = [...pending.values()];
    const cover = ackedCount;
    pending = new Map();
    writing = true;
    lastWriteAt = Date.now();
    offsetStore.write(connectorName, entries).then(() => {
      writing = false;
      retryDelay = 0;
      retryAt = 0;
      if (closed) return;
      durable(entries, cover);
      maybeWrite();
    }, (err: unknown) => {
      writing = false;
      if (closed) return;
      if (!isRetriable(err)) {
        options.onFatal(err);
        return;
      }
      putBack(entries);
      retryDelay = nextDelay(options.backoff, retryDelay);
      retryAt = Date.now() + retryDelay;
      logger.warn({ err, retryInMs: retryDelay }, 'Writing source offsets failed; retrying');
      schedule(retryDelay);
    });
  }

  return {
    acked(batch, count) {
      if (closed) return;
      ackedCount = count;
      // Last record with an offset per partition object; the index orders objects that describe the same partition.
      let lastIndex: Map<SourcePartition, number> | undefined;
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        if (r.sourceOffset !== undefined && r.sourcePartition !== undefined) (lastIndex ??= new Map()).set(r.sourcePartition, i);
      }
      if (lastIndex !== undefined) {
        const byIdentity = new Map<string, number>();
        for (const [partition, i] of lastIndex) {
          const id = identityOf(partition);
          if ((byIdentity.get(id) ?? -1) < i) byIdentity.set(id, i);
        }
        for (const [id, i] of byIdentity) pending.set(id, { partition: batch[i]!.sourcePartition!, offset: batch[i]!.sourceOffset! });
      }
      maybeWrite();
    },
    flushTo(count) {
      if (count <= committedCount) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        flushWaiters.push({ count, resolve, reject });
        if (offsetStore === null) options.onFlushWanted?.();
        if (timer !== undefined && retryAt <= Date.now()) {
          clearTimeout(timer);
          timer = undefined;
        }
        maybeWrite();
      });
    },
    notified: () => notify,
    close(reason) {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const waiters = flushWaiters;
      flushWaiters = [];
      for (const w of waiters) w.reject(reason);
    },
    get committedCount() {
      return committedCount;
    },
    take() {
      const taken = { entries: [...pending.values()], cover: ackedCount };
      pending = new Map();
      return taken;
    },
    written(taken) {
      if (!closed) durable(taken.entries as Pending[], taken.cover);
    },
    putBack(taken) {
      if (!closed) putBack(taken.entries);
    },
    get flushWanted() {
      return flushWaiters.length > 0;
    },
  };
}
