/**
 * The PostgreSQL connector's configuration: Debezium's keys and defaults, and the typed view the task uses.
 */
import type { ConfigDef, ConfigKeyDef, ConfigValue } from '../../connect-api/index.js';
import { pgTlsFromConfig, pgTlsKeys } from './tls-config.js';
import { atLeast, heartbeatTopic, heartbeatTopicKeys, nonEmptyString, SIGNAL_CONFIG_KEYS, signalSettings, type SignalSettings } from '../../connect-api/index.js';
import type { PgConnectionConfig, PublicationAutocreateMode } from '../../../binlog/postgres/index.js';
import type { PgMappingOptions } from '../../../schemas/postgres/index.js';
import { transactionMetadataKeys, transactionTopic } from '../shared/transaction-config.js';
import { nameAdjustmentKeys } from '../shared/name-adjustment-config.js';
import { SNAPSHOT_MODE_ALIASES, SNAPSHOT_MODES, type SnapshotMode } from '../shared/start-plan.js';
import type { BinaryHandlingMode, DecimalHandlingMode, TimePrecisionMode } from '../../../schemas/index.js';


const CONN = 'Connection';
const FILT = 'Filters';
const SNAP = 'Snapshot';
const REPL = 'Replication';
const EVT = 'Events';

const topicPrefixValid: NonNullable<ConfigKeyDef['validate']> = (v) =>
  typeof v === 'string' && !/^[A-Za-z0-9._-]+$/.test(v)
    ? 'Topic prefix may only contain ASCII letters, digits, ".", "_" and "-"'
    : undefined;

const slotNameValid: NonNullable<ConfigKeyDef['validate']> = (v) =>
  typeof v === 'string' && !/^[a-z0-9_]{1,63}$/.test(v)
    ? 'Replication slot names may only contain lower-case letters, digits and underscores (at most 63 characters)'
    : undefined;

const pluginNameValid: NonNullable<ConfigKeyDef['validate']> = (v) =>
  v === 'pgoutput' ? undefined
    : `Only the pgoutput logical decoding plugin is supported (built into PostgreSQL 10+); set plugin.name=pgoutput. ${v} is not supported by this service.`;

const skippedOpsValid: NonNullable<ConfigKeyDef['validate']> = (v) => {
  if (!Array.isArray(v)) return undefined;
  const bad = v.filter((op) => !['c', 'u', 'd', 't', 'none'].includes(op));
  return bad.length ? `Unknown operation(s) ${bad.join(', ')}; use a comma-separated list of c, u, d, t, or none` : undefined;
};

function bothLists(include: string, exclude: string): NonNullable<ConfigKeyDef['validate']> {
  return (v, all) =>
    Array.isArray(v) && v.length > 0 && Array.isArray(all[exclude]) && (all[exclude] as string[]).length > 0
      ? `"${include}" is already specified; "${exclude}" cannot be used with it`
      : undefined;
}

