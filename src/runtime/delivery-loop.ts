import type { RecordProducer, TransactionalProducer } from '../kafka/index.js';
import type { PreparedOffsetWrite, OffsetEntry } from '../storage/types.js';
import type { Logger } from '../logging/index.js';
import { retry, type Backoff } from '../retry/index.js';
import type { OffsetCommitter } from './offset-committer.js';
import type { QueuedRecord, RecordQueue } from './record-queue.js';
import type { TopicPreparer } from './topic-preparer.js';

/** Exactly-once delivery (KIP-618): records and the offsets that cover them go out in one Kafka transaction. */
export interface TransactionalDelivery {
  producer: TransactionalProducer;
  /** The offsets-topic records for these offsets, to be produced in the transaction. */
  offsetWrite(entries: readonly OffsetEntry[]): PreparedOffsetWrite;
  /**
   * Connect's `transaction.boundary`: `poll` commits a transaction per batch taken from the queue; `interval`
   * keeps adding batches for up to `intervalMs` (committing earlier when the queue is full or a flush waits).
   */
  boundary: { kind: 'poll' } | { kind: 'interval'; intervalMs: number };
}

export interface DeliveryLoopOptions {
  queue: RecordQueue;
  /** The at-least-once producer; ignored when `transactional` is set. */
  producer: RecordProducer;
  transactional?: TransactionalDelivery;
  committer: OffsetCommitter;
  topics: TopicPreparer;
  maxBatchRecords: number;
  maxBatchBytes: number;
  backoff: Backoff;
  /** Hard stop: no new batches, no more retries. */
  signal: AbortSignal;
  logger: Logger;
  /** A non-retriable failure: the task must fail. The loop has stopped when this is called. */
  onFatal: (err: unknown) => void;
}

export interface DeliveryLoop {
  /** Settles when the loop has ended (hard stop or fatal error). Never rejects. */
  readonly done: Promise<void>;
  /** Records acknowledged by Kafka so far (exactly-once: committed in a transaction). */
  ackedCount(): number;
  /** Exactly-once, interval boundary: someone waits for a flush; commit the open transaction now. */
  wake(): void;
}

/**
 * The single loop that moves records from the queue to Kafka, in order: one batch in flight at a time (so a
 * retry can never overtake a later batch), retriable failures retried with backoff for as long as it takes,
 * and each acknowledged batch handed to the offset committer.
 */
