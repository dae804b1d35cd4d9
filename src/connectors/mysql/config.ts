/**
 * The MySQL/MariaDB connector's configuration: Debezium's keys and defaults, parsed once into typed settings.
 */
import type { ConfigDef, ConfigKeyDef, ConfigValue } from '../../connect-api/index.js';
import { atLeast, between, heartbeatTopic, heartbeatTopicKeys, nonEmptyString, SIGNAL_CONFIG_KEYS, signalSettings, type SignalSettings } from '../../connect-api/index.js';
import type { TypeModes } from '../../../schemas/mysql/index.js';
import type { MySqlConnectionConfig } from '../../db/mysql.js';
import { tableFiltersFromConfig, type TableFilters } from '../../../snapshot/index.js';
import { transactionMetadataKeys, transactionTopic } from '../shared/transaction-config.js';
import { nameAdjustmentKeys } from '../shared/name-adjustment-config.js';
import { mysqlTlsFromConfig, mysqlTlsKeys } from './tls-config.js';
import { SNAPSHOT_MODE_ALIASES, SNAPSHOT_MODES, type SnapshotMode } from '../shared/start-plan.js';

type Validate = NonNullable<ConfigKeyDef['validate']>;

const CONN = 'Connection';
const FILTERS = 'Filters';
const SNAP = 'Snapshot';
const EVENTS = 'Events';
const ENGINE = 'Engine';

const NO_SCHEMA_HISTORY =
  'no schema history topic is kept: row events are decoded with the table definitions the binlog carries ' +
  '(binlog_row_metadata=FULL) and INFORMATION_SCHEMA';

const topicName: Validate = (v) =>
  typeof v === 'string' && !/^[a-zA-Z0-9._-]+$/.test(v)
    ? 'Must contain only ASCII alphanumerics, ".", "_" and "-" (it is the prefix of Kafka topic names)'
    : undefined;

function notBoth(other: string): Validate {
  return (v, all) => {
    const o = all[other];
    return Array.isArray(v) && v.length > 0 && Array.isArray(o) && o.length > 0
      ? `Cannot be set together with "${other}"; use one of them`
      : undefined;
  };
}

const queueAboveBatch: Validate = (v, all) =>
  typeof v === 'number' && typeof all['max.batch.size'] === 'number' && v <= all['max.batch.size']
    ? 'Must be larger than max.batch.size'
    : undefined;

const serverId: Validate = (v) => (typeof v === 'number' && (v < 1 || v > 4294967295) ? 'Must be between 1 and 4294967295' : undefined);

