import type { SourceOffset, SourcePartition } from '../connect-api/index.js';
import type { KeyValue } from './config-records.js';

/** Connect's target state as kept in the config topic (`target-state-<name>`). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

/** Connect's runtime states as kept in the status topic and shown by the REST API. */
export type RuntimeState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING' | 'DESTROYED';

export interface StatusEntry {
  state: RuntimeState;
  trace: string | null;
  workerId: string;
  generation: number;
}

/**
 * Connector and task configs plus target states, kept in the compacted config topic in Kafka Connect's
 * record format (`connector-<name>`, `task-<name>-<n>`, `commit-<name>`, `target-state-<name>`).
 * Reads are from memory (rebuilt from the topic at start); writes go to Kafka first, then memory.
 */
export interface ConfigStore {
  connectorNames(): string[];
  connectorConfig(name: string): Record<string, string> | undefined;
  taskConfigs(name: string): Record<string, string>[] | undefined;
  targetState(name: string): TargetState | undefined;
  putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState): Promise<void>;
  /** Writes `task-<name>-<n>` for each config, then `commit-<name>` with the count, as Connect does. */
  putTaskConfigs(name: string, configs: Record<string, string>[]): Promise<void>;
  putTargetState(name: string, state: TargetState): Promise<void>;
  /** Tombstones the connector config and target state. */
  removeConnector(name: string): Promise<void>;
}

/** Connector and task statuses in the compacted status topic (`status-connector-<name>`, `status-task-<name>-<id>`). */
export interface StatusStore {
  connector(name: string): StatusEntry | undefined;
  task(name: string, taskId: number): StatusEntry | undefined;
  putConnector(name: string, status: StatusEntry): Promise<void>;
  putTask(name: string, taskId: number, status: StatusEntry): Promise<void>;
  /** Tombstones the connector's and its tasks' statuses. */
  remove(name: string, taskCount: number): Promise<void>;
  /** Active topics (KIP-558), kept as `topic-<topic>-<connector>` records: topics the connector has produced to. */
  activeTopics(connector: string): string[];
  /** Records that the connector produced to a topic; a no-op if already recorded. */
  putActiveTopic(connector: string, topic: string, taskId: number): Promise<void>;
  /** `PUT /connectors/{name}/topics/reset`: tombstones the connector's active-topic records. */
  resetActiveTopics(connector: string): Promise<void>;
}

export interface OffsetEntry {
  partition: SourcePartition;
  /** `null` is a reset (tombstone in the offsets topic). */
  offset: SourceOffset | null;
}

/**
 * Source offsets in the compacted offsets topic, in Connect's format: key = JSON `["<connector>",{partition}]`,
 * value = JSON offset map, tombstone = reset. Connect looks offsets up by the key's exact bytes, so keys are
 * written exactly as Connect's JsonConverter does (compact, partition keys in the connector's order).
 */
export interface OffsetStore {
  /** All committed (non-reset) offsets of a connector. */
  offsets(connector: string): Array<{ partition: SourcePartition; offset: SourceOffset }>;
  offset(connector: string, partition: SourcePartition): SourceOffset | null;
  /** Durable once resolved (acknowledged by Kafka). */
  write(connector: string, entries: readonly OffsetEntry[]): Promise<void>;
}

/** An offsets write to be made by someone else (a task's transactional producer), in the offsets topic's format. */
export interface PreparedOffsetWrite {
  topic: string;
  records: KeyValue[];
  /** Call once the records are committed: the store's view then includes them. */
  applied(): void;
}

/** What exactly-once delivery needs of the offset store: its records, written in a task's own transactions. */
export interface TransactionalOffsetStore extends OffsetStore {
  prepareWrite(connector: string, entries: readonly OffsetEntry[]): PreparedOffsetWrite;
  /**
   * Reads the offsets topic on up to its current end (read_committed), so offsets committed by another
   * producer — an earlier instance of a task, now fenced, here or on another worker — are seen before a task starts.
   */
  catchUp(): Promise<void>;
}
