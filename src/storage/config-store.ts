import type { KafkaClient } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import {
  connectorConfigRecord, connectorTombstone, decodeConfigRecord, targetStateRecord, targetStateTombstone,
  taskCommitRecord, taskConfigRecord, type KeyValue,
} from './config-records.js';
import { createTopicLog } from './topic-log.js';
import type { ConfigStore, TargetState } from './types.js';

export interface KafkaConfigStoreOptions {
  /** `config.storage.topic`. */
  topic: string;
  /** `config.storage.replication.factor`; -1 = broker default. */
  replicationFactor: number;
  /** Extra configs for creating the topic. */
  topicConfigs?: Readonly<Record<string, string>>;
}

export interface KafkaConfigStore extends ConfigStore {
  /** Creates/verifies the topic and replays it. Call once before anything else. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Connectors whose last task commit did not find all of its task configs (compaction or a crash in the
   * middle of writing them, as in Connect). Their `taskConfigs` is undefined until task configs are rewritten.
   */
  inconsistentConnectors(): string[];
  /** Reads what other workers wrote since the last read (see TopicLog.catchUp). */
  catchUp(): Promise<void>;
  /** Follows the topic in the background; `onChange` gets the connector of each config or target-state record
   * read that way (another worker's write, or an own write read back). */
  follow(intervalMs: number, logger: Logger, onChange: (connector: string) => void): void;
  /** Next offset of the config topic as far as read: Connect's config offset in the group metadata. */
  position(): number;
}

/**
 * The config topic (Connect's KafkaConfigBackingStore semantics): task configs are buffered per connector and
 * applied only when the `commit-<name>` record arrives with a complete set.
 */
export function createKafkaConfigStore(kafka: KafkaClient, options: KafkaConfigStoreOptions): KafkaConfigStore {
  const log = createTopicLog(kafka, {
    topic: options.topic,
    partitions: 1,
    replicationFactor: options.replicationFactor,
    configs: options.topicConfigs,
    singlePartition: true,
    purpose: 'config.storage.topic',
  });
  const connectors = new Map<string, Record<string, string>>();
  const targetStates = new Map<string, TargetState>();
  const taskCounts = new Map<string, number>();
  const appliedTasks = new Map<string, Map<number, Record<string, string>>>();
  const deferredTasks = new Map<string, Map<number, Record<string, string>>>();
  const inconsistent = new Set<string>();
  let onChange: ((connector: string) => void) | undefined;
  let position = 0;

  function apply(key: Buffer | null, value: Buffer | null): void {
    const rec = decodeConfigRecord(key, value);
    if (!rec) return;
    switch (rec.kind) {
      case 'connector':
        if (rec.properties === null) {
          connectors.delete(rec.connector);
          taskCounts.delete(rec.connector);
          appliedTasks.delete(rec.connector);
          deferredTasks.delete(rec.connector);
          inconsistent.delete(rec.connector);
        } else {
          connectors.set(rec.connector, rec.properties);
          if (!targetStates.has(rec.connector)) targetStates.set(rec.connector, 'STARTED');
        }
        return;
      case 'target-state':
        if (rec.state !== null) targetStates.set(rec.connector, rec.state);
        else if (connectors.has(rec.connector)) targetStates.set(rec.connector, 'STARTED');
        else targetStates.delete(rec.connector);
        return;
      case 'task': {
        if (rec.properties === null) return;
        let deferred = deferredTasks.get(rec.connector);
        if (!deferred) deferredTasks.set(rec.connector, (deferred = new Map()));
        deferred.set(rec.task, rec.properties);
        return;
      }
      case 'commit': {
        const deferred = deferredTasks.get(rec.connector) ?? new Map<number, Record<string, string>>();
        let complete = true;
        for (let i = 0; i < rec.tasks; i++) if (!deferred.has(i)) complete = false;
        if (complete) {
          let applied = appliedTasks.get(rec.connector);
          if (!applied) appliedTasks.set(rec.connector, (applied = new Map()));
          for (const [id, props] of deferred) applied.set(id, props);
          inconsistent.delete(rec.connector);
        } else {
          inconsistent.add(rec.connector);
        }
        deferredTasks.delete(rec.connector);
        taskCounts.set(rec.connector, rec.tasks);
        return;
      }
      default:
        return;
    }
  }

  // Read back, never applied on the side (Connect's write-then-readToEnd): state always follows the topic's order.
  // Applied at once and read back later, an own older record (the STOPPED before a resume, the empty task set
  // before a new one) undid a newer one until the follower caught up, and a task started in that window found
  // no config and never ran.
  async function write(records: KeyValue[]): Promise<void> {
    await log.write(records);
    await log.catchUp();
  }

  return {
    async start() {
      await log.start((key, value, _partition, offset) => {
        apply(key, value);
        position = offset + 1;
        const rec = onChange ? decodeConfigRecord(key, value) : null;
        if (rec && (rec.kind === 'connector' || rec.kind === 'target-state')) onChange!(rec.connector);
      });
    },
    catchUp: () => log.catchUp(),
    follow(intervalMs, logger, listener) {
      onChange = listener;
      log.follow(intervalMs, logger);
    },
    position: () => position,
    stop: () => log.stop(),
    inconsistentConnectors: () => [...inconsistent],
    connectorNames: () => [...connectors.keys()],
    connectorConfig: (name) => {
      const config = connectors.get(name);
      return config ? { ...config } : undefined;
    },
    taskConfigs(name) {
      const count = taskCounts.get(name);
      const applied = appliedTasks.get(name);
      if (count === undefined || inconsistent.has(name)) return undefined;
      const out: Record<string, string>[] = [];
      for (let i = 0; i < count; i++) {
        const config = applied?.get(i);
        if (!config) return undefined;
        out.push({ ...config });
      }
      return out;
    },
    targetState: (name) => targetStates.get(name),
    async putConnectorConfig(name, config, targetState) {
      // Same order as Connect: the target state first, so the connector never starts in the wrong state.
      const records = targetState ? [targetStateRecord(name, targetState)] : [];
      records.push(connectorConfigRecord(name, config));
      await write(records);
    },
    async putTaskConfigs(name, configs) {
      // Task records must be durable before the commit that makes them effective.
      if (configs.length > 0) await write(configs.map((c, i) => taskConfigRecord(name, i, c)));
      await write([taskCommitRecord(name, configs.length)]);
    },
    putTargetState: (name, state) => write([targetStateRecord(name, state)]),
    removeConnector: (name) => write([connectorTombstone(name), targetStateTombstone(name)]),
  };
}