export const postgresConfigDef: ConfigDef = {
  keys: [
    { name: 'database.hostname', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 1, validate: nonEmptyString,
      documentation: 'Resolvable hostname or IP address of the PostgreSQL server.' },
    { name: 'database.port', type: 'INT', default: 5432, importance: 'HIGH', group: CONN, orderInGroup: 2, validate: atLeast(1),
      documentation: 'Port of the PostgreSQL server.' },
    { name: 'database.user', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 3, validate: nonEmptyString,
      documentation: 'Name of the PostgreSQL user; needs the REPLICATION attribute (or superuser) and SELECT on the captured tables.' },
    { name: 'database.password', type: 'PASSWORD', default: null, importance: 'HIGH', group: CONN, orderInGroup: 4,
      documentation: 'Password of the PostgreSQL user.' },
    { name: 'database.dbname', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 5, validate: nonEmptyString,
      documentation: 'Name of the database to capture changes from.' },
    ...pgTlsKeys(CONN, 20),
    { name: 'topic.prefix', type: 'STRING', importance: 'HIGH', group: CONN, orderInGroup: 7, validate: topicPrefixValid,
      documentation: 'Prefix of all topic names (<topic.prefix>.<schema>.<table>) and the logical name of the server in offsets.' },
    { name: 'plugin.name', type: 'STRING', default: 'pgoutput', importance: 'MEDIUM', group: REPL, orderInGroup: 1, validate: pluginNameValid,
      documentation: 'Logical decoding plugin. Only pgoutput is supported.' },
    { name: 'slot.name', type: 'STRING', default: 'debezium', importance: 'MEDIUM', group: REPL, orderInGroup: 2, validate: slotNameValid,
      documentation: 'Name of the logical replication slot the connector streams from (created if missing).' },
    { name: 'slot.drop.on.stop', type: 'BOOLEAN', default: false, importance: 'LOW', group: REPL, orderInGroup: 3,
      documentation: 'Drop the replication slot when the connector is deleted. Changes made while no slot exists are lost.' },
    { name: 'slot.max.retries', type: 'INT', default: 6, importance: 'LOW', group: REPL, orderInGroup: 4, validate: atLeast(0),
      documentation: 'How many times to retry when the replication slot is in use by another client before failing.' },
    { name: 'slot.retry.delay.ms', type: 'LONG', default: 10000, importance: 'LOW', group: REPL, orderInGroup: 5, validate: atLeast(0),
      documentation: 'Delay between retries when the replication slot is in use.' },
    { name: 'errors.max.retries', type: 'INT', default: -1, importance: 'LOW', group: REPL, orderInGroup: 12, validate: atLeast(-1),
      documentation: 'Retries after a retriable error (server unreachable, connection lost) before failing; -1 = no limit.' },
    { name: 'publication.name', type: 'STRING', default: 'dbz_publication', importance: 'MEDIUM', group: REPL, orderInGroup: 6, validate: nonEmptyString,
      documentation: 'Name of the publication pgoutput reads through.' },
    { name: 'publication.autocreate.mode', type: 'STRING', default: 'all_tables', importance: 'MEDIUM', group: REPL, orderInGroup: 7,
      allowed: ['all_tables', 'disabled', 'filtered', 'no_tables'],
      documentation: 'all_tables: create the publication FOR ALL TABLES if missing (needs superuser); filtered: create/update it for the tables matching the filters; no_tables: create it without tables; disabled: it must exist.' },
    { name: 'heartbeat.interval.ms', type: 'INT', default: 0, importance: 'MEDIUM', group: REPL, orderInGroup: 8, validate: atLeast(0),
      documentation: 'Send a heartbeat record (with the current position) at this interval so the slot advances while captured tables are quiet; 0 disables.' },
    { name: 'heartbeat.action.query', type: 'STRING', default: null, importance: 'LOW', group: REPL, orderInGroup: 9,
      documentation: 'SQL run on the source at every heartbeat, e.g. an INSERT into a table in the publication, so WAL of quiet databases is consumed.' },
    ...heartbeatTopicKeys(REPL, 10),
    ...transactionMetadataKeys(EVT, 20),
    ...nameAdjustmentKeys(EVT, 22),
    { name: 'schema.include.list', type: 'LIST', default: null, importance: 'HIGH', group: FILT, orderInGroup: 1, validate: bothLists('schema.include.list', 'schema.exclude.list'),
      documentation: 'Regular expressions matching schema names to capture (whole name).' },
    { name: 'schema.exclude.list', type: 'LIST', default: null, importance: 'HIGH', group: FILT, orderInGroup: 2,
      documentation: 'Regular expressions matching schema names not to capture.' },
    { name: 'table.include.list', type: 'LIST', default: null, importance: 'HIGH', group: FILT, orderInGroup: 3, validate: bothLists('table.include.list', 'table.exclude.list'),
      documentation: 'Regular expressions matching schema.table names to capture.' },
    { name: 'table.exclude.list', type: 'LIST', default: null, importance: 'HIGH', group: FILT, orderInGroup: 4,
      documentation: 'Regular expressions matching schema.table names not to capture.' },
    { name: 'column.include.list', type: 'LIST', default: null, importance: 'MEDIUM', group: FILT, orderInGroup: 5, validate: bothLists('column.include.list', 'column.exclude.list'),
      documentation: 'Regular expressions matching schema.table.column names to include in events.' },
    { name: 'column.exclude.list', type: 'LIST', default: null, importance: 'MEDIUM', group: FILT, orderInGroup: 6,
      documentation: 'Regular expressions matching schema.table.column names to leave out of events.' },
    { name: 'message.key.columns', type: 'STRING', default: null, importance: 'MEDIUM', group: FILT, orderInGroup: 7,
      documentation: 'Custom message keys: <schema.table regex>:<col>[,<col>...][;...].' },
    { name: 'snapshot.mode', type: 'STRING', default: 'initial', importance: 'MEDIUM', group: SNAP, orderInGroup: 1,
      allowed: SNAPSHOT_MODES, valueAliases: SNAPSHOT_MODE_ALIASES,
      documentation: 'initial: snapshot when there is no offset, then stream; initial_only: snapshot then stop; no_data (aliases schema_only, never): stream only; when_needed: snapshot when there is no offset or the slot is gone; always: a new snapshot at every start, then stream.' },
    { name: 'snapshot.max.threads', type: 'INT', default: 1, importance: 'MEDIUM', group: SNAP, orderInGroup: 2, validate: atLeast(1),
      documentation: 'Number of connections reading the snapshot in parallel.' },
    { name: 'snapshot.fetch.size', type: 'INT', default: 10240, importance: 'MEDIUM', group: SNAP, orderInGroup: 3, validate: atLeast(1),
      documentation: 'Rows read per chunk during the snapshot.' },
    { name: 'decimal.handling.mode', type: 'STRING', default: 'precise', importance: 'MEDIUM', group: EVT, orderInGroup: 1, allowed: ['precise', 'double', 'string'],
      documentation: 'NUMERIC/DECIMAL/MONEY as Connect Decimal (precise), float64 (double) or text (string).' },
    { name: 'time.precision.mode', type: 'STRING', default: 'adaptive', importance: 'MEDIUM', group: EVT, orderInGroup: 2,
      allowed: ['adaptive', 'adaptive_time_microseconds', 'connect'],
      documentation: 'Representation of temporal values: adaptive (by column precision), adaptive_time_microseconds, or connect (Connect\'s logical types, millisecond precision).' },
    { name: 'interval.handling.mode', type: 'STRING', default: 'numeric', importance: 'LOW', group: EVT, orderInGroup: 3, allowed: ['numeric', 'string'],
      documentation: 'INTERVAL as approximate microseconds (numeric) or an ISO 8601 string (string).' },
    { name: 'hstore.handling.mode', type: 'STRING', default: 'json', importance: 'LOW', group: EVT, orderInGroup: 4, allowed: ['json', 'map'],
      documentation: 'HSTORE as a JSON string (json) or a Connect map (map).' },
    { name: 'binary.handling.mode', type: 'STRING', default: 'bytes', importance: 'LOW', group: EVT, orderInGroup: 5, allowed: ['bytes', 'base64', 'base64-url-safe', 'hex'],
      documentation: 'BYTEA as bytes or as a base64, URL-safe base64 or hex string.' },
    { name: 'money.fraction.digits', type: 'SHORT', default: 2, importance: 'LOW', group: EVT, orderInGroup: 6, validate: atLeast(0),
      documentation: 'Fraction digits of MONEY values in precise mode.' },
    { name: 'unavailable.value.placeholder', type: 'STRING', default: '__debezium_unavailable_value', importance: 'MEDIUM', group: EVT, orderInGroup: 7,
      documentation: 'Value given to unchanged TOASTed columns, which PostgreSQL does not send in updates.' },
    { name: 'tombstones.on.delete', type: 'BOOLEAN', default: true, importance: 'MEDIUM', group: EVT, orderInGroup: 8,
      documentation: 'Emit a tombstone (null value) after each delete event so compaction can remove the key.' },
    { name: 'skipped.operations', type: 'LIST', default: ['t'], importance: 'LOW', group: EVT, orderInGroup: 9, validate: skippedOpsValid,
      documentation: 'Operations not to emit: c (create), u (update), d (delete), t (truncate, skipped by default), or none.' },
    ...SIGNAL_CONFIG_KEYS,
  ],
};

