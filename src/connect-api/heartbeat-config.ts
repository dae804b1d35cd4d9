/**
 * Debezium's heartbeat topic keys, shared by every connector: `topic.heartbeat.prefix` (Debezium 2.x and later)
 * and its 1.x name `heartbeat.topics.prefix`, still accepted so older configs keep their heartbeat topic.
 */
import type { ConfigKeyDef, ConfigValue } from './config-def.js';

const DEFAULT_PREFIX = '__debezium-heartbeat';

const topicChars = (v: ConfigValue): string | undefined =>
  typeof v === 'string' && !/^[a-zA-Z0-9._-]+$/.test(v) ? 'Must contain only ASCII alphanumerics, ".", "_" and "-" (it is the prefix of a Kafka topic name)' : undefined;

export function heartbeatTopicKeys(group: string, orderInGroup: number): ConfigKeyDef[] {
  return [
    { name: 'topic.heartbeat.prefix', type: 'STRING', default: DEFAULT_PREFIX, importance: 'LOW', group, orderInGroup, validate: topicChars,
      documentation: 'Heartbeat records go to <topic.heartbeat.prefix>.<topic.prefix>.' },
    { name: 'heartbeat.topics.prefix', type: 'STRING', default: null, importance: 'LOW', group, orderInGroup: orderInGroup + 1, validate: topicChars,
      documentation: 'The Debezium 1.x name of topic.heartbeat.prefix; used when topic.heartbeat.prefix is not set.' },
  ];
}

/** The heartbeat topic: `<prefix>.<topic.prefix>`, the old key's prefix only where the current one is left at its default. */
export function heartbeatTopic(s: Readonly<Record<string, ConfigValue>>, topicPrefix: string): string {
  const current = typeof s['topic.heartbeat.prefix'] === 'string' ? s['topic.heartbeat.prefix'] : DEFAULT_PREFIX;
  const old = s['heartbeat.topics.prefix'];
  return `${current === DEFAULT_PREFIX && typeof old === 'string' && old !== '' ? old : current}.${topicPrefix}`;
}
