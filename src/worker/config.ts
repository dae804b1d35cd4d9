/**
 * The worker's configuration, as a Kafka Connect distributed worker takes it: a Java .properties file, then
 * `CONNECT_*` environment variables (the Connect container image convention), then explicit overrides (CLI).
 * Config provider references (`${env:...}`, `${file:...}`) in worker values are resolved with the providers the
 * worker config itself enables, as Connect does. Validated once, here; the rest of the service reads typed fields.
 * Unknown keys are allowed (Connect passes many through to its Kafka clients); known keys with bad values throw.
 */
import { readFileSync } from 'node:fs';
import type { ConfigDef, ConfigKeyDef } from '../connect-api/config-def.js';
import {
  CONVERTER_ALIASES,
  converterKeysDef,
  HEADER_CONVERTER_ALIASES,
  JSON_CONVERTER,
  SIMPLE_HEADER_CONVERTER,
  SUPPORTED_CONVERTERS,
  SUPPORTED_HEADER_CONVERTERS,
  maskSecrets,
  mergeConfigDefs,
  nonEmptyString,
  parseConfig,
} from '../connect-api/index.js';
import {
  configProviderSpecs,
  createConfigProviders,
  parseProperties,
  resolveConfigProvidersWithValues,
  type ConfigProviderSpec,
} from '../config-providers/index.js';
import { ConfigError, maskTokens } from '../errors/index.js';
import { clientConnection, clientProps, producerSettings, type ClientProps, type KafkaConnection, type ProducerSettings } from '../kafka/index.js';
import { REST_SECURITY_KEYS, restConfig, restUsesTopLevelSsl, type RestConfig } from './rest-config.js';
import { OFFSET_FILE_KEY, refuseDistributedOnly, refuseExactlyOnce, STANDALONE_GROUP, STANDALONE_STORAGE, standaloneDef } from './standalone-config.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** How the worker's Kafka clients connect, from Kafka's own client settings (see docs/kafka-security.md). */
export interface WorkerKafka {
  /** Internal topics (configs, offsets, statuses): the worker's top-level settings, as in Connect. */
  connection: KafkaConnection;
  /** Admin calls (topic creation, describe): top-level + `admin.*`. */
  admin: KafkaConnection;
  /** Consumer groups (the Kafka signal channel): top-level + `consumer.*`. */
  consumer: KafkaConnection;
  /** Producers of the internal topics. */
  internalProducer: ProducerSettings;
  /** Tasks' producers start from these (top-level + `producer.*`), then a connector's `producer.override.*`. */
  producerProps: ClientProps;
  consumerProps: ClientProps;
}

/** The worker's membership in its group (Connect's distributed worker settings). */
export interface WorkerGroupConfig {
  /** `scheduled.rebalance.max.delay.ms`: how long a vanished worker's connectors wait for it before moving. */
  scheduledRebalanceMaxDelayMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** `connect.protocol`; sessioned also offers compatible, as Connect does. */
  protocol: 'compatible' | 'sessioned';
}

