import type { SourceOffset, SourcePartition } from '../connect-api/index.js';
import type { KafkaClient } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import type { KeyValue } from './config-records.js';
import { decodeOffsetRecord, encodeOffsetKey, encodeOffsetValue, partitionIdentity } from './offset-records.js';
import { createTopicLog } from './topic-log.js';
import type { OffsetEntry, PreparedOffsetWrite, TransactionalOffsetStore } from './types.js';

export interface KafkaOffsetStoreOptions {
  /** `offset.storage.topic`. */
  topic: string;
  /** `offset.storage.partitions`; Connect's default is 25. */
  partitions?: number;
  /** `offset.storage.replication.factor`; -1 = broker default. */
  replicationFactor: number;
  topicConfigs?: Readonly<Record<string, string>>;
}

export interface KafkaOffsetStore extends TransactionalOffsetStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Follows the topic in the background, so GET /connectors/{name}/offsets is current on every worker. */
  follow(intervalMs: number, logger: Logger): void;
}

interface Entry {
  /** The exact key bytes in the topic; rewrites reuse them so compaction replaces the old record. */
  key: Buffer;
  connector: string;
  partition: SourcePartition;
  offset: SourceOffset;
}

/** Source offsets in Connect's offsets topic; keys are produced with murmur2 partitioning like Connect's. */
export function createKafkaOffsetStore(kafka: KafkaClient, options: KafkaOffsetStoreOptions): KafkaOffsetStore {
  const log = createTopicLog(kafka, {
    topic: options.topic,
    partitions: options.partitions ?? 25,
    replicationFactor: options.replicationFactor,
    configs: options.topicConfigs,
    purpose: 'offset.storage.topic',
  });
  // connector → partition identity (key-order independent) → entry
  const byConnector = new Map<string, Map<string, Entry>>();
  // Exact key bytes of partitions ever seen, also after a reset, so the same partition keeps the same key.
  const keys = new Map<string, Buffer>();

  function apply(connector: string, identity: string, key: Buffer, partition: SourcePartition, offset: SourceOffset | null): void {
    keys.set(identity, key);
    let entries = byConnector.get(connector);
    if (offset === null) {
      entries?.delete(identity);
      return;
    }
    if (!entries) byConnector.set(connector, (entries = new Map()));
    entries.set(identity, { key, connector, partition, offset });
  }

  const applyRecord = (key: Buffer | null, value: Buffer | null) => {
    const rec = decodeOffsetRecord(key, value);
    if (rec && key) apply(rec.connector, partitionIdentity(rec.connector, rec.partition), key, rec.partition, rec.offset);
  };

  function prepareWrite(connector: string, entries: readonly OffsetEntry[]): PreparedOffsetWrite {
    const records: KeyValue[] = [];
    const identities: string[] = [];
    for (const e of entries) {
      const identity = partitionIdentity(connector, e.partition);
      identities.push(identity);
      records.push({ key: keys.get(identity) ?? encodeOffsetKey(connector, e.partition), value: encodeOffsetValue(e.offset) });
    }
    return {
      topic: options.topic,
      records,
      applied() {
        for (let i = 0; i < entries.length; i++) apply(connector, identities[i]!, records[i]!.key, entries[i]!.partition, entries[i]!.offset);
      },
    };
  }

  return {
    start: () => log.start(applyRecord),
    stop: () => log.stop(),
    catchUp: () => log.catchUp(),
    follow: (intervalMs, logger) => log.follow(intervalMs, logger),
    offsets(connector) {
      return [...(byConnector.get(connector)?.values() ?? [])].map((e) => ({ partition: e.partition, offset: e.offset }));
    },
    offset(connector, partition) {
      return byConnector.get(connector)?.get(partitionIdentity(connector, partition))?.offset ?? null;
    },
    prepareWrite,
    async write(connector, entries) {
      if (entries.length === 0) return;
      const prepared = prepareWrite(connector, entries);
      await log.write(prepared.records);
      prepared.applied();
    },
  };
}
