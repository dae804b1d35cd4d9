/**
 * How this worker runs a task the herder asks for: a producer of its own (as each Connect task has), the
 * connector's converters (or the worker's defaults), topic creation settings, and the runtime's task runner.
 */
import type { NameAdjustmentMode } from '../../schemas/index.js';
import { redactSecretsInText, signalSettings, type ConfigValue, type PluginRegistry, type SourceTask } from '../connect-api/index.js';
import { converterSettings, createConverter } from '../converters/index.js';
import { createKafkaClient, type KafkaClient, type KafkaConnection, type TopicSpec } from '../kafka/index.js';
import type { TaskHandle, TaskLaunch, TaskLauncher } from '../herder/index.js';
import type { Logger } from '../logging/index.js';
import { openKafkaSignalChannel, startSourceTask, type ErrorHandling, type KafkaSignalChannel } from '../runtime/index.js';
import { createTransformChain } from '../transforms/index.js';
import type { OffsetStore, StatusStore, TransactionalOffsetStore } from '../storage/types.js';
import type { WorkerConfig } from './config.js';
import { exactlyOnceSettings, transactionalId } from './exactly-once.js';
import { taskClients } from './task-clients.js';

export interface TaskLauncherOptions {
  kafka: KafkaClient;
  /** Exactly-once delivery needs the transactional one (the offsets topic); standalone's file store is not. */
  offsetStore: OffsetStore | TransactionalOffsetStore;
  statusStore: StatusStore;
  config: WorkerConfig;
  /** Where the connectors' transforms and predicates are found. */
  plugins: Pick<PluginRegistry, 'findTransformation' | 'findPredicate'>;
}

/** The connector's errors.* settings (parsed and validated with its config). */
export function errorHandling(settings: Readonly<Record<string, ConfigValue>>): ErrorHandling {
  const dlq = (settings['errors.deadletterqueue.topic.name'] as string | null) ?? '';
  return {
    tolerance: settings['errors.tolerance'] === 'all' ? 'all' : 'none',
    logEnable: settings['errors.log.enable'] === true,
    logIncludeMessages: settings['errors.log.include.messages'] === true,
    retryTimeoutMs: (settings['errors.retry.timeout'] as number | null) ?? 0,
    retryDelayMaxMs: (settings['errors.retry.delay.max.ms'] as number | null) ?? 60_000,
    deadLetterTopic: dlq.trim() === '' ? null : dlq.trim(),
    deadLetterHeaders: settings['errors.deadletterqueue.context.headers.enable'] !== false,
  };
}

/** The connector's key and value converters: its own `*.converter` settings, else the worker's (as Connect). */
function converters(config: WorkerConfig, connector: Readonly<Record<string, string>>, settings: Readonly<Record<string, ConfigValue>>) {
  // Debezium adjusts names connector-side; here the Avro converter applies the connector's modes (JSON needs none).
  const mode = (key: string): NameAdjustmentMode => {
    const v = settings[key];
    return v === 'avro' || v === 'avro_unicode' ? v : 'none';
  };
  const nameAdjustment = { schema: mode('schema.name.adjustment.mode'), field: mode('field.name.adjustment.mode') };
  const make = (isKey: boolean) => {
    const role = isKey ? 'key.converter' : 'value.converter';
    const worker = isKey
      ? { className: config.keyConverter, props: config.keyConverterProps }
      : { className: config.valueConverter, props: config.valueConverterProps };
    return createConverter({ ...converterSettings(role, connector, worker), isKey, nameAdjustment });
  };
  return { keyConverter: make(true), valueConverter: make(false) };
}

const NOT_TOPIC_CONFIGS = new Set(['partitions', 'replication.factor', 'include', 'exclude']);

/**
 * Connect's rule: a source connector creates its topics only when the worker allows it and the connector sets
 * `topic.creation.default.replication.factor` and `.partitions`; other `topic.creation.default.*` keys are topic
 * configs. Otherwise the broker auto-creates topics with its defaults. (Groups other than `default` are not
 * applied: every topic gets the default group's settings.)
 */
export function topicCreationSpec(config: WorkerConfig, connector: Readonly<Record<string, string>>): TopicSpec | null {
  const prefix = 'topic.creation.default.';
  const partitions = connector[`${prefix}partitions`];
  const replication = connector[`${prefix}replication.factor`];
  if (!config.topicCreationEnable || partitions === undefined || replication === undefined) return null;
  const configs: Record<string, string> = {};
  for (const [k, v] of Object.entries(connector)) {
    if (!k.startsWith(prefix)) continue;
    const name = k.slice(prefix.length);
    if (!NOT_TOPIC_CONFIGS.has(name)) configs[name] = v;
  }
  return { partitions: Number(partitions), replicationFactor: Number(replication), configs };
}