export interface WorkerConfig {
  /** `tscdc standalone ...` (./standalone-config.ts): no group, no internal topics; the group and topic fields
   * below then hold their defaults and are not used. */
  mode: 'distributed' | 'standalone';
  /** `offset.storage.file.filename` (standalone only): where source offsets are kept. */
  offsetStorageFile: string | null;
  bootstrapServers: string[];
  groupId: string;
  group: WorkerGroupConfig;
  configStorageTopic: string;
  offsetStorageTopic: string;
  statusStorageTopic: string;
  /** -1 = the broker's default.replication.factor (see workerConfigDef). */
  configStorageReplicationFactor: number;
  offsetStorageReplicationFactor: number;
  statusStorageReplicationFactor: number;
  offsetStoragePartitions: number;
  statusStoragePartitions: number;
  /** The first REST listener's interface; 0.0.0.0 (all) unless `listeners` or `rest.host.name` say otherwise. */
  restHost: string;
  /** The first REST listener's port; 0 asks the OS for a free port. */
  restPort: number;
  /** Every REST listener, the advertised one, TLS, authentication and CORS (./rest-config.ts). */
  rest: RestConfig;
  restAdvertisedHostName: string | null;
  restAdvertisedPort: number | null;
  keyConverter: string;
  valueConverter: string;
  headerConverter: string;
  keyConverterSchemasEnable: boolean;
  valueConverterSchemasEnable: boolean;
  /** The worker's `key.converter.*` / `value.converter.*` settings, prefix stripped (validated for Avro). */
  keyConverterProps: Record<string, string>;
  valueConverterProps: Record<string, string>;
  pluginPath: string[];
  /** Longest time between offset commits; offsets are also committed after every acknowledged batch. */
  offsetFlushIntervalMs: number;
  offsetFlushTimeoutMs: number;
  taskShutdownGracefulTimeoutMs: number;
  /** Enabled config providers (`config.providers`), for `createConfigProviders`. */
  configProviders: ConfigProviderSpec[];
  topicCreationEnable: boolean;
  /** `exactly.once.source.support=enabled`: tasks write records and offsets in transactions. */
  exactlyOnceSource: boolean;
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  kafka: WorkerKafka;
  /** Set keys that have no effect here, with the reason; log them at startup. */
  warnings: Record<string, string>;
  /** Every property after merging and resolving (Kafka client settings such as `security.protocol`, `sasl.*`
   * are read from here). Contains secrets: log `maskWorkerProps(props)`, never this. */
  props: Record<string, string>;
}

export interface LoadWorkerConfigOptions {
  file?: string;
  env: Readonly<Record<string, string | undefined>>;
  overrides?: Readonly<Record<string, string>>;
  /** Default distributed. */
  mode?: WorkerConfig['mode'];
}

const sizeOrDefault: NonNullable<ConfigKeyDef['validate']> = (v) =>
  typeof v === 'number' && v !== -1 && v < 1 ? 'Value must be -1 (broker default) or at least 1' : undefined;
const nonNegative: NonNullable<ConfigKeyDef['validate']> = (v) => (typeof v === 'number' && v < 0 ? 'Value must be at least 0' : undefined);
const supported = (classes: readonly string[]): NonNullable<ConfigKeyDef['validate']> => (v) =>
  classes.includes(v as string) ? undefined : `Not supported by this service; use ${classes.join(' or ')}`;

function topic(name: string, documentation: string): ConfigKeyDef {
  return { name, type: 'STRING', importance: 'HIGH', validate: nonEmptyString, documentation };
}

// Connect's default replication factor for its internal topics is 3; we default to -1 (the broker's
// default.replication.factor) so that a single-broker sidecar setup works without extra settings.
function replication(name: string): ConfigKeyDef {
  return { name, type: 'SHORT', default: -1, importance: 'LOW', validate: sizeOrDefault, documentation: 'Replication factor; -1 means the broker default.' };
}

const atLeast = (min: number): NonNullable<ConfigKeyDef['validate']> => (v) => (typeof v === 'number' && v < min ? `Value must be at least ${min}` : undefined);

/** The group membership keys, as Connect's distributed worker names them. */
const GROUP_KEYS: ConfigKeyDef[] = [
  { name: 'scheduled.rebalance.max.delay.ms', type: 'INT', default: 300000, importance: 'MEDIUM', validate: nonNegative,
    documentation: 'How long the connectors of a worker that vanished (crashed, unreachable) wait for it to come back before they move to the others. A worker that stops gracefully hands its connectors over at once.' },
  { name: 'session.timeout.ms', type: 'INT', default: 10000, importance: 'HIGH', validate: atLeast(1),
    documentation: 'A worker that sends no heartbeat for this long is out of the group (within the broker\'s group.min/max.session.timeout.ms).' },
  { name: 'heartbeat.interval.ms', type: 'INT', default: 3000, importance: 'HIGH', validate: atLeast(1),
    documentation: 'Time between heartbeats to the group coordinator; also how soon a worker notices a rebalance. Below session.timeout.ms.' },
  { name: 'rebalance.timeout.ms', type: 'INT', default: 60000, importance: 'HIGH', validate: atLeast(1),
    documentation: 'How long the coordinator waits for every worker to rejoin during a rebalance.' },
  { name: 'connect.protocol', type: 'STRING', default: 'sessioned', allowed: ['eager', 'compatible', 'sessioned'], importance: 'LOW',
    validate: (v) => (v === 'eager' ? 'eager rebalancing (stop everything on every rebalance) is not implemented; use compatible or sessioned (incremental cooperative)' : undefined),
    documentation: 'Group protocol: compatible or sessioned (incremental cooperative rebalancing; sessioned also offers compatible). eager is not supported.' },
];

