import type { ConvertedBytes } from '../../schemas/index.js';
import type { SourceOffset, SourcePartition } from '../connect-api/index.js';
import type { OutgoingMessage } from '../kafka/index.js';

/**
 * A converted record waiting for Kafka. It is handed to the producer as it is (it already has the producer's
 * message shape), so queuing costs one object per record and no copying.
 */
export interface QueuedRecord extends OutgoingMessage {
  sourcePartition: SourcePartition | undefined;
  sourceOffset: SourceOffset | undefined;
  /** Bytes this record holds in the queue (key + value + headers + a fixed overhead). */
  size: number;
  /** Carries only an offset (`RecordSink.commitOffset`): acknowledged in order, never produced. */
  offsetOnly?: true;
}

/** Per-record bookkeeping bytes (object, topic reference, offsets), so tiny records still count. */
export const RECORD_OVERHEAD_BYTES = 64;

export function recordSize(topic: string, key: Buffer | null, value: ConvertedBytes | null, headers: QueuedRecord['headers']): number {
  let size = RECORD_OVERHEAD_BYTES + topic.length + (key === null ? 0 : key.length) + (value === null ? 0 : value.length);
  if (headers !== undefined) {
    for (const name in headers) size += name.length + headers[name]!.length;
  }
  return size;
}

export interface RecordQueue {
  /** Appends records in order. Always accepts them: the caller waits for room *after* adding a batch. */
  push(records: readonly QueuedRecord[]): void;
  /** Removes the oldest records: at least one (if any), at most `maxRecords` and about `maxBytes`. */
  take(maxRecords: number, maxBytes: number): QueuedRecord[];
  /** Gives back the bytes of records that left the queue for good (acknowledged or dropped). */
  release(bytes: number): void;
  /** Resolves once the queue holds at most its limit (at once if it already does). */
  waitForRoom(): Promise<void>;
  /** Resolves once there is a record to take (at once if there is). */
  waitForRecords(): Promise<void>;
  /** Wakes `waitForRoom` and `waitForRecords` callers without adding anything (used when stopping). */
  wakeAll(): void;
  hasRoom(): boolean;
  /** Records waiting to be taken. */
  readonly length: number;
  /** Bytes held: waiting records plus taken-but-not-released ones. */
  readonly bytes: number;
}

/**
 * A FIFO bounded in bytes. The bytes of taken records stay counted until released, so records in flight to
 * Kafka count against the bound too. A single push may overshoot the bound (so one large batch cannot wedge the
 * reader); the pusher then waits until the queue drains below it.
 */
export function createRecordQueue(maxBytes: number): RecordQueue {
  let items: QueuedRecord[] = [];
  let head = 0;
  let bytes = 0;
  let roomWaiters: Array<() => void> = [];
  let recordWaiters: Array<() => void> = [];

  const wake = (waiters: Array<() => void>) => {
    for (const w of waiters) w();
  };

  return {
    push(records) {
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        items.push(r);
        bytes += r.size;
      }
      if (records.length > 0 && recordWaiters.length > 0) {
        const w = recordWaiters;
        recordWaiters = [];
        wake(w);
      }
    },
    take(maxRecords, maxBytesPerBatch) {
      const available = items.length - head;
      if (available === 0) return [];
      let end = head;
      let taken = 0;
      const limit = head + Math.min(available, Math.max(1, maxRecords));
      while (end < limit && (end === head || taken + items[end]!.size <= maxBytesPerBatch)) {
        taken += items[end]!.size;
        end++;
      }
      const batch = items.slice(head, end);
      head = end;
      // Drop the consumed prefix once it dominates, keeping take() amortised O(batch).
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head > 4096 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
      return batch;
    },
    release(released) {
      bytes -= released;
      if (bytes <= maxBytes && roomWaiters.length > 0) {
        const w = roomWaiters;
        roomWaiters = [];
        wake(w);
      }
    },
    waitForRoom() {
      if (bytes <= maxBytes) return Promise.resolve();
      return new Promise<void>((resolve) => roomWaiters.push(resolve));
    },
    waitForRecords() {
      if (items.length > head) return Promise.resolve();
      return new Promise<void>((resolve) => recordWaiters.push(resolve));
    },
    wakeAll() {
      const w = [...roomWaiters, ...recordWaiters];
      roomWaiters = [];
      recordWaiters = [];
      wake(w);
    },
    hasRoom: () => bytes <= maxBytes,
    get length() {
      return items.length - head;
    },
    get bytes() {
      return bytes;
    },
  };
}
