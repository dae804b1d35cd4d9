/**
 * A compacted Kafka topic used as a durable key-value log, like Connect's KafkaBasedLog: `start()` makes sure the
 * topic exists and is compacted, then replays it to rebuild state; `write()` resolves once Kafka acknowledged.
 *
 * Several workers of one group write to the same topics, so a worker reads what the others wrote: `catchUp()`
 * reads from where the last read stopped to the current end (a task that starts reads the offsets topic so, to
 * resume from what the previous owner committed), and `follow()` does that every few hundred ms in the background
 * (configs and statuses). Records are applied in offset order. The config and status stores apply their own writes
 * only by reading them back (write, then `catchUp()`), so their state is always a prefix of the topic's; the offset
 * store applies its writes at once (commits are frequent) and may briefly show an older offset when the follower
 * reads one back, which is harmless because a task reads offsets only after a `catchUp()`.
 */
import { CdcError } from '../errors/index.js';
import type { KafkaClient, RecordHandler, RecordProducer } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
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
  /** Reads records written since the last read (by any worker) up to the current end; calls run one at a time. */
  catchUp(): Promise<void>;
  /** Catches up every `intervalMs` until stop(); a failed read is logged and retried on the next turn. */
  follow(intervalMs: number, logger: Logger): void;
  stop(): Promise<void>;
}

export function createTopicLog(kafka: KafkaClient, options: TopicLogOptions): TopicLog {
  const { topic } = options;
  let producer: RecordProducer | undefined;
  let handler: RecordHandler | undefined;
  let positions = new Map<number, number>();
  let reading: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function catchUp(): Promise<void> {
    const run = reading.then(async () => {
      if (!handler) return;
      positions = await kafka.readFrom(topic, positions, handler);
    });
    reading = run.catch(() => undefined);
    return run;
  }

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
      handler = onRecord;
      await catchUp();
      producer = kafka.createProducer();
    },
    catchUp,
    follow(intervalMs, logger) {
      const turn = () => {
        timer = undefined;
        if (stopped) return;
        catchUp()
          .catch((err: unknown) => logger.warn({ topic, err: err instanceof Error ? err.message : String(err) }, 'reading the internal topic failed; retrying'))
          .finally(() => {
            if (!stopped) timer = setTimeout(turn, intervalMs);
          });
      };
      if (!stopped && !timer) timer = setTimeout(turn, intervalMs);
    },
    async write(records) {
      if (!producer) throw new CdcError('STORAGE_NOT_STARTED', `Store for '${topic}' written before start()`, { retriable: false });
      await producer.send(records.map((r) => ({ topic, key: r.key, value: r.value })));
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await reading;
      const p = producer;
      producer = undefined;
      if (p) await p.disconnect();
    },
  };
}
