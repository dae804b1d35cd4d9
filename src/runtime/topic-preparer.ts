import type { KafkaClient, TopicSpec } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import type { StatusStore } from '../storage/types.js';
import { retry, type Backoff } from '../retry/index.js';
import type { QueuedRecord } from './record-queue.js';

export interface TopicPreparerOptions {
  connectorName: string;
  taskId: number;
  /** Creates output topics when `topicCreation` is set; otherwise the broker auto-creates them. */
  admin: Pick<KafkaClient, 'ensureTopic'> | null;
  topicCreation: TopicSpec | null;
  statusStore: Pick<StatusStore, 'putActiveTopic'> | null;
  backoff: Backoff;
  signal: AbortSignal;
  logger: Logger;
}

export interface TopicPreparer {
  /**
   * Makes sure every topic of the batch exists (topic.creation) and is recorded as an active topic, once per
   * topic. Returns undefined when all are known already, so the common case costs no promise.
   */
  prepare(batch: readonly QueuedRecord[]): Promise<void> | undefined;
}

export function createTopicPreparer(options: TopicPreparerOptions): TopicPreparer {
  const { logger } = options;
  const ready = new Set<string>();
  const policy = {
    backoff: options.backoff,
    signal: options.signal,
    onRetry: (err: unknown, delayMs: number) => logger.warn({ err, retryInMs: delayMs }, 'Preparing output topic failed; retrying'),
  };

  async function prepareTopics(topics: Iterable<string>): Promise<void> {
    for (const topic of topics) {
      if (options.topicCreation && options.admin) {
        const admin = options.admin;
        const spec = options.topicCreation;
        const created = await retry(() => admin.ensureTopic(topic, spec), policy);
        if (created) logger.info({ topic }, 'Created output topic');
      }
      if (options.statusStore) {
        try {
          await options.statusStore.putActiveTopic(options.connectorName, topic, options.taskId);
        } catch (err) {
          // Active topics are informational (GET /connectors/{name}/topics); try again on a later batch.
          logger.warn({ err, topic }, 'Could not record active topic; will retry');
          continue;
        }
      }
      if (options.signal.aborted) return;
      ready.add(topic);
    }
  }

  return {
    prepare(batch) {
      let unknown: Set<string> | undefined;
      let last: string | undefined;
      for (let i = 0; i < batch.length; i++) {
        const topic = batch[i]!.topic;
        if (topic === last) continue;
        last = topic;
        if (!ready.has(topic)) (unknown ??= new Set()).add(topic);
      }
      return unknown === undefined ? undefined : prepareTopics(unknown);
    },
  };
}