export interface PgConnectorSettings {
  connection: PgConnectionConfig;
  topicPrefix: string;
  slotName: string;
  slotDropOnStop: boolean;
  slotMaxRetries: number;
  /** `errors.max.retries`: retries of database work after a retriable error; negative = no limit. */
  maxRetries: number;
  slotRetryDelayMs: number;
  publicationName: string;
  publicationAutocreateMode: PublicationAutocreateMode;
  heartbeatIntervalMs: number;
  heartbeatActionQuery: string | null;
  heartbeatTopic: string;
  /** `<prefix>.transaction` with provide.transaction.metadata, else null. */
  transactionTopic: string | null;
  schemaInclude: string[] | null;
  schemaExclude: string[] | null;
  tableInclude: string[] | null;
  tableExclude: string[] | null;
  columnInclude: string[] | null;
  columnExclude: string[] | null;
  messageKeyColumns: string | null;
  snapshotMode: SnapshotMode;
  snapshotMaxThreads: number;
  snapshotFetchSize: number;
  mapping: PgMappingOptions;
  tombstonesOnDelete: boolean;
  skippedOperations: ReadonlySet<string>;
  /** Signal channels and ad-hoc snapshot settings (`signal.*`, `incremental.snapshot.chunk.size`). */
  signals: SignalSettings;
}

