import type { Converter } from '../../schemas/converter.js';
import type { ConfigValue, RecordSink, SourceTask, SourceTaskContext, TaskProgress } from '../connect-api/index.js';
import { CdcError } from '../errors/index.js';
import type { KafkaClient, RecordProducer, TopicSpec } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import type { OffsetStore, StatusStore } from '../storage/types.js';
import { DEFAULT_BACKOFF, type Backoff } from '../retry/index.js';
import { startDeliveryLoop, type TransactionalDelivery } from './delivery-loop.js';
import { createOffsetCommitter } from './offset-committer.js';
import { createRecordQueue, RECORD_OVERHEAD_BYTES, type QueuedRecord } from './record-queue.js';
import { createRecordPipeline, FAIL_ON_ERROR, type ErrorHandling } from './record-pipeline.js';
import type { TransformChain } from '../transforms/index.js';
import { createTopicPreparer } from './topic-preparer.js';

export interface SourceTaskRunnerOptions {
  connectorName: string;
  taskId: number;
  task: SourceTask;
  config: Readonly<Record<string, string>>;
  settings: Readonly<Record<string, ConfigValue>>;
  producer: RecordProducer;
  offsetStore: OffsetStore;
  /** Exactly-once delivery: records and offsets in the task's Kafka transactions (`producer` is then unused). */
  transactional?: TransactionalDelivery;
  /** Where active topics are recorded (KIP-558); null to skip. */
  statusStore: Pick<StatusStore, 'putActiveTopic'> | null;
  /** Needed when `topicCreation` is set. */
  admin?: Pick<KafkaClient, 'ensureTopic'> | null;
  keyConverter: Converter;
  valueConverter: Converter;
  /** The connector's transforms; null or absent: none. */
  transforms?: TransformChain | null;
  /** errors.* of the connector; absent: fail the task on the first failed record. */
  errorHandling?: ErrorHandling;
  /** Settings for creating output topics; null = leave it to the broker's auto-creation. */
  topicCreation: TopicSpec | null;
  logger: Logger;
  /** Bound of the queue between the task and Kafka, in bytes. Default 16 MiB. */
  maxQueueBytes?: number;
  /** Upper size of one produce call (the producer's max.request.size). Default 1,000,000 bytes, under the broker's default message.max.bytes. */
  maxBatchBytes?: number;
  /** Upper record count of one produce call. Default 1000. */
  maxBatchRecords?: number;
  /** Most records Kafka may hold past the last durable offset (see DeliveryLoopOptions.maxUncommitted). Default: no limit. */
  maxUncommittedRecords?: number;
  /** Minimum time between offset writes unless flushed (Connect's offset.flush.interval.ms). Default 60000. */
  offsetFlushIntervalMs?: number;
  /** How long stopping may take to deliver what is queued before dropping it. Default 30000. */
  stopTimeoutMs?: number;
  backoff?: Backoff;
  onProgress?: (progress: TaskProgress) => void;
}

export interface TaskOutcome {
  outcome: 'stopped' | 'finished' | 'failed';
  error?: unknown;
}

export interface TaskStats {
  /** Records the task has sent (queued). */
  sent: number;
  /** Records acknowledged by Kafka. */
  acked: number;
  /** Records whose offsets are durable. */
  committed: number;
  queuedBytes: number;
  /** Records skipped after an error (errors.tolerance=all). */
  skipped: number;
}

export interface RunningTask {
  readonly done: Promise<TaskOutcome>;
  /** Aborts the task, delivers what it queued (up to `stopTimeoutMs`), commits offsets and resolves. */
  stop(): Promise<void>;
  progress(): TaskProgress | undefined;
  stats(): TaskStats;
}

/** Why the runner stopped delivering; the reason flushes that can no longer complete reject with. */
export class TaskStoppedError extends CdcError {
  constructor(message: string) {
    super('TASK_STOPPED', message, { retriable: true });
  }
}

