/**
 * A compacted Kafka topic used as a durable key-value log, like Connect's KafkaBasedLog: `start()` makes sure the
 * topic exists and is compacted, then replays it to rebuild state; `write()` resolves once Kafka acknowledged.
 *
 * Our model is a single worker per group.id (no cluster rebalancing): this process is the only writer, so the
 * state it replays at start plus what it wrote since is the whole truth, and nothing needs tailing afterwards.
 */
import { CdcError } from '../errors/index.js';
import type { KafkaClient, RecordHandler, RecordProducer } from '../kafka/index.js';
import type { KeyValue } from './config-records.js';

export interface TopicLogOptions {
  topic: string;
  /** Used when creating the topic; -1 = broker default. */
  partitions: number;
  /** Used when creating the topic; -1 = broker default. */
  replicationFactor: number;
  /** Extra topic configs for creation (cleanup.policy=compact is always set). */
  configs?: Readonly<Record<string, string>>;
  /** The config topic must have exactly one partition so its records stay in order. */
  singlePartition?: boolean;
  /** What the topic is for, in error messages (e.g. "config.storage.topic"). */
  purpose: string;
}

export class StorageTopicError extends CdcError {
  constructor(message: string, fix: string) {
    super('STORAGE_TOPIC_INVALID', message, { retriable: false, fix });
  }
}

export interface TopicLog {
  readonly topic: string;
  start(onRecord: RecordHandler): Promise<void>;
  write(records: readonly KeyValue[]): Promise<void>;
  stop(): Promise<void>;
}

export function createTopicLog(kafka: KafkaClient, options: TopicLogOptions): TopicLog {
  const { topic } = options;
  let producer: RecordProducer | undefined;

  async function verify(): Promise<void> {
    const configs = await kafka.topicConfigs(topic);
    const policy = (configs['cleanup.policy'] ?? '').replace(/\s/g, '');
    if (policy !== 'compact') {
      throw new StorageTopicError(
        `Topic '${topic}' (${options.purpose}) has cleanup.policy=${policy || '(unknown)'}, but must be compacted only, or stored configs/offsets/statuses are eventually deleted.`,
        `Run: kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact (or point ${options.purpose} at a new topic).`,
      );
    }
    if (options.singlePartition) {
      const partitions = (await kafka.highWatermarks(topic)).size;
      if (partitions !== 1) {
        throw new StorageTopicError(
          `Topic '${topic}' (${options.purpose}) has ${partitions} partitions, but must have exactly one to keep connector configs in order.`,
          `Point ${options.purpose} at a new topic; it is created with one partition.`,
        );
      }
    }
  }

  return {
    topic,
    async start(onRecord) {
      await kafka.ensureTopic(topic, {
        partitions: options.partitions,
        replicationFactor: options.replicationFactor,
        configs: { ...options.configs, 'cleanup.policy': 'compact' },
      });
      await verify();
      await kafka.readToEnd(topic, onRecord);
      producer = kafka.createProducer();
    },
    async write(records) {
      if (!producer) throw new CdcError('STORAGE_NOT_STARTED', `Store for '${topic}' written before start()`, { retriable: false });
      await producer.send(records.map((r) => ({ topic, key: r.key, value: r.value })));
    },
    async stop() {
      const p = producer;
      producer = undefined;
      if (p) await p.disconnect();
    },
  };
}