/** Scrubs secret values out of an error (and its causes) in place, so no log line or trace shows them. */
function scrub(err: unknown, secrets: readonly string[], depth = 0): unknown {
  if (!(err instanceof Error) || secrets.length === 0 || depth > 5) return err;
  err.message = redactSecretsInText(err.message, secrets);
  if (err.stack) err.stack = redactSecretsInText(err.stack, secrets);
  if (err.cause !== undefined) scrub(err.cause, secrets, depth + 1);
  return err;
}

/**
 * The plugin's task, with what it throws scrubbed of secrets before the runtime logs or reports it. `before`
 * runs first (its failure is the task's).
 */
function scrubbingTask(task: SourceTask, secrets: readonly string[], before?: () => Promise<void>): SourceTask {
  return {
    async run(ctx) {
      try {
        await before?.();
        await task.run(ctx);
      } catch (err) {
        throw scrub(err, secrets);
      }
    },
    committed: task.committed?.bind(task),
    signal: task.signal?.bind(task),
  };
}

/**
 * The Kafka signal channel of a task, when its connector enables it (`signal.enabled.channels` has `kafka`).
 * It opens once the task first reports that it is streaming — as Debezium reads signals from the streaming
 * phase on, and so a signal is never consumed (and committed) while the task could not act on it yet — and
 * closes with the task.
 */
function kafkaSignalChannel(launch: TaskLaunch, task: SourceTask, workerKafka: KafkaClient, ownConnection: KafkaConnection | null, logger: Logger) {
  const prefix = launch.settings['topic.prefix'];
  const settings = signalSettings(launch.settings, typeof prefix === 'string' ? prefix : '');
  if (!settings.channels.has('kafka')) return null;
  if (!task.signal || typeof prefix !== 'string' || prefix === '') {
    logger.warn({ connectorClass: launch.plugin.className }, 'signal.enabled.channels has kafka, but this connector takes no ad-hoc snapshot commands; the Kafka signal channel stays closed');
    return null;
  }
  let channel: KafkaSignalChannel | undefined;
  let ownClient: KafkaClient | undefined;
  let closed = false;
  return {
    onProgress(phase: string) {
      if (channel || closed || phase !== 'streaming') return;
      let kafka = workerKafka;
      if (ownConnection) {
        kafka = ownClient = createKafkaClient({ connection: ownConnection, clientId: `tscdc-signal-${launch.connector}`, logger: logger.child({ component: 'kafka' }) });
      }
      channel = openKafkaSignalChannel({
        kafka, topic: settings.kafkaTopic, groupId: settings.kafkaGroupId, topicPrefix: prefix, logger,
        deliver: (command) => task.signal!(command),
      });
    },
    async close() {
      closed = true;
      await channel?.close();
      await ownClient?.close().catch(() => undefined);
    },
  };
}

