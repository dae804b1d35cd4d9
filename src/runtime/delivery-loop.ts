import type { RecordProducer } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import { retry, type Backoff } from '../retry/index.js';
import type { OffsetCommitter } from './offset-committer.js';
import type { RecordQueue } from './record-queue.js';
import type { TopicPreparer } from './topic-preparer.js';

export interface DeliveryLoopOptions {
  queue: RecordQueue;
  producer: RecordProducer;
  committer: OffsetCommitter;
  topics: TopicPreparer;
  maxBatchRecords: number;
  maxBatchBytes: number;
  /**
   * Most records Kafka may hold past the last one whose offset is durable (what a crash re-sends): a batch that
   * would go further waits for a commit first. Holds when the tail after the last record carrying an offset (a
   * snapshot chunk's rows before its last) plus one batch fits in it. Default: no limit.
   */
  maxUncommitted?: number;
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
  /** Records acknowledged by Kafka so far. */
  ackedCount(): number;
}

/**
 * The single loop that moves records from the queue to Kafka, in order: one batch in flight at a time (so a
 * retry can never overtake a later batch), retriable failures retried with backoff for as long as it takes,
 * and each acknowledged batch handed to the offset committer.
 */
export function startDeliveryLoop(options: DeliveryLoopOptions): DeliveryLoop {
  const { queue, producer, committer, topics, logger, signal } = options;
  let acked = 0;
  const maxUncommitted = Math.max(1, options.maxUncommitted ?? Infinity);
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
      const batch = queue.take(Math.min(options.maxBatchRecords, maxUncommitted), options.maxBatchBytes);
      if (acked + batch.length - committer.committedThrough > maxUncommitted && committer.committedCount < acked) {
        // Commits what is acknowledged now instead of at the next interval; writes stay one per partition.
        try {
          await committer.flushTo(acked);
        } catch (err) {
          if (signal.aborted) return;
          throw err;
        }
      }
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

  const done = loop().catch((err: unknown) => options.onFatal(err));
  return { done, ackedCount: () => acked };
}
