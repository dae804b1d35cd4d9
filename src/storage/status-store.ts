import type { KafkaClient } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import type { KeyValue } from './config-records.js';
import {
  activeTopicRecord, activeTopicTombstone, connectorStatusRecord, decodeStatusRecord, taskStatusRecord,
  type ActiveTopic,
} from './status-records.js';
import { createTopicLog } from './topic-log.js';
import type { StatusEntry, StatusStore } from './types.js';

export interface KafkaStatusStoreOptions {
  /** `status.storage.topic`. */
  topic: string;
  /** `status.storage.partitions`; Connect's default is 5. */
  partitions?: number;
  /** `status.storage.replication.factor`; -1 = broker default. */
  replicationFactor: number;
  topicConfigs?: Readonly<Record<string, string>>;
  /** Clock for active-topic discovery timestamps (tests). */
  now?: () => number;
}

export interface KafkaStatusStore extends StatusStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Known task statuses of a connector, by task id. */
  tasks(name: string): Map<number, StatusEntry>;
  /** Reads what other workers wrote since the last read. */
  catchUp(): Promise<void>;
  /** Follows the topic in the background, so GET shows the statuses every worker writes. */
  follow(intervalMs: number, logger: Logger): void;
}

/** Connector/task statuses and active topics in Connect's status topic format. */
export function createKafkaStatusStore(kafka: KafkaClient, options: KafkaStatusStoreOptions): KafkaStatusStore {
  const log = createTopicLog(kafka, {
    topic: options.topic,
    partitions: options.partitions ?? 5,
    replicationFactor: options.replicationFactor,
    configs: options.topicConfigs,
    purpose: 'status.storage.topic',
  });
  const now = options.now ?? Date.now;
  const connectors = new Map<string, StatusEntry>();
  const tasks = new Map<string, Map<number, StatusEntry>>();
  const topics = new Map<string, Map<string, ActiveTopic>>();
  // Active-topic writes already under way, so concurrent first sends to a topic write one record.
  const recording = new Map<string, Promise<void>>();

  /**
   * A status from another worker of an older generation comes from a worker that no longer runs the connector
   * (e.g. a paused process that woke up after its work moved, whose fenced task then failed): kept out, so the
   * view shows the worker that runs it now.
   */
  const stale = (current: StatusEntry | undefined, incoming: StatusEntry) =>
    current !== undefined && incoming.workerId !== current.workerId && incoming.generation < current.generation;

  function apply(key: Buffer | null, value: Buffer | null): void {
    const rec = decodeStatusRecord(key, value);
    if (!rec) return;
    if (rec.kind === 'connector') {
      if (rec.status) {
        if (!stale(connectors.get(rec.connector), rec.status)) connectors.set(rec.connector, rec.status);
      } else {
        // Connect drops the task statuses with the connector's.
        connectors.delete(rec.connector);
        tasks.delete(rec.connector);
      }
    } else if (rec.kind === 'task') {
      let byId = tasks.get(rec.connector);
      if (rec.status) {
        if (!byId) tasks.set(rec.connector, (byId = new Map()));
        if (!stale(byId.get(rec.task), rec.status)) byId.set(rec.task, rec.status);
      } else byId?.delete(rec.task);
    } else {
      let byTopic = topics.get(rec.connector);
      if (rec.active) {
        if (!byTopic) topics.set(rec.connector, (byTopic = new Map()));
        byTopic.set(rec.topic, rec.active);
      } else byTopic?.delete(rec.topic);
    }
  }

  // Read back rather than applied on the side, as in the config store: an own older status read back later
  // (the tombstone of a stop) must not undo a newer one (the task's RUNNING or FAILED after a resume).
  async function write(records: KeyValue[]): Promise<void> {
    if (records.length === 0) return;
    await log.write(records);
    await log.catchUp();
  }

  // Connect writes DESTROYED as a tombstone.
  const visible = (status: StatusEntry): StatusEntry | null => (status.state === 'DESTROYED' ? null : status);

  return {
    start: () => log.start((key, value) => apply(key, value)),
    stop: () => log.stop(),
    catchUp: () => log.catchUp(),
    follow: (intervalMs, logger) => log.follow(intervalMs, logger),
    connector: (name) => connectors.get(name),
    task: (name, taskId) => tasks.get(name)?.get(taskId),
    tasks: (name) => new Map(tasks.get(name) ?? []),
    putConnector: (name, status) => write([connectorStatusRecord(name, visible(status))]),
    putTask: (name, taskId, status) => write([taskStatusRecord(name, taskId, visible(status))]),
    async remove(name, taskCount) {
      const ids = new Set(tasks.get(name)?.keys() ?? []);
      for (let i = 0; i < taskCount; i++) ids.add(i);
      await write([...[...ids].map((id) => taskStatusRecord(name, id, null)), connectorStatusRecord(name, null)]);
    },
    activeTopics: (connector) => [...(topics.get(connector)?.keys() ?? [])],
    putActiveTopic(connector, topic, taskId) {
      if (topics.get(connector)?.has(topic)) return Promise.resolve();
      const id = `${topic}\u0000${connector}`;
      let pending = recording.get(id);
      if (!pending) {
        pending = write([activeTopicRecord({ topic, connector, task: taskId, discoverTimestamp: now() })])
          .finally(() => recording.delete(id));
        recording.set(id, pending);
      }
      return pending;
    },
    async resetActiveTopics(connector) {
      await write([...(topics.get(connector)?.keys() ?? [])].map((topic) => activeTopicTombstone(connector, topic)));
    },
  };
}
