/**
 * The worker keys of standalone mode (Connect's StandaloneConfig): `offset.storage.file.filename` is required, and
 * the keys that only mean something in a group with internal topics are refused. Connect's standalone worker
 * ignores them; here a setting that cannot be honoured stops the worker, naming the key, so that a distributed
 * worker.properties reused for standalone does not look like it shares configs or offsets with a cluster.
 */
import type { ConfigDef, ConfigKeyDef } from '../connect-api/config-def.js';
import { nonEmptyString } from '../connect-api/index.js';
import type { ConfigValue } from '../connect-api/index.js';
import { ConfigError } from '../errors/index.js';
import type { WorkerConfig, WorkerGroupConfig } from './config.js';

export const OFFSET_FILE_KEY: ConfigKeyDef = {
  name: 'offset.storage.file.filename', type: 'STRING', importance: 'HIGH', validate: nonEmptyString,
  documentation: 'Standalone mode: the file source offsets are kept in (JSON, written atomically at every offset commit). Required.',
};

/** Keys of a distributed worker's group membership (besides group.id and the *.storage.* topic keys). */
const GROUP_ONLY = new Set(['group.id', 'scheduled.rebalance.max.delay.ms', 'session.timeout.ms', 'heartbeat.interval.ms', 'rebalance.timeout.ms', 'connect.protocol']);
const STORAGE_PREFIXES = ['config.storage.', 'offset.storage.', 'status.storage.'];

export function isDistributedOnly(key: string): boolean {
  if (key === OFFSET_FILE_KEY.name) return false;
  return GROUP_ONLY.has(key) || STORAGE_PREFIXES.some((p) => key.startsWith(p));
}

/** The distributed worker's def without its distributed-only keys, plus the offsets file. */
export function standaloneDef(distributed: ConfigDef): ConfigDef {
  return { ...distributed, keys: [...distributed.keys.filter((k) => !isDistributedOnly(k.name)), OFFSET_FILE_KEY] };
}

const FIX = 'Remove it from the worker properties (and CONNECT_* variables): a standalone worker has no group and no internal topics; its connectors come from the files on the command line, its offsets are in offset.storage.file.filename.';

export function refuseDistributedOnly(props: Readonly<Record<string, string>>): void {
  const key = Object.keys(props).find(isDistributedOnly);
  if (key !== undefined) {
    throw new ConfigError(`Invalid worker configuration: ${key} is a distributed worker's setting and cannot be honoured in standalone mode.`, key, { fix: FIX });
  }
}

/** Exactly-once source delivery writes offsets in the offsets topic within the task's transactions: no topic here. */
export function refuseExactlyOnce(settings: Readonly<Record<string, ConfigValue>>): void {
  if (settings['exactly.once.source.support'] === 'enabled') {
    throw new ConfigError('Invalid worker configuration: exactly.once.source.support=enabled cannot be honoured in standalone mode: offsets are in a local file, which Kafka transactions cannot include (Connect supports it only for distributed workers).', 'exactly.once.source.support', {
      fix: 'Remove exactly.once.source.support (standalone delivers at least once), or run a distributed worker (tscdc worker.properties).',
    });
  }
}

/** Not used in standalone mode; Connect's defaults, so the typed config stays complete. */
export const STANDALONE_GROUP: WorkerGroupConfig = {
  scheduledRebalanceMaxDelayMs: 300000, sessionTimeoutMs: 10000, heartbeatIntervalMs: 3000, rebalanceTimeoutMs: 60000, protocol: 'sessioned',
};

export const STANDALONE_STORAGE = {
  mode: 'standalone',
  groupId: '',
  configStorageTopic: '',
  offsetStorageTopic: '',
  statusStorageTopic: '',
  configStorageReplicationFactor: -1,
  offsetStorageReplicationFactor: -1,
  statusStorageReplicationFactor: -1,
  offsetStoragePartitions: 25,
  statusStoragePartitions: 5,
} as const satisfies Partial<WorkerConfig>;