export const workerConfigDef: ConfigDef = {
  keys: [
    { name: 'bootstrap.servers', type: 'LIST', importance: 'HIGH', documentation: 'Kafka brokers to connect to, host:port,...',
      validate: (v) => {
        const list = v as string[];
        if (list.length === 0) return 'At least one broker (host:port) is required';
        const bad = list.find((s) => !/^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\[[0-9a-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/i.test(s));
        return bad === undefined ? undefined : `"${bad}" is not host:port`;
      } },
    { name: 'group.id', type: 'STRING', importance: 'HIGH', validate: nonEmptyString, documentation: 'Name of the Connect cluster this worker belongs to.' },
    ...GROUP_KEYS,
    topic('config.storage.topic', 'Compacted topic holding connector configurations.'),
    topic('offset.storage.topic', 'Compacted topic holding source offsets.'),
    topic('status.storage.topic', 'Compacted topic holding connector and task status.'),
    replication('config.storage.replication.factor'),
    replication('offset.storage.replication.factor'),
    replication('status.storage.replication.factor'),
    { name: 'offset.storage.partitions', type: 'INT', default: 25, importance: 'LOW', validate: sizeOrDefault, documentation: 'Partitions of the offsets topic.' },
    { name: 'status.storage.partitions', type: 'INT', default: 5, importance: 'LOW', validate: sizeOrDefault, documentation: 'Partitions of the status topic.' },
    { name: 'listeners', type: 'LIST', default: null, importance: 'LOW',
      documentation: 'REST listeners, http and/or https, e.g. http://127.0.0.1:8083,https://:8443 (empty host: all interfaces). Takes precedence over rest.host.name/rest.port.' },
    { name: 'rest.host.name', type: 'STRING', default: null, importance: 'LOW', documentation: 'Interface the REST server binds (deprecated in Connect in favour of listeners).' },
    { name: 'rest.port', type: 'INT', default: 8083, importance: 'LOW', validate: (v) => (typeof v === 'number' && (v < 0 || v > 65535) ? 'Value must be between 0 and 65535' : undefined),
      documentation: 'REST port (deprecated in Connect in favour of listeners); 0 picks a free port.' },
    { name: 'rest.advertised.host.name', type: 'STRING', default: null, importance: 'LOW', documentation: 'Host name other workers and clients should use.' },
    { name: 'rest.advertised.port', type: 'INT', default: null, importance: 'LOW', validate: (v) => (typeof v === 'number' && (v < 1 || v > 65535) ? 'Value must be between 1 and 65535' : undefined),
      documentation: 'Port other workers and clients should use.' },
    { name: 'rest.advertised.listener', type: 'STRING', default: null, allowed: ['http', 'https'], importance: 'LOW',
      documentation: 'Which listener (http or https) other workers are told to use. Default: http if there is an http listener, else https.' },
    ...REST_SECURITY_KEYS,
    { name: 'key.converter', type: 'CLASS', default: JSON_CONVERTER, importance: 'HIGH', valueAliases: CONVERTER_ALIASES, validate: supported(SUPPORTED_CONVERTERS),
      documentation: 'Converter for record keys (JsonConverter, AvroConverter, JsonSchemaConverter or ProtobufConverter), with its settings under key.converter.*.' },
    { name: 'value.converter', type: 'CLASS', default: JSON_CONVERTER, importance: 'HIGH', valueAliases: CONVERTER_ALIASES, validate: supported(SUPPORTED_CONVERTERS),
      documentation: 'Converter for record values (JsonConverter, AvroConverter, JsonSchemaConverter or ProtobufConverter), with its settings under value.converter.*.' },
    { name: 'header.converter', type: 'CLASS', default: SIMPLE_HEADER_CONVERTER, importance: 'LOW', valueAliases: HEADER_CONVERTER_ALIASES, validate: supported(SUPPORTED_HEADER_CONVERTERS),
      documentation: 'Converter for record headers.' },
    { name: 'key.converter.schemas.enable', type: 'BOOLEAN', default: true, importance: 'LOW', documentation: 'JSON keys carry a schema/payload envelope.' },
    { name: 'value.converter.schemas.enable', type: 'BOOLEAN', default: true, importance: 'LOW', documentation: 'JSON values carry a schema/payload envelope.' },
    { name: 'plugin.path', type: 'LIST', default: [], importance: 'LOW', documentation: 'Extra connector plugins: JavaScript module files, or directories of them (built-in plugins need none).' },
    { name: 'offset.flush.interval.ms', type: 'LONG', default: 60000, importance: 'LOW', validate: nonNegative, documentation: 'Longest time between offset commits.' },
    { name: 'offset.flush.timeout.ms', type: 'LONG', default: 5000, importance: 'LOW', validate: nonNegative, documentation: 'Time allowed for an offset commit to complete.' },
    { name: 'task.shutdown.graceful.timeout.ms', type: 'LONG', default: 5000, importance: 'LOW', validate: nonNegative, documentation: 'Time a task gets to stop before it is abandoned.' },
    { name: 'config.providers', type: 'LIST', default: [], importance: 'LOW', documentation: 'Config providers usable in ${provider:path:key} references: env, file, directory.' },
    { name: 'topic.creation.enable', type: 'BOOLEAN', default: true, importance: 'LOW', documentation: 'Whether connectors may create their topics with topic.creation.* settings.' },
    { name: 'exactly.once.source.support', type: 'STRING', default: 'disabled', allowed: ['disabled', 'preparing', 'enabled'], importance: 'LOW',
      documentation: 'enabled: every task writes its records and source offsets in Kafka transactions (KIP-618), so read_committed consumers see each change once. preparing behaves as disabled (a step of a rolling upgrade, as in Connect).' },
    { name: 'log.level', type: 'STRING', default: 'info', allowed: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], importance: 'LOW',
      valueAliases: { warning: 'warn', off: 'silent', all: 'trace' }, documentation: 'Log level (also LOG_LEVEL).' },
    { name: 'log.format', type: 'STRING', default: 'json', allowed: ['json', 'pretty'], importance: 'LOW', documentation: 'json lines, or pretty for a terminal (also LOG_FORMAT).' },
  ],
  // Everything else is allowed (Kafka client settings and Connect keys we do not use).
  passthroughPrefixes: [''],
};

const standaloneConfigDef = standaloneDef(workerConfigDef);

/**
 * `CONNECT_*` variables as worker properties, as the Connect container images map them: strip `CONNECT_`,
 * lower-case, `___` → `-`, `__` → `_`, `_` → `.` (`CONNECT_REST_PORT` → `rest.port`). `LOG_LEVEL` and `LOG_FORMAT`
 * are accepted too, below their `CONNECT_` spellings.
 */
export function envToWorkerProps(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (env.LOG_LEVEL !== undefined) out['log.level'] = env.LOG_LEVEL;
  if (env.LOG_FORMAT !== undefined) out['log.format'] = env.LOG_FORMAT;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('CONNECT_') || name.length === 'CONNECT_'.length) continue;
    const key = name.slice('CONNECT_'.length).toLowerCase().replace(/_{1,3}/g, (m) => (m === '___' ? '-' : m === '__' ? '_' : '.'));
    out[key] = value;
  }
  return out;
}