export const MYSQL_CONFIG_DEF: ConfigDef = {
  keys: [
    { name: 'database.hostname', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 1, validate: nonEmptyString,
      documentation: 'Host name or address of the MySQL/MariaDB server.' },
    { name: 'database.port', type: 'INT', default: 3306, importance: 'HIGH', group: CONN, orderInGroup: 2, validate: between(1, 65535),
      documentation: 'Port of the MySQL/MariaDB server.' },
    { name: 'database.user', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 3, validate: nonEmptyString,
      documentation: 'User to connect as; needs SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE and REPLICATION CLIENT.' },
    { name: 'database.password', type: 'PASSWORD', default: null, importance: 'HIGH', group: CONN, orderInGroup: 4,
      documentation: 'Password of database.user.' },
    { name: 'database.server.id', type: 'LONG', default: null, importance: 'LOW', group: CONN, orderInGroup: 5, validate: serverId,
      documentation: 'Replica server id the connector announces when reading the binlog; must differ from every other replica. ' +
        'Unset: derived from the connector name.' },
    ...mysqlTlsKeys(CONN, 20),
    { name: 'connect.timeout.ms', type: 'LONG', default: 30000, importance: 'LOW', group: CONN, orderInGroup: 7, validate: atLeast(1),
      documentation: 'Time to wait for a connection to the server.' },
    { name: 'topic.prefix', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 8, validate: (v, a) => nonEmptyString(v, a) ?? topicName(v, a),
      documentation: 'Prefix of every topic name (<topic.prefix>.<db>.<table>) and the logical server name in source offsets.' },

    { name: 'database.include.list', type: 'LIST', default: null, importance: 'HIGH', group: FILTERS, orderInGroup: 1, validate: notBoth('database.exclude.list'),
      documentation: 'Regular expressions matching the names of databases to capture; all non-system databases when unset.' },
    { name: 'database.exclude.list', type: 'LIST', default: null, importance: 'MEDIUM', group: FILTERS, orderInGroup: 2, validate: notBoth('database.include.list'),
      documentation: 'Regular expressions matching the names of databases not to capture.' },
    { name: 'table.include.list', type: 'LIST', default: null, importance: 'HIGH', group: FILTERS, orderInGroup: 3, validate: notBoth('table.exclude.list'),
      documentation: 'Regular expressions matching <db>.<table> of tables to capture.' },
    { name: 'table.exclude.list', type: 'LIST', default: null, importance: 'MEDIUM', group: FILTERS, orderInGroup: 4, validate: notBoth('table.include.list'),
      documentation: 'Regular expressions matching <db>.<table> of tables not to capture.' },
    { name: 'column.include.list', type: 'LIST', default: null, importance: 'MEDIUM', group: FILTERS, orderInGroup: 5, validate: notBoth('column.exclude.list'),
      documentation: 'Regular expressions matching <db>.<table>.<column> of columns to include in events.' },
    { name: 'column.exclude.list', type: 'LIST', default: null, importance: 'MEDIUM', group: FILTERS, orderInGroup: 6, validate: notBoth('column.include.list'),
      documentation: 'Regular expressions matching <db>.<table>.<column> of columns to leave out of events.' },
    { name: 'message.key.columns', type: 'STRING', default: null, importance: 'MEDIUM', group: FILTERS, orderInGroup: 7,
      documentation: 'Key columns per table instead of the primary key: <db>.<table-regex>:<col>[,<col>...][;...].' },

    { name: 'snapshot.mode', type: 'STRING', default: 'initial', allowed: SNAPSHOT_MODES, valueAliases: SNAPSHOT_MODE_ALIASES,
      importance: 'HIGH', group: SNAP, orderInGroup: 1,
      documentation: 'initial: snapshot when there are no offsets, then stream; initial_only: snapshot, then stop; ' +
        'no_data (alias schema_only, never): stream from the current binlog position without reading existing rows; ' +
        'when_needed: like initial, and snapshot again when the stored binlog position is gone; always: snapshot at every start.' },
    { name: 'snapshot.fetch.size', type: 'INT', default: null, importance: 'MEDIUM', group: SNAP, orderInGroup: 2, validate: atLeast(1),
      documentation: 'Rows per snapshot chunk.' },
    { name: 'snapshot.max.threads', type: 'INT', default: 1, importance: 'MEDIUM', group: SNAP, orderInGroup: 3, validate: atLeast(1),
      documentation: 'Tables read in parallel during a snapshot.' },
    { name: 'snapshot.locking.mode', type: 'STRING', default: 'minimal', importance: 'LOW', group: SNAP, orderInGroup: 4,
      ignoredBecause: 'snapshots take no locks: each table is read in its own consistent-snapshot transaction',
      documentation: 'Debezium\'s global read lock behaviour during snapshots.' },

    { name: 'tombstones.on.delete', type: 'BOOLEAN', default: true, importance: 'MEDIUM', group: EVENTS, orderInGroup: 1,
      documentation: 'Emit a tombstone (null value) after each delete event so compaction can drop the key.' },
    { name: 'skipped.operations', type: 'LIST', default: ['t'], allowed: ['c', 'u', 'd', 't', 'none'], importance: 'LOW', group: EVENTS, orderInGroup: 2,
      documentation: 'Operations not to emit: c (create), u (update), d (delete), t (truncate); none emits all.' },
    { name: 'decimal.handling.mode', type: 'STRING', default: 'precise', allowed: ['precise', 'double', 'string'], importance: 'MEDIUM', group: EVENTS, orderInGroup: 3,
      documentation: 'DECIMAL as Connect Decimal (precise), float64 (double) or text (string).' },
    { name: 'time.precision.mode', type: 'STRING', default: 'adaptive_time_microseconds', allowed: ['adaptive_time_microseconds', 'adaptive', 'connect'],
      importance: 'MEDIUM', group: EVENTS, orderInGroup: 4,
      documentation: 'Temporal types as Debezium\'s types by column precision (adaptive_time_microseconds: TIME always in microseconds) or Kafka Connect\'s (connect).' },
    { name: 'bigint.unsigned.handling.mode', type: 'STRING', default: 'long', allowed: ['long', 'precise'], importance: 'MEDIUM', group: EVENTS, orderInGroup: 5,
      documentation: 'BIGINT UNSIGNED as int64 (long; values above 2^63-1 wrap) or Connect Decimal (precise).' },
    { name: 'binary.handling.mode', type: 'STRING', default: 'bytes', allowed: ['bytes', 'base64', 'base64-url-safe', 'hex'], importance: 'LOW', group: EVENTS, orderInGroup: 6,
      documentation: 'Binary columns as bytes or as base64, URL-safe base64 or hex text.' },
    { name: 'include.schema.changes', type: 'BOOLEAN', default: true, importance: 'MEDIUM', group: EVENTS, orderInGroup: 7,
      documentation: 'Publish DDL of captured tables as schema change events to the topic named <topic.prefix>.' },
    { name: 'heartbeat.interval.ms', type: 'INT', default: 0, importance: 'MEDIUM', group: EVENTS, orderInGroup: 8, validate: atLeast(0),
      documentation: 'Send a heartbeat with the current binlog offset this often (0 = never), so offsets advance while captured tables are idle.' },
    ...heartbeatTopicKeys(EVENTS, 9),
    ...transactionMetadataKeys(EVENTS, 11),
    ...nameAdjustmentKeys(EVENTS, 13),
    { name: 'event.processing.failure.handling.mode', type: 'STRING', default: 'fail', allowed: ['fail', 'warn', 'skip'], importance: 'MEDIUM',
      group: EVENTS, orderInGroup: 11,
      documentation: 'A row that cannot be converted: fail the task, log it and skip it (warn), or skip it silently.' },

    { name: 'max.batch.size', type: 'INT', default: 2048, importance: 'LOW', group: ENGINE, orderInGroup: 1, validate: atLeast(1),
      documentation: 'Most rows handed to Kafka in one batch.' },
    { name: 'max.queue.size', type: 'INT', default: 8192, importance: 'LOW', group: ENGINE, orderInGroup: 2, validate: queueAboveBatch,
      documentation: 'Most rows read ahead of Kafka before reading pauses.' },
    { name: 'max.queue.size.in.bytes', type: 'LONG', default: 0, importance: 'LOW', group: ENGINE, orderInGroup: 3, validate: atLeast(0),
      documentation: 'Most bytes of binlog events read ahead of Kafka before reading pauses; 0 = 32 MiB.' },
    { name: 'poll.interval.ms', type: 'LONG', default: 500, importance: 'LOW', group: ENGINE, orderInGroup: 4, validate: atLeast(1),
      documentation: 'Longest time read rows wait for more rows of their transaction before being sent.' },
    { name: 'errors.max.retries', type: 'INT', default: -1, importance: 'LOW', group: ENGINE, orderInGroup: 5, validate: atLeast(-1),
      documentation: 'Retries after a retriable error (server unreachable) before failing; -1 = no limit.' },

    { name: 'schema.history.internal.kafka.bootstrap.servers', type: 'STRING', default: null, importance: 'LOW', group: ENGINE, orderInGroup: 10,
      ignoredBecause: NO_SCHEMA_HISTORY, documentation: 'Kafka brokers of Debezium\'s schema history topic.' },
    { name: 'schema.history.internal.kafka.topic', type: 'STRING', default: null, importance: 'LOW', group: ENGINE, orderInGroup: 11,
      ignoredBecause: NO_SCHEMA_HISTORY, documentation: 'Debezium\'s schema history topic.' },
    { name: 'schema.history.internal.store.only.captured.tables.ddl', type: 'BOOLEAN', default: false, importance: 'LOW', group: ENGINE, orderInGroup: 12,
      ignoredBecause: NO_SCHEMA_HISTORY, documentation: 'Which DDL Debezium keeps in its schema history.' },
    { name: 'schema.history.internal.skip.unparseable.ddl', type: 'BOOLEAN', default: false, importance: 'LOW', group: ENGINE, orderInGroup: 13,
      ignoredBecause: 'DDL is never parsed to decode rows, so it cannot be unparseable', documentation: 'Skip DDL Debezium cannot parse.' },
    ...SIGNAL_CONFIG_KEYS,
  ],
};


