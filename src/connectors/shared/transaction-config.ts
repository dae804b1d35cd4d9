/** Debezium's transaction metadata keys, the same for every connector. */
import type { ConfigKeyDef, ConfigValue } from '../../connect-api/index.js';

export function transactionMetadataKeys(group: string, orderInGroup: number): ConfigKeyDef[] {
  return [
    { name: 'provide.transaction.metadata', type: 'BOOLEAN', default: false, importance: 'LOW', group, orderInGroup,
      documentation: 'Write BEGIN/END records of each transaction to <topic.prefix>.<topic.transaction> and a transaction block (id, total_order, data_collection_order) into each change event.' },
    { name: 'topic.transaction', type: 'STRING', default: 'transaction', importance: 'LOW', group, orderInGroup: orderInGroup + 1,
      validate: (v) => (typeof v === 'string' && !/^[a-zA-Z0-9._-]+$/.test(v) ? 'Must contain only ASCII alphanumerics, ".", "_" and "-" (it is part of a Kafka topic name)' : undefined),
      documentation: 'Suffix of the transaction metadata topic: <topic.prefix>.<topic.transaction>.' },
  ];
}

/** The transaction metadata topic, or null when `provide.transaction.metadata` is off. */
export function transactionTopic(s: Readonly<Record<string, ConfigValue>>, topicPrefix: string): string | null {
  if (s['provide.transaction.metadata'] !== true) return null;
  return `${topicPrefix}.${typeof s['topic.transaction'] === 'string' ? s['topic.transaction'] : 'transaction'}`;
}
