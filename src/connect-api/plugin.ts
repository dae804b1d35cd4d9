import type { ConnectSchema } from '../../schemas/connect-schema.js';
import type { Logger } from '../logging/index.js';
import type { SnapshotCommand } from '../../snapshot/signals.js';
import type { ConfigDef, ConfigValue } from './config-def.js';

/** Kafka Connect's source partition and offset: small JSON maps with fixed keys. */
export type SourcePartition = Readonly<Record<string, string | number | boolean | null>>;
export type SourceOffset = Readonly<Record<string, unknown>>;

/**
 * One change as a connector emits it, before conversion. Schemas are shared per table (no per-row
 * allocation); `value: null` is a tombstone.
 *
 * `partition`/`offset` say where to resume once this record is in Kafka. They may be left out on all but
 * the last record of a batch: the runtime commits, per source partition, the last offset it has seen among
 * acknowledged records, so a record without one is simply re-delivered after a crash (at-least-once).
 */
export interface ChangeRecord {
  topic: string;
  keySchema: ConnectSchema | null;
  key: unknown;
  valueSchema: ConnectSchema | null;
  value: unknown;
  partition?: SourcePartition;
  offset?: SourceOffset;
  /** Kafka record timestamp (ms). Defaults to the time of sending. */
  timestamp?: number;
  /** Explicit Kafka partition; otherwise the key's hash chooses, as Connect's default partitioner does. */
  kafkaPartition?: number;
  headers?: Readonly<Record<string, string | Buffer>>;
}

/**
 * Where a task sends records. `send` converts the records, puts them on a queue bounded in bytes and resolves
 * once they are queued; while the queue is full it does not resolve, which pauses the reader (backpressure).
 * Records go to Kafka in the order they were sent.
 */
export interface RecordSink {
  send(records: readonly ChangeRecord[]): Promise<void>;
  /** Resolves when every record sent so far is acknowledged by Kafka and its offset committed. */
  flush(): Promise<void>;
  /**
   * Commits an offset that no record carries, in order after everything sent so far, and resolves once it is
   * durable. For positions that must be known before any record goes out (e.g. where a fresh snapshot starts,
   * so a crash after its first records can still replay from there).
   */
  commitOffset(partition: SourcePartition, offset: SourceOffset): Promise<void>;
}

/** The task's view of committed offsets (those already durable in the offsets topic). */
export interface OffsetReader {
  offset(partition: SourcePartition): SourceOffset | null;
}

/** Progress a task reports; shown in `GET /connectors/{name}/status` and in logs. */
export interface TaskProgress {
  phase: 'snapshot' | 'streaming' | 'done' | string;
  [detail: string]: unknown;
}

export interface SourceTaskContext {
  readonly connectorName: string;
  readonly taskId: number;
  /** Task config as produced by `ConnectorPlugin.taskConfigs`, with config providers already resolved. */
  readonly config: Readonly<Record<string, string>>;
  /** Parsed and validated values of the connector's ConfigDef (defaults applied). */
  readonly settings: Readonly<Record<string, ConfigValue>>;
  readonly offsets: OffsetReader;
  readonly sink: RecordSink;
  readonly logger: Logger;
  /** Aborted when the task must stop (pause, stop, delete, restart, worker shutdown). */
  readonly signal: AbortSignal;
  reportProgress(progress: TaskProgress): void;
}

/** Offsets that have just become durable in the offsets topic, per source partition. */
export interface CommittedOffsets {
  readonly entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset }>;
}

export interface SourceTask {
  /**
   * Runs until `ctx.signal` is aborted (then returns promptly, without throwing) or the work is done
   * (e.g. `snapshot.mode=initial_only`). Throwing fails the task: status FAILED with the error's trace.
   * Retriable errors should be retried inside the task with backoff; a non-retriable one is thrown.
   */
  run(ctx: SourceTaskContext): Promise<void>;
  /** Called after offsets are durable in Kafka, e.g. so PostgreSQL can confirm the slot's LSN. */
  committed?(offsets: CommittedOffsets): void | Promise<void>;
  /** Ad-hoc snapshot commands (snapshot/signals.ts); absent when the connector cannot take them. */
  signal?(command: SnapshotCommand): string | null;
}

export interface ValidationResult {
  /** Errors per config key, shown in Connect's validate response. */
  errors: Record<string, string[]>;
}