export interface MySqlSettings {
  connection: MySqlConnectionConfig & { connectTimeoutMs: number };
  serverId: number;
  topicPrefix: string;
  filters: TableFilters;
  snapshotMode: SnapshotMode;
  snapshotFetchSize: number | undefined;
  snapshotMaxThreads: number;
  tombstonesOnDelete: boolean;
  skipped: ReadonlySet<string>;
  modes: TypeModes;
  includeSchemaChanges: boolean;
  heartbeatIntervalMs: number;
  heartbeatTopic: string;
  /** `<prefix>.transaction` with provide.transaction.metadata, else null. */
  transactionTopic: string | null;
  failureHandling: 'fail' | 'warn' | 'skip';
  maxBatchSize: number;
  maxQueueSize: number;
  maxQueueBytes: number;
  pollIntervalMs: number;
  maxRetries: number;
  /** Signal table, channels and chunk size of ad-hoc (incremental) snapshots. */
  signals: SignalSettings;
}

/** A stable replica id from the connector name when database.server.id is unset (FNV-1a into 10000..2^31). */
export function derivedServerId(connectorName: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < connectorName.length; i++) h = Math.imul(h ^ connectorName.charCodeAt(i), 0x01000193) >>> 0;
  return 10000 + (h % (2 ** 31 - 10000));
}