export function loadWorkerConfig(options: LoadWorkerConfigOptions): WorkerConfig {
  const fromFile = options.file ? readWorkerFile(options.file) : {};
  const merged = { ...fromFile, ...envToWorkerProps(options.env), ...options.overrides };
  const configProviders = configProviderSpecs(merged);
  const { props, provided } = resolveConfigProvidersWithValues(merged, { providers: createConfigProviders(configProviders, options.env) });

  const standalone = options.mode === 'standalone';
  if (standalone) refuseDistributedOnly(props);
  const { settings: s, errors, warnings } = parseConfig(workerDefFor(props, standalone), props);
  const problems = Object.entries(errors);
  if (problems.length > 0) {
    // A value from a provider (`${env:...}`) is not echoed: the message is logged and printed at start.
    throw new ConfigError(maskTokens(`Invalid worker configuration: ${problems.map(([, m]) => m.join(' ')).join(' ')}`, provided), problems[0]![0], {
      fix: 'Correct it in the worker properties file or the CONNECT_* environment variable (CONNECT_REST_PORT sets rest.port).',
    });
  }
  const rest = restConfig(s, props);
  const kafka = workerKafka(restUsesTopLevelSsl(rest.listeners, props) ? withoutRestOnlySsl(props) : props, warnings);
  if (standalone) refuseExactlyOnce(s);
  else if (props[OFFSET_FILE_KEY.name] !== undefined) warnings[OFFSET_FILE_KEY.name] = 'only standalone mode (tscdc standalone) keeps offsets in a file; this worker keeps them in offset.storage.topic';
  const group: WorkerGroupConfig = standalone ? STANDALONE_GROUP : {
    scheduledRebalanceMaxDelayMs: s['scheduled.rebalance.max.delay.ms'] as number,
    sessionTimeoutMs: s['session.timeout.ms'] as number,
    heartbeatIntervalMs: s['heartbeat.interval.ms'] as number,
    rebalanceTimeoutMs: s['rebalance.timeout.ms'] as number,
    protocol: s['connect.protocol'] as WorkerGroupConfig['protocol'],
  };
  if (!standalone && group.heartbeatIntervalMs >= group.sessionTimeoutMs) {
    throw new ConfigError(`Invalid worker configuration: heartbeat.interval.ms (${group.heartbeatIntervalMs}) must be below session.timeout.ms (${group.sessionTimeoutMs})`, 'heartbeat.interval.ms', {
      fix: 'Set heartbeat.interval.ms to about a third of session.timeout.ms (Connect\'s defaults: 3000 and 10000).',
    });
  }
  const storage = standalone ? { ...STANDALONE_STORAGE, offsetStorageFile: s[OFFSET_FILE_KEY.name] as string } : {
    mode: 'distributed' as const,
    offsetStorageFile: null,
    groupId: s['group.id'] as string,
    configStorageTopic: s['config.storage.topic'] as string,
    offsetStorageTopic: s['offset.storage.topic'] as string,
    statusStorageTopic: s['status.storage.topic'] as string,
    configStorageReplicationFactor: s['config.storage.replication.factor'] as number,
    offsetStorageReplicationFactor: s['offset.storage.replication.factor'] as number,
    statusStorageReplicationFactor: s['status.storage.replication.factor'] as number,
    offsetStoragePartitions: s['offset.storage.partitions'] as number,
    statusStoragePartitions: s['status.storage.partitions'] as number,
  };
  return {
    ...storage,
    bootstrapServers: s['bootstrap.servers'] as string[],
    group,
    restHost: rest.listeners[0]!.host,
    restPort: rest.listeners[0]!.port,
    rest,
    restAdvertisedHostName: s['rest.advertised.host.name'] as string | null,
    restAdvertisedPort: s['rest.advertised.port'] as number | null,
    keyConverter: s['key.converter'] as string,
    valueConverter: s['value.converter'] as string,
    headerConverter: s['header.converter'] as string,
    keyConverterSchemasEnable: s['key.converter.schemas.enable'] as boolean,
    valueConverterSchemasEnable: s['value.converter.schemas.enable'] as boolean,
    keyConverterProps: withoutPrefix(props, 'key.converter.'),
    valueConverterProps: withoutPrefix(props, 'value.converter.'),
    pluginPath: s['plugin.path'] as string[],
    offsetFlushIntervalMs: s['offset.flush.interval.ms'] as number,
    exactlyOnceSource: s['exactly.once.source.support'] === 'enabled',
    offsetFlushTimeoutMs: s['offset.flush.timeout.ms'] as number,
    taskShutdownGracefulTimeoutMs: s['task.shutdown.graceful.timeout.ms'] as number,
    configProviders,
    topicCreationEnable: s['topic.creation.enable'] as boolean,
    kafka,
    logLevel: s['log.level'] as LogLevel,
    logFormat: s['log.format'] as 'json' | 'pretty',
    warnings,
    props,
  };
}

