/**
 * How this worker runs a task the herder asks for: a producer of its own (as each Connect task has), the
 * connector's converters (or the worker's defaults), topic creation settings, and the runtime's task runner.
 */
import { createJsonConverter } from '../../schemas/index.js';
import { redactSecretsInText, type SourceTask } from '../connect/index.js';
import type { KafkaClient, TopicSpec } from '../kafka/index.js';
import type { TaskHandle, TaskLauncher } from '../herder/index.js';
import { startSourceTask } from '../runtime/index.js';
import type { OffsetStore, StatusStore } from '../storage/types.js';
import type { WorkerConfig } from './config.js';

export interface TaskLauncherOptions {
  kafka: KafkaClient;
  offsetStore: OffsetStore;
  statusStore: StatusStore;
  config: WorkerConfig;
}

function schemasEnable(connector: Readonly<Record<string, string>>, key: string, workerDefault: boolean): boolean {
  const v = connector[key];
  return v === undefined ? workerDefault : v.trim().toLowerCase() === 'true';
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

/** The plugin's task, with what it throws scrubbed of secrets before the runtime logs or reports it. */
function scrubbingTask(task: SourceTask, secrets: readonly string[]): SourceTask {
  return {
    async run(ctx) {
      try {
        await task.run(ctx);
      } catch (err) {
        throw scrub(err, secrets);
      }
    },
    committed: task.committed?.bind(task),
  };
}

export function createTaskLauncher({ kafka, offsetStore, statusStore, config }: TaskLauncherOptions): TaskLauncher {
  return (launch): TaskHandle => {
    const c = launch.connectorConfig;
    const producer = kafka.createProducer({ idempotent: true });
    const running = startSourceTask({
      connectorName: launch.connector,
      taskId: launch.taskId,
      task: scrubbingTask(launch.plugin.createTask(), launch.secrets),
      config: launch.taskConfig,
      settings: launch.settings,
      producer,
      offsetStore,
      statusStore,
      admin: kafka,
      keyConverter: createJsonConverter({ schemasEnable: schemasEnable(c, 'key.converter.schemas.enable', config.keyConverterSchemasEnable), isKey: true }),
      valueConverter: createJsonConverter({ schemasEnable: schemasEnable(c, 'value.converter.schemas.enable', config.valueConverterSchemasEnable), isKey: false }),
      topicCreation: topicCreationSpec(config, c),
      logger: launch.logger,
      offsetFlushIntervalMs: config.offsetFlushIntervalMs,
      stopTimeoutMs: config.taskShutdownGracefulTimeoutMs,
    });
    // The producer goes when the task does, whether it was stopped, finished or failed.
    const done = running.done.finally(() =>
      producer.disconnect().catch((err: unknown) => launch.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'producer did not disconnect cleanly')),
    );
    return {
      done,
      async stop() {
        await running.stop();
        await done;
      },
      progress: () => running.progress(),
    };
  };
}