export function mysqlSettings(s: Readonly<Record<string, ConfigValue>>, connectorName: string): MySqlSettings {
  const str = (k: string) => s[k] as string;
  const num = (k: string) => s[k] as number;
  const skipped = new Set((s['skipped.operations'] as string[] | null ?? []).filter((op) => op !== 'none'));
  const queueBytes = num('max.queue.size.in.bytes');
  const password = s['database.password'];
  return {
    connection: {
      host: str('database.hostname'),
      port: num('database.port'),
      user: str('database.user'),
      ...(typeof password === 'string' && password !== '' ? { password } : {}),
      tls: mysqlTlsFromConfig(s),
      connectTimeoutMs: num('connect.timeout.ms'),
    },
    serverId: typeof s['database.server.id'] === 'number' ? s['database.server.id'] : derivedServerId(connectorName),
    topicPrefix: str('topic.prefix'),
    filters: tableFiltersFromConfig(s, 'mariadb'),
    snapshotMode: str('snapshot.mode') as SnapshotMode,
    snapshotFetchSize: typeof s['snapshot.fetch.size'] === 'number' ? s['snapshot.fetch.size'] : undefined,
    snapshotMaxThreads: num('snapshot.max.threads'),
    tombstonesOnDelete: s['tombstones.on.delete'] as boolean,
    skipped,
    modes: {
      decimal: str('decimal.handling.mode') as TypeModes['decimal'],
      time: str('time.precision.mode') as TypeModes['time'],
      bigintUnsigned: str('bigint.unsigned.handling.mode') as TypeModes['bigintUnsigned'],
      binary: str('binary.handling.mode') as TypeModes['binary'],
    },
    includeSchemaChanges: s['include.schema.changes'] as boolean,
    heartbeatIntervalMs: num('heartbeat.interval.ms'),
    heartbeatTopic: heartbeatTopic(s, str('topic.prefix')),
    transactionTopic: transactionTopic(s, str('topic.prefix')),
    failureHandling: str('event.processing.failure.handling.mode') as MySqlSettings['failureHandling'],
    maxBatchSize: num('max.batch.size'),
    maxQueueSize: num('max.queue.size'),
    maxQueueBytes: queueBytes > 0 ? queueBytes : 32 * 1024 * 1024,
    pollIntervalMs: num('poll.interval.ms'),
    maxRetries: num('errors.max.retries'),
    signals: signalSettings(s, str('topic.prefix')),
  };
}