const ROLE_PREFIXES = ['producer.', 'consumer.', 'admin.'];

/**
 * The worker's Kafka client settings, checked once here: a TLS/SASL setting that cannot be honoured stops the
 * worker with the key's name. Producer/consumer/admin settings with no effect are added to `warnings`.
 */
function workerKafka(props: Readonly<Record<string, string>>, warnings: Record<string, string>): WorkerKafka {
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (!ROLE_PREFIXES.some((p) => k.startsWith(p))) own[k] = v;
  const top: ClientProps = { props: own, origins: Object.fromEntries(Object.keys(own).map((k) => [k, k])) };
  const producerProps = clientProps(props, 'producer');
  const consumerProps = clientProps(props, 'consumer');
  const adminProps = clientProps(props, 'admin');
  const internalProducer = producerSettings(top);
  Object.assign(warnings, internalProducer.unused, producerSettings(producerProps).unused);
  for (const client of [consumerProps, adminProps]) {
    for (const [key, origin] of Object.entries(client.origins)) {
      if (origin !== key && key !== 'bootstrap.servers' && !isSecurityKey(key)) warnings[origin] = 'only bootstrap.servers and the security settings of consumer.*/admin.* are applied';
    }
  }
  return {
    connection: clientConnection(top),
    admin: clientConnection(adminProps),
    consumer: clientConnection(consumerProps),
    internalProducer,
    producerProps,
    consumerProps,
  };
}