export function createTaskLauncher({ kafka, offsetStore, statusStore, config, plugins }: TaskLauncherOptions): TaskLauncher {
  return (launch): TaskHandle => {
    const c = launch.connectorConfig;
    // First: a converter setting that cannot work fails the task before any client is made.
    const { keyConverter, valueConverter } = converters(config, c, launch.settings);
    const transforms = createTransformChain(c, plugins);
    const errors = errorHandling(launch.settings);
    const clients = taskClients(config.kafka, c);
    const exactlyOnce = exactlyOnceSettings(config, c);
    const txOffsets = exactlyOnce.enabled ? transactionalOffsets(offsetStore) : undefined;
    for (const [key, why] of Object.entries(clients.producer.unused)) launch.logger.warn({ key }, `producer setting ${key} has no effect: ${why}`);
    // Connect's client id for a task's producer.
    const producerOptions = { clientId: `connector-producer-${launch.connector}-${launch.taskId}`, ...clients.producer.options };
    const producer = kafka.createProducer(producerOptions);
    const txProducer = exactlyOnce.enabled
      ? kafka.createTransactionalProducer({ ...producerOptions, transactionalId: transactionalId(config.groupId, launch.connector, launch.taskId) })
      : undefined;
    // Exactly-once: claim the transactional id first — fencing an earlier instance of this task and aborting
    // what it left open — and only then read the offsets, so none that instance could still commit is missed.
    const fenceThenReadOffsets = txProducer ? async () => {
      await txProducer.fence();
      await txOffsets!.catchUp();
    } : undefined;
    // As Connect does for a sink's dead letter queue: the topic exists before the first record can need it.
    const dlq = errors.deadLetterTopic;
    const dlqRf = (launch.settings['errors.deadletterqueue.topic.replication.factor'] as number | null) ?? 3;
    const createDlq = dlq === null ? undefined : async () => {
      await kafka.ensureTopic(dlq, { partitions: 1, replicationFactor: dlqRf });
    };
    const beforeRun = createDlq && fenceThenReadOffsets ? async () => { await createDlq(); await fenceThenReadOffsets(); } : createDlq ?? fenceThenReadOffsets;
    const task = scrubbingTask(launch.plugin.createTask(), launch.secrets, beforeRun);
    const signals = kafkaSignalChannel(launch, task, kafka, clients.signalConsumer, launch.logger);
    const running = startSourceTask({
      connectorName: launch.connector,
      taskId: launch.taskId,
      task,
      config: launch.taskConfig,
      settings: launch.settings,
      producer,
      ...(txProducer && exactlyOnce.enabled ? {
        transactional: { producer: txProducer, boundary: exactlyOnce.boundary, offsetWrite: (entries) => txOffsets!.prepareWrite(launch.connector, entries) },
      } : {}),
      offsetStore,
      statusStore,
      admin: kafka,
      keyConverter,
      valueConverter,
      transforms,
      errorHandling: errors,
      topicCreation: topicCreationSpec(config, c),
      logger: launch.logger,
      maxBatchBytes: clients.producer.maxRequestBytes,
      offsetFlushIntervalMs: offsetCommitIntervalMs(config.offsetFlushIntervalMs),
      maxUncommittedRecords: maxUncommittedRecords(c),
      stopTimeoutMs: config.taskShutdownGracefulTimeoutMs,
      onProgress: signals ? (progress) => signals.onProgress(progress.phase) : undefined,
    });
    const disconnect = (p: { disconnect(): Promise<void> }) => p.disconnect().catch((err: unknown) => launch.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'producer did not disconnect cleanly'));
    // The producers and the signal channel go when the task does, whether it was stopped, finished or failed.
    const done = running.done.finally(() => Promise.all([
      signals?.close(),
      disconnect(producer),
      txProducer ? txProducer.abort().catch(() => undefined).then(() => disconnect(txProducer)) : undefined,
    ]));
    return {
      done,
      async stop() {
        // No new signal reaches a task that is stopping; one in hand finishes (and is committed) first.
        await Promise.all([signals?.close(), running.stop()]);
        await done;
      },
      progress: () => running.progress(),
      ...(task.signal ? { signal: (command) => task.signal!(command) } : {}),
    };
  };
}

function transactionalOffsets(store: OffsetStore | TransactionalOffsetStore): TransactionalOffsetStore {
  // The worker's config refuses exactly-once where offsets are not in a topic; this is the type's proof of it.
  if (!('prepareWrite' in store)) throw new Error('exactly-once delivery needs the offsets topic; this worker keeps offsets elsewhere');
  return store;
}

/**
 * How often a busy task commits the offsets of acknowledged records: every ACKED_COMMIT_INTERVAL_MS, so a crash
 * re-sends little more than what was in flight (a resumed snapshot restarts at its last committed chunk), and
 * never less often than `offset.flush.interval.ms`, which stays the upper bound as in Connect. Writes are batched:
 * one offsets-topic record per source partition per commit however many records it covers.
 */
export const ACKED_COMMIT_INTERVAL_MS = 250;

export function offsetCommitIntervalMs(offsetFlushIntervalMs: number): number {
  return Math.min(offsetFlushIntervalMs, ACKED_COMMIT_INTERVAL_MS);
}

/** Debezium's default max.queue.size. */
export const DEFAULT_MAX_QUEUE_SIZE = 8192;

/**
 * A crash re-sends at most `max.queue.size` records (Debezium's bound of the records between the source and
 * Kafka): a task commits before Kafka holds more than that past its last durable offset.
 */
export function maxUncommittedRecords(connectorConfig: Readonly<Record<string, string>>): number {
  const n = Number(connectorConfig['max.queue.size']);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_MAX_QUEUE_SIZE;
}
