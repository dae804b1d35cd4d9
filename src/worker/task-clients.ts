/**
 * The Kafka clients of one task, configured as Connect and Debezium configure them: its producer from the
 * worker's producer settings overlaid with the connector's `producer.override.*` (Connect's override policy
 * "All"), and the Kafka signal channel's consumer from the worker's consumer settings overlaid with Debezium's
 * `signal.kafka.bootstrap.servers` and `signal.consumer.*`. Checked by `validate` (errors by key) and again when
 * the task starts.
 */
import { ConfigError, configErrorsByKey } from '../errors/index.js';
import { clientConnection, producerSettings, withClientOverrides, type KafkaConnection, type ProducerSettings } from '../kafka/index.js';
import type { WorkerKafka } from './config.js';

export interface TaskClients {
  producer: ProducerSettings;
  /** The signal consumer's own connection, or null when it is the worker's (no signal.* client settings). */
  signalConsumer: KafkaConnection | null;
}

/** Connector-level client overrides this worker does not apply; Connect uses them for other kinds of connector. */
const NOT_APPLIED: Record<string, string> = {
  'admin.override.': 'topics are created with the worker\'s admin settings (admin.* in the worker config)',
  'consumer.override.': 'source connectors here use no consumer of their own (sink connectors and exactly-once source offsets do in Connect)',
};

/** Throws ConfigError naming the key (as written) for a setting that cannot be honoured. */
export function taskClients(kafka: WorkerKafka, connector: Readonly<Record<string, string>>): TaskClients {
  for (const key of Object.keys(connector)) {
    const prefix = Object.keys(NOT_APPLIED).find((p) => key.startsWith(p));
    if (prefix !== undefined) {
      throw new ConfigError(`Configuration ${key} cannot be honoured: ${NOT_APPLIED[prefix]}.`, key, { fix: `Remove ${key}.` });
    }
  }
  const producer = producerSettings(withClientOverrides(kafka.producerProps, connector, 'producer.override.'));
  const brokers = connector['signal.kafka.bootstrap.servers']?.trim();
  const ownSignalSettings = Boolean(brokers) || Object.keys(connector).some((k) => k.startsWith('signal.consumer.'));
  let signalConsumer: KafkaConnection | null = null;
  if (ownSignalSettings) {
    const base = brokers
      ? withClientOverrides(kafka.consumerProps, { 'signal.kafka.bootstrap.servers': brokers }, 'signal.kafka.')
      : kafka.consumerProps;
    signalConsumer = clientConnection(withClientOverrides(base, connector, 'signal.consumer.'));
  }
  return { producer, signalConsumer };
}

/** `taskClients` for `validate`: the first problem, by the key it is about. */
export function checkTaskClients(kafka: WorkerKafka, connector: Readonly<Record<string, string>>): Record<string, string[]> {
  return configErrorsByKey(() => taskClients(kafka, connector), 'connector.class');
}