const isSecurityKey = (key: string) => key === 'security.protocol' || key.startsWith('ssl.') || key.startsWith('sasl.');

/** The worker's def plus the keys of the Avro converters it names (a missing schema.registry.url stops the worker). */
function workerDefFor(props: Readonly<Record<string, string>>, standalone = false): ConfigDef {
  return mergeConfigDefs(standalone ? standaloneConfigDef : workerConfigDef, converterKeysDef(props));
}

function withoutPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Worker properties safe to log: secret-looking values (sasl.jaas.config, ssl.key.password, basic.auth.user.info, ...) masked. */
export function maskWorkerProps(props: Readonly<Record<string, string>>): Record<string, string> {
  return maskSecrets(workerDefFor(props), props);
}

function readWorkerFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the worker properties file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined, {
      fix: 'Check the path given to the service and that the file is readable.',
      cause: err,
    });
  }
  return parseProperties(text, file);
}

/**
 * The top-level `ssl.*` settings are the https listeners' (Connect's rule when no `listeners.https.ssl.*` is set).
 * Unless some `security.protocol` asks the Kafka clients for TLS too, the Kafka clients leave them alone: they
 * would otherwise be refused there as TLS settings without TLS.
 */
function withoutRestOnlySsl(props: Readonly<Record<string, string>>): Record<string, string> {
  const kafkaTls = Object.entries(props).some(([k, v]) => k.endsWith('security.protocol') && /SSL$/i.test(v.trim()));
  if (kafkaTls) return { ...props };
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith('ssl.')));
}