export function startDeliveryLoop(options: DeliveryLoopOptions): DeliveryLoop {
  const { queue, producer, committer, topics, logger, signal } = options;
  let acked = 0;
  const policy = {
    backoff: options.backoff,
    signal,
    onRetry: (err: unknown, delayMs: number, attempt: number) =>
      logger.warn({ err, retryInMs: delayMs, attempt }, 'Producing to Kafka failed; retrying the batch'),
  };

  async function loop(): Promise<void> {
    while (!signal.aborted) {
      if (queue.length === 0) {
        await queue.waitForRecords();
        continue;
      }
      const batch = queue.take(options.maxBatchRecords, options.maxBatchBytes);
      let bytes = 0;
      let offsetOnly = 0;
      for (let i = 0; i < batch.length; i++) {
        bytes += batch[i]!.size;
        if (batch[i]!.offsetOnly) offsetOnly++;
      }
      const records = offsetOnly === 0 ? batch : batch.filter((r) => !r.offsetOnly);
      if (records.length > 0) {
        const preparing = topics.prepare(records);
        if (preparing !== undefined) await preparing;
        // Resending a whole batch after a partial failure may duplicate some records, but keeps each key's
        // records in order, so the newest record per key is still the newest change (at-least-once).
        const sent = await retry(() => producer.send(records).then(() => true), policy);
        if (sent === undefined) return;
      }
      acked += batch.length;
      queue.release(bytes);
      committer.acked(batch, acked);
    }
  }

  /**
   * Exactly-once. A transaction holds records and, last, the newest offset per source partition among them, and
   * ends only right after a record that carries an offset (or when a flush asks for everything): records with
   * no offset of their own — the rows of a snapshot chunk before its last — are covered by the offset after
   * them, so a transaction that ended between them would make records visible that a restart reads again.
   * The records of the open transaction leave the queue's byte count once sent (a snapshot chunk may be larger
   * than the queue) and are kept until the commit, to be sent again in a new transaction if this one fails.
   */
  async function transactionalLoop(tx: TransactionalDelivery): Promise<void> {
    const intervalMs = tx.boundary.kind === 'interval' ? tx.boundary.intervalMs : 0;
    const txProducer = tx.producer;
    let open: QueuedRecord[] = [];
    let openedAt = 0;
    /** Whether the open transaction's last record carries an offset (it may end here). */
    let covered = false;

    async function sendRecords(records: readonly QueuedRecord[]): Promise<void> {
      const real = records.some((r) => r.offsetOnly) ? records.filter((r) => !r.offsetOnly) : records;
      if (real.length === 0) return;
      const preparing = topics.prepare(real);
      if (preparing !== undefined) await preparing;
      await txProducer.send(real);
    }

    /** Adds records to the open transaction (opening one if none is), resending it whole after a failure. */
    async function add(records: readonly QueuedRecord[]): Promise<boolean> {
      let resend = false;
      const ok = await retry(async () => {
        if (!txProducer.inTransaction) {
          await txProducer.begin();
          if (open.length === 0) openedAt = Date.now();
          resend = open.length > 0;
        }
        try {
          if (resend) await sendRecords(open);
          resend = false;
          await sendRecords(records);
        } catch (err) {
          await abortQuietly();
          resend = open.length > 0;
          throw err;
        }
        return true;
      }, policy);
      if (ok === undefined) return false;
      for (let i = 0; i < records.length; i++) open.push(records[i]!);
      return true;
    }

    /** Writes the offsets of the open transaction's records and commits; a failure resends everything. */
    async function commit(): Promise<boolean> {
      const count = acked + open.length;
      committer.acked(open, count);
      const ok = await retry(async () => {
        if (!txProducer.inTransaction) {
          await txProducer.begin();
          try {
            await sendRecords(open);
          } catch (err) {
            await abortQuietly();
            throw err;
          }
        }
        const taken = committer.take();
        try {
          const write = taken.entries.length > 0 ? tx.offsetWrite(taken.entries) : undefined;
          if (write) await txProducer.send(write.records.map((r) => ({ topic: write.topic, key: r.key, value: r.value })));
          await txProducer.commit();
          write?.applied();
          committer.written(taken);
        } catch (err) {
          committer.putBack(taken);
          await abortQuietly();
          throw err;
        }
        return true;
      }, policy);
      if (ok === undefined) return false;
      acked = count;
      open = [];
      covered = false;
      return true;
    }

    async function abortQuietly(): Promise<void> {
      await txProducer.abort().catch((err: unknown) => logger.debug({ err }, 'Aborting the transaction failed; the next one starts afresh'));
    }

    const due = () => intervalMs === 0 || Date.now() - openedAt >= intervalMs;

    while (!signal.aborted) {
      if (queue.length === 0) {
        if (open.length > 0 && (committer.flushWanted || (covered && due()))) {
          if (!(await commit())) return;
          continue;
        }
        if (open.length > 0 && covered) await waitForRecordsOr(openedAt + intervalMs);
        else if (open.length > 0) await waitForRecordsOr(Number.POSITIVE_INFINITY);
        else await queue.waitForRecords();
        continue;
      }
      const batch = queue.take(options.maxBatchRecords, options.maxBatchBytes);
      let bytes = 0;
      let lastOffset = -1;
      for (let i = 0; i < batch.length; i++) {
        bytes += batch[i]!.size;
        if (batch[i]!.sourceOffset !== undefined) lastOffset = i;
      }
      if (lastOffset >= 0 && (open.length === 0 ? intervalMs === 0 : due())) {
        // The transaction ends at the batch's last offset; what follows opens the next one.
        const head = lastOffset === batch.length - 1 ? batch : batch.slice(0, lastOffset + 1);
        if (!(await add(head)) || !(await commit())) return;
        if (head !== batch && !(await add(batch.slice(lastOffset + 1)))) return;
        covered = false;
      } else {
        if (!(await add(batch))) return;
        covered = lastOffset === batch.length - 1;
      }
      queue.release(bytes);
    }
  }

  let wakeUp: (() => void) | undefined;

  /** Waits for records, a wake-up (flush, stop) or the deadline, whichever comes first. */
  async function waitForRecordsOr(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      queue.waitForRecords(),
      new Promise<void>((resolve) => {
        wakeUp = resolve;
        if (Number.isFinite(deadline)) timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      }),
    ]);
    wakeUp = undefined;
    clearTimeout(timer);
  }

  const run = options.transactional ? transactionalLoop(options.transactional) : loop();
  const done = run.catch((err: unknown) => options.onFatal(err));
  return { done, ackedCount: () => acked, wake: () => wakeUp?.() };
}