export interface ConnectorPlugin {
  /** Fully qualified name users put in `connector.class`, e.g. `io.debezium.connector.mysql.MySqlConnector`. */
  readonly className: string;
  /** Other names accepted in `connector.class` (short names of ours). */
  readonly aliases: readonly string[];
  readonly type: 'source';
  readonly version: string;
  readonly configDef: ConfigDef;
  /**
   * Checks beyond the ConfigDef, including reachability and server prerequisites (binlog settings,
   * wal_level, privileges). `settings` are the parsed ConfigDef values. Must not throw for a user error.
   */
  validate?(settings: Readonly<Record<string, ConfigValue>>, config: Readonly<Record<string, string>>): Promise<ValidationResult>;
  /** Splits the connector config into task configs (at most `maxTasks`). */
  taskConfigs(config: Readonly<Record<string, string>>, maxTasks: number): Record<string, string>[];
  createTask(): SourceTask;
  /**
   * Checks offsets a user wants to set (PATCH /connectors/{name}/offsets, connector STOPPED) against the
   * source: a position the server no longer has (purged binlog, WAL behind the slot) is refused. Returns one
   * message per problem (empty = accepted); a null offset (removal) needs no check. Must not throw for a user
   * error; an unreachable server is a problem too, since the position cannot be checked.
   */
  validateOffsets?(
    settings: Readonly<Record<string, ConfigValue>>,
    offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): Promise<string[]>;
  /** Cleanup when the connector is deleted (e.g. drop a replication slot when `slot.drop.on.stop`). */
  onDelete?(settings: Readonly<Record<string, ConfigValue>>, logger: Logger): Promise<void>;
}

/**
 * Kafka Connect's Single Message Transforms and predicates, on this project's record model.
 *
 * A transform sees a `ChangeRecord` after the connector and before the converter. It returns the same object
 * when nothing changes, a new record (a shallow copy with the changed parts; never mutate the input, the
 * connector may share values between records), or `null` to drop the record. Headers are the header
 * converter's text (`headerText` in schemas/) keyed by name.
 *
 * Hot path: `apply` runs per record. Anything derived from a schema (a new schema, a field plan) is computed
 * once per input schema object and cached (`WeakMap<ConnectSchema, …>`): connectors share one schema object
 * per table version, and converters cache their writers per schema object, so a transform must return the
 * same output schema object for the same input schema object.
 */
export interface Transformation {
  apply(record: ChangeRecord): ChangeRecord | null;
}

export interface Predicate {
  test(record: ChangeRecord): boolean;
}

/** What a transform or predicate plugin gets to build one configured instance. */
export interface PluginConfig {
  /** Parsed values of the plugin's ConfigDef (defaults applied), keys without the `transforms.<alias>.` prefix. */
  settings: Readonly<Record<string, ConfigValue>>;
  /** The raw keys under the prefix, prefix removed (for plugins that take free-form keys). */
  props: Readonly<Record<string, string>>;
}

interface ConfigurablePlugin {
  /** The Java class name users configure, e.g. `org.apache.kafka.connect.transforms.ReplaceField$Value`. */
  readonly className: string;
  /** Other names Connect accepts for it (simple names where Connect has aliases). */
  readonly aliases: readonly string[];
  readonly version: string;
  /** Keys as Connect documents them; `GET /connector-plugins/{class}/config` shows them. */
  readonly configDef: ConfigDef;
  /**
   * Checks across keys that a ConfigDef cannot express; errors per key (unprefixed). Must not throw for a user
   * error. `create` may assume this passed.
   */
  validate?(config: PluginConfig): Record<string, string[]>;
}

export interface TransformationPlugin extends ConfigurablePlugin {
  readonly kind: 'transformation';
  create(config: PluginConfig): Transformation;
}

export interface PredicatePlugin extends ConfigurablePlugin {
  readonly kind: 'predicate';
  create(config: PluginConfig): Predicate;
}

/** The plugins a worker knows (connectors, transforms, predicates), found by class name or alias. */
export interface PluginRegistry {
  all(): readonly ConnectorPlugin[];
  /** The plugin for a `connector.class` value, or undefined. */
  find(classOrAlias: string): ConnectorPlugin | undefined;
  transformations(): readonly TransformationPlugin[];
  predicates(): readonly PredicatePlugin[];
  findTransformation(classOrAlias: string): TransformationPlugin | undefined;
  findPredicate(classOrAlias: string): PredicatePlugin | undefined;
}
