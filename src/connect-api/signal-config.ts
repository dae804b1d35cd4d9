/**
 * Config keys for ad-hoc snapshots and signal channels, shared by every connector that takes them
 * (Debezium's names and defaults). Connectors append `SIGNAL_CONFIG_KEYS` to their ConfigDef and read the
 * typed values with `signalSettings`.
 */
import type { ConfigKeyDef, ConfigValue } from './config-def.js';
import { atLeast } from './config-validation.js';

const GROUP = 'Signals';

export const SIGNAL_CONFIG_KEYS: readonly ConfigKeyDef[] = [
  { name: 'signal.data.collection', type: 'STRING', default: null, importance: 'MEDIUM', group: GROUP, orderInGroup: 1,
    documentation: 'Fully qualified signal table (e.g. inventory.debezium_signal or public.debezium_signal) with columns id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048). Its inserts are read from the change stream as signals, and ad-hoc snapshots write their watermarks into it, so the connector user needs INSERT on it. Required for ad-hoc (incremental) snapshots.' },
  { name: 'signal.enabled.channels', type: 'LIST', default: ['source'], importance: 'LOW', group: GROUP, orderInGroup: 2,
    validate: (v) => {
      const bad = (Array.isArray(v) ? v : []).filter((c) => c !== 'source' && c !== 'kafka');
      return bad.length ? `unsupported signal channel(s) ${bad.join(', ')}; supported: source, kafka` : undefined;
    },
    documentation: 'Where signals are read from: source (the signal table) and/or kafka (signal.kafka.topic). The REST API (POST /connectors/{name}/snapshots) is always available.' },
  { name: 'signal.kafka.topic', type: 'STRING', default: null, importance: 'LOW', group: GROUP, orderInGroup: 3,
    documentation: 'Kafka signal topic (default <topic.prefix>-signal); records keyed by topic.prefix with value {"type": ..., "data": {...}}.' },
  { name: 'signal.kafka.bootstrap.servers', type: 'STRING', default: null, importance: 'LOW', group: GROUP, orderInGroup: 4,
    documentation: 'Brokers of the signal topic; default: the worker\'s bootstrap.servers.' },
  { name: 'signal.kafka.groupId', type: 'STRING', default: 'kafka-signal', importance: 'LOW', group: GROUP, orderInGroup: 5,
    documentation: 'Consumer group used to read the signal topic.' },
  { name: 'incremental.snapshot.chunk.size', type: 'INT', default: 1024, importance: 'MEDIUM', group: GROUP, orderInGroup: 6,
    validate: atLeast(1),
    documentation: 'Rows per chunk of an ad-hoc (incremental) snapshot.' },
];

export interface SignalSettings {
  /** As configured (schema/database-qualified), or null when ad-hoc snapshots through the source are off. */
  dataCollection: string | null;
  channels: ReadonlySet<'source' | 'kafka'>;
  kafkaTopic: string;
  kafkaBootstrapServers: string | null;
  kafkaGroupId: string;
  chunkSize: number;
}

export function signalSettings(s: Readonly<Record<string, ConfigValue>>, topicPrefix: string): SignalSettings {
  const str = (v: ConfigValue | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const channels = Array.isArray(s['signal.enabled.channels']) ? s['signal.enabled.channels'] : ['source'];
  return {
    dataCollection: str(s['signal.data.collection']),
    channels: new Set(channels.filter((c): c is 'source' | 'kafka' => c === 'source' || c === 'kafka')),
    kafkaTopic: str(s['signal.kafka.topic']) ?? `${topicPrefix}-signal`,
    kafkaBootstrapServers: str(s['signal.kafka.bootstrap.servers']),
    kafkaGroupId: str(s['signal.kafka.groupId']) ?? 'kafka-signal',
    chunkSize: typeof s['incremental.snapshot.chunk.size'] === 'number' ? s['incremental.snapshot.chunk.size'] : 1024,
  };
}