export { RecordConversionError } from './record-pipeline.js';

/**
 * Runs one source task (Connect's WorkerSourceTask, our way). The task's `sink.send` converts records in the
 * caller's turn onto a queue bounded in bytes (backpressure); one delivery loop sends them to Kafka in order; the
 * offsets of acknowledged records are committed per source partition. Stopping delivers what was queued
 * (bounded by `stopTimeoutMs`; what is left is dropped and, its offsets never committed, re-read on restart).
 */
export function startSourceTask(options: SourceTaskRunnerOptions): RunningTask {
  const { connectorName, taskId, task, logger, keyConverter, valueConverter } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const taskSignal = new AbortController();
  const deliverySignal = new AbortController();
  const queue = createRecordQueue(options.maxQueueBytes ?? 16 * 1024 * 1024);
  let failure: unknown;
  let finished = false;
  let sendClosed = false;
  let sentCount = 0;
  let lastProgress: TaskProgress | undefined;
  let deadline: NodeJS.Timeout | undefined;

  function fail(err: unknown): void {
    if (finished || failure !== undefined) return;
    failure = err;
    logger.error({ err }, 'Source task failed while delivering records');
    haltDelivery(err);
    taskSignal.abort();
  }

  function haltDelivery(reason: unknown): void {
    deliverySignal.abort();
    committer.close(reason);
    queue.wakeAll();
  }

  let wakeDelivery = (): void => undefined;
  const committer = createOffsetCommitter({
    connectorName,
    offsetStore: options.transactional ? null : options.offsetStore,
    onFlushWanted: () => wakeDelivery(),
    intervalMs: options.offsetFlushIntervalMs ?? 60_000,
    backoff,
    logger,
    onCommitted: task.committed ? (offsets) => task.committed!(offsets) : undefined,
    onFatal: fail,
  });
  const delivery = startDeliveryLoop({
    queue,
    producer: options.producer,
    transactional: options.transactional,
    committer,
    topics: createTopicPreparer({
      connectorName, taskId, admin: options.admin ?? null, topicCreation: options.topicCreation,
      statusStore: options.statusStore, backoff, signal: deliverySignal.signal, logger,
    }),
    maxBatchRecords: options.maxBatchRecords ?? 1000,
    maxBatchBytes: options.maxBatchBytes ?? 1_000_000,
    maxUncommitted: options.maxUncommittedRecords,
    backoff,
    signal: deliverySignal.signal,
    logger,
    onFatal: fail,
  });

  wakeDelivery = delivery.wake;

  let blocked: string | null = null;
  const pipeline = createRecordPipeline({
    connectorName, taskId, transforms: options.transforms ?? null, keyConverter, valueConverter,
    errors: options.errorHandling ?? FAIL_ON_ERROR, logger, signal: taskSignal.signal, backoff,
    onBlocked: (message) => { blocked = message; },
  });

  /** Puts processed records on the queue; resolves when there is room again. */
  function enqueue(converted: readonly QueuedRecord[]): Promise<void> {
    queue.push(converted);
    sentCount += converted.length;
    if (queue.hasRoom()) return Promise.resolve();
    return queue.waitForRoom().then(() => {
      if (failure !== undefined) throw failure;
    });
  }

  // A batch waiting for a schema registration holds back later batches, so records keep their order.
  let registering: Promise<void> | null = null;

  const sink: RecordSink = {
    send(records) {
      if (failure !== undefined) return Promise.reject(failure);
      if (sendClosed || records.length === 0) return Promise.resolve();
      // Once stopping, take only what fits; after the first refusal take nothing, so what is queued stays a
      // prefix of what was sent and no later offset can cover a dropped record.
      if (taskSignal.signal.aborted && !queue.hasRoom()) {
        sendClosed = true;
        return Promise.resolve();
      }
      if (registering !== null) {
        return registering.then(() => sink.send(records));
      }
      let processed: QueuedRecord[] | Promise<QueuedRecord[]>;
      try {
        processed = pipeline.process(records);
      } catch (err) {
        return Promise.reject(err);
      }
      if (Array.isArray(processed)) return enqueue(processed);
      const done = processed.then((converted) => {
        registering = null;
        return enqueue(converted);
      }, (err: unknown) => {
        registering = null;
        throw err;
      });
      registering = done.catch(() => undefined);
      return done;
    },
    flush() {
      if (failure !== undefined) return Promise.reject(failure);
      return committer.flushTo(sentCount);
    },
    commitOffset(partition, offset) {
      if (failure !== undefined) return Promise.reject(failure);
      if (sendClosed || taskSignal.signal.aborted) return Promise.resolve();
      queue.push([{ topic: '', key: null, value: null, sourcePartition: partition, sourceOffset: offset, size: RECORD_OVERHEAD_BYTES, offsetOnly: true }]);
      sentCount++;
      return committer.flushTo(sentCount);
    },
  };

  const ctx: SourceTaskContext = {
    connectorName,
    taskId,
    config: options.config,
    settings: options.settings,
    offsets: { offset: (partition) => options.offsetStore.offset(connectorName, partition) },
    sink,
    logger,
    signal: taskSignal.signal,
    reportProgress(progress) {
      lastProgress = progress;
      options.onProgress?.(progress);
    },
  };

  function armDeadline(): void {
    if (deadline !== undefined || finished) return;
    deadline = setTimeout(() => {
      const unsent = sentCount - delivery.ackedCount();
      if (unsent > 0) logger.warn({ unsent }, 'Stop timeout reached; dropping undelivered records (they are re-read from the source on restart)');
      haltDelivery(new TaskStoppedError('The task stopped before these records were delivered'));
    }, stopTimeoutMs);
  }

  async function deliverQueued(): Promise<void> {
    const halted = new Promise<void>((resolve) => {
      if (deliverySignal.signal.aborted) resolve();
      else deliverySignal.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([committer.flushTo(sentCount).catch(() => undefined), halted]);
  }

  const done = (async (): Promise<TaskOutcome> => {
    let threw = false;
    let runError: unknown;
    try {
      await task.run(ctx);
    } catch (err) {
      threw = true;
      runError = err;
    }
    const stopping = taskSignal.signal.aborted;
    if (failure === undefined) {
      // A finished task (e.g. initial_only snapshot) waits for all its records unless stopped meanwhile.
      if (stopping || threw) armDeadline();
      await deliverQueued();
    }
    finished = true;
    if (deadline !== undefined) clearTimeout(deadline);
    haltDelivery(new TaskStoppedError('The task has stopped'));
    // Let the task see its last committed offsets (e.g. PostgreSQL confirms the LSN) before it counts as done.
    await settleWithin(committer.notified(), stopTimeoutMs);
    if (failure !== undefined) return { outcome: 'failed', error: failure };
    if (threw && !stopping) {
      logger.error({ err: runError }, 'Source task failed');
      return { outcome: 'failed', error: runError };
    }
    if (threw) logger.warn({ err: runError }, 'Source task threw while stopping; treated as stopped');
    return { outcome: stopping ? 'stopped' : 'finished' };
  })();

  let stopping: Promise<void> | undefined;
  return {
    done,
    stop() {
      stopping ??= (async () => {
        taskSignal.abort();
        armDeadline();
        await done;
      })();
      return stopping;
    },
    progress: () => {
      const skipped = pipeline.skipped();
      if (blocked === null && skipped === 0) return lastProgress;
      return { phase: 'running', ...lastProgress, ...(skipped > 0 ? { skippedRecords: skipped } : {}), ...(blocked !== null ? { blockedBy: blocked } : {}) };
    },
    stats: () => ({ sent: sentCount, acked: delivery.ackedCount(), committed: committer.committedCount, queuedBytes: queue.bytes, skipped: pipeline.skipped() }),
  };
}

/** Waits for `promise` (never rejects) but at most `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}