const list = (v: ConfigValue | undefined): string[] | null => (Array.isArray(v) && v.length > 0 ? v : null);
const str = (v: ConfigValue | undefined, d: string): string => (typeof v === 'string' ? v : d);
const num = (v: ConfigValue | undefined, d: number): number => (typeof v === 'number' ? v : d);

/**
 * `application_name` of the connector's sessions: says whose they are in pg_stat_activity, and lets validate
 * tell the connector's own slot reader (a config update while it runs) from another client.
 */
export function applicationName(connectorName: string | undefined): string {
  return connectorName ? `tscdc/${connectorName}`.slice(0, 63) : 'tscdc';
}

/** The typed settings from the parsed ConfigDef values (defaults already applied by the runtime). */
export function pgSettings(s: Readonly<Record<string, ConfigValue>>, connectorName?: string): PgConnectorSettings {
  const topicPrefix = str(s['topic.prefix'], '');
  const password = s['database.password'];
  return {
    connection: {
      host: str(s['database.hostname'], 'localhost'),
      port: num(s['database.port'], 5432),
      user: str(s['database.user'], 'postgres'),
      ...(typeof password === 'string' && password !== '' ? { password } : {}),
      database: str(s['database.dbname'], 'postgres'),
      tls: pgTlsFromConfig(s),
      applicationName: applicationName(connectorName),
    },
    topicPrefix,
    slotName: str(s['slot.name'], 'debezium'),
    slotDropOnStop: s['slot.drop.on.stop'] === true,
    slotMaxRetries: num(s['slot.max.retries'], 6),
    maxRetries: num(s['errors.max.retries'], -1),
    slotRetryDelayMs: num(s['slot.retry.delay.ms'], 10_000),
    publicationName: str(s['publication.name'], 'dbz_publication'),
    publicationAutocreateMode: str(s['publication.autocreate.mode'], 'all_tables') as PublicationAutocreateMode,
    heartbeatIntervalMs: num(s['heartbeat.interval.ms'], 0),
    heartbeatActionQuery: typeof s['heartbeat.action.query'] === 'string' && s['heartbeat.action.query'] !== '' ? s['heartbeat.action.query'] : null,
    heartbeatTopic: heartbeatTopic(s, topicPrefix),
    transactionTopic: transactionTopic(s, topicPrefix),
    schemaInclude: list(s['schema.include.list']),
    schemaExclude: list(s['schema.exclude.list']),
    tableInclude: list(s['table.include.list']),
    tableExclude: list(s['table.exclude.list']),
    columnInclude: list(s['column.include.list']),
    columnExclude: list(s['column.exclude.list']),
    messageKeyColumns: typeof s['message.key.columns'] === 'string' && s['message.key.columns'] !== '' ? s['message.key.columns'] : null,
    snapshotMode: str(s['snapshot.mode'], 'initial') as SnapshotMode,
    snapshotMaxThreads: num(s['snapshot.max.threads'], 1),
    snapshotFetchSize: num(s['snapshot.fetch.size'], 10240),
    mapping: {
      decimalMode: str(s['decimal.handling.mode'], 'precise') as DecimalHandlingMode,
      timePrecisionMode: str(s['time.precision.mode'], 'adaptive') as TimePrecisionMode,
      intervalMode: str(s['interval.handling.mode'], 'numeric') as 'numeric' | 'string',
      hstoreMode: str(s['hstore.handling.mode'], 'json') as 'json' | 'map',
      binaryMode: str(s['binary.handling.mode'], 'bytes') as BinaryHandlingMode,
      unavailablePlaceholder: str(s['unavailable.value.placeholder'], '__debezium_unavailable_value'),
      moneyFractionDigits: num(s['money.fraction.digits'], 2),
    },
    tombstonesOnDelete: s['tombstones.on.delete'] !== false,
    skippedOperations: new Set((list(s['skipped.operations']) ?? []).filter((op) => op !== 'none')),
    signals: signalSettings(s, topicPrefix),
  };
}
