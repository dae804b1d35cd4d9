/**
 * The keys every source connector accepts, as Kafka Connect's ConnectorConfig + SourceConnectorConfig define
 * them, restricted to what this service does: a feature we don't have is an error or a warning, never a key
 * that silently does nothing.
 */
import type { ConfigDef, ConfigKeyDef } from './config-def.js';
import { atLeast, mergeConfigDefs, nonEmptyString, parseConfig, type ParsedConfig } from './config-validation.js';
import {
  CONVERTER_ALIASES, converterKeysDef, HEADER_CONVERTER_ALIASES, SUPPORTED_CONVERTERS, SUPPORTED_HEADER_CONVERTERS,
} from './converter-config.js';
import { transformsConfigDef, type SmtCatalog } from './transform-config.js';

function supportedClass(supported: readonly string[]): NonNullable<ConfigKeyDef['validate']> {
  return (v) =>
    v === null || supported.includes(v as string)
      ? undefined
      : `Not supported by this service; use ${supported.join(' or ')}, or leave it unset to use the worker's converter`;
}

const uniqueAliases: NonNullable<ConfigKeyDef['validate']> = (v) =>
  Array.isArray(v) && new Set(v).size < v.length ? 'Duplicate alias provided.' : undefined;

const noControlChars: NonNullable<ConfigKeyDef['validate']> = (v) => {
  if (typeof v !== 'string') return undefined;
  if (v.trim() === '') return 'String may not be empty';
  return /[\u0000-\u001f\u007f]/.test(v) ? 'String may not contain control characters' : undefined;
};

const C = 'Common';
const E = 'Error Handling';
const TC = 'Topic Creation';
const EOS = 'Exactly Once Support';

export const commonConnectorConfigDef: ConfigDef = {
  keys: [
    { name: 'name', type: 'STRING', importance: 'HIGH', group: C, orderInGroup: 1, width: 'MEDIUM', displayName: 'Connector name', validate: noControlChars,
      documentation: 'Globally unique name of this connector.' },
    { name: 'connector.class', type: 'STRING', importance: 'HIGH', group: C, orderInGroup: 2, width: 'LONG', displayName: 'Connector class', validate: nonEmptyString,
      documentation: 'Class name or alias of the connector plugin, e.g. io.debezium.connector.mysql.MySqlConnector.' },
    { name: 'tasks.max', type: 'INT', default: 1, importance: 'HIGH', group: C, orderInGroup: 3, width: 'SHORT', displayName: 'Tasks max', validate: atLeast(1),
      documentation: 'Maximum number of tasks for this connector.' },
    { name: 'key.converter', type: 'CLASS', default: null, importance: 'LOW', group: C, orderInGroup: 4, width: 'SHORT', displayName: 'Key converter class',
      valueAliases: CONVERTER_ALIASES, validate: supportedClass(SUPPORTED_CONVERTERS),
      documentation: 'Converter for record keys: JsonConverter, AvroConverter, JsonSchemaConverter or ProtobufConverter; unset means the worker\'s key.converter (with the worker\'s key.converter.* settings). Settings for it go under key.converter.*.' },
    { name: 'value.converter', type: 'CLASS', default: null, importance: 'LOW', group: C, orderInGroup: 5, width: 'SHORT', displayName: 'Value converter class',
      valueAliases: CONVERTER_ALIASES, validate: supportedClass(SUPPORTED_CONVERTERS),
      documentation: 'Converter for record values: JsonConverter, AvroConverter, JsonSchemaConverter or ProtobufConverter; unset means the worker\'s value.converter (with the worker\'s value.converter.* settings). Settings for it go under value.converter.*.' },
    { name: 'header.converter', type: 'CLASS', default: null, importance: 'LOW', group: C, orderInGroup: 6, width: 'SHORT', displayName: 'Header converter class',
      valueAliases: HEADER_CONVERTER_ALIASES, validate: supportedClass(SUPPORTED_HEADER_CONVERTERS),
      documentation: 'Converter for record headers; unset means the worker\'s header converter.' },
    { name: 'key.converter.schemas.enable', type: 'BOOLEAN', default: null, importance: 'LOW', group: C, orderInGroup: 7, width: 'SHORT',
      documentation: 'Whether the JSON key converter wraps each key in a schema/payload envelope; unset means the worker\'s setting.' },
    { name: 'value.converter.schemas.enable', type: 'BOOLEAN', default: null, importance: 'LOW', group: C, orderInGroup: 8, width: 'SHORT',
      documentation: 'Whether the JSON value converter wraps each value in a schema/payload envelope; unset means the worker\'s setting.' },
    { name: 'transforms', type: 'LIST', default: [], importance: 'LOW', group: 'Transforms', orderInGroup: 9, width: 'LONG', displayName: 'Transforms',
      validate: uniqueAliases,
      documentation: 'Aliases for the transformations to be applied to records, in order; each is configured under transforms.<alias>.*.' },
    { name: 'predicates', type: 'LIST', default: [], importance: 'LOW', group: 'Predicates', orderInGroup: 10, width: 'LONG', displayName: 'Predicates',
      validate: uniqueAliases,
      documentation: 'Aliases for the predicates used by transformations; each is configured under predicates.<alias>.*.' },
    { name: 'config.action.reload', type: 'STRING', default: 'restart', allowed: ['none', 'restart'], importance: 'LOW', group: C, orderInGroup: 11, width: 'MEDIUM',
      displayName: 'Reload Action', ignoredBecause: 'config provider values here do not expire, so a connector is never reloaded because of them',
      documentation: 'What to do when values from config providers change.' },
    { name: 'errors.retry.timeout', type: 'LONG', default: 0, importance: 'MEDIUM', group: E, orderInGroup: 1, width: 'MEDIUM', validate: atLeast(-1),
      displayName: 'Retry Timeout for Errors', documentation: 'Maximum time in ms to retry a failed operation; 0 means no retries, -1 retries forever.' },
    { name: 'errors.retry.delay.max.ms', type: 'LONG', default: 60000, importance: 'MEDIUM', group: E, orderInGroup: 2, width: 'MEDIUM', validate: atLeast(0),
      displayName: 'Maximum Delay Between Retries for Errors', documentation: 'Maximum delay in ms between two retries of a failed operation.' },
    { name: 'errors.tolerance', type: 'STRING', default: 'none', allowed: ['none', 'all'], importance: 'MEDIUM', group: E, orderInGroup: 3, width: 'SHORT',
      displayName: 'Error Tolerance',
      documentation: 'What a record that fails in a transform or converter does: "none" fails the task; "all" skips the record, logs it and counts it (and, with errors.deadletterqueue.topic.name, keeps it there).' },
    { name: 'errors.log.enable', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: E, orderInGroup: 4, width: 'SHORT', displayName: 'Log Errors',
      documentation: 'Whether to log each error with the details of the failed operation.' },
    { name: 'errors.log.include.messages', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: E, orderInGroup: 5, width: 'SHORT', displayName: 'Log Error Details',
      documentation: 'Whether error logs include the record that failed (keys and values may hold personal data).' },
    { name: 'errors.deadletterqueue.topic.name', type: 'STRING', default: '', importance: 'MEDIUM', group: E, orderInGroup: 6, width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
      validate: (v, all) => (v !== '' && all['errors.tolerance'] !== 'all' ? 'A dead letter queue only receives skipped records; set errors.tolerance=all too' : undefined),
      documentation: 'Topic that receives each record skipped under errors.tolerance=all: its key and value as schemaless JSON, with __connect.errors.* headers saying where and why it failed. Empty: none. (Connect has this for sink connectors; here it serves source connectors.)' },
    { name: 'errors.deadletterqueue.topic.replication.factor', type: 'SHORT', default: 3, importance: 'MEDIUM', group: E, orderInGroup: 7, width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor', validate: (v) => (typeof v === 'number' && v !== -1 && v < 1 ? 'Value must be -1 (broker default) or at least 1' : undefined),
      documentation: 'Replication factor of the dead letter queue topic when it is created; -1 means the broker default.' },
    { name: 'errors.deadletterqueue.context.headers.enable', type: 'BOOLEAN', default: true, importance: 'MEDIUM', group: E, orderInGroup: 8, width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
      documentation: 'Whether dead letter queue records carry the __connect.errors.* headers (Connect\'s default for sinks is false; here true, since the headers are how a skipped change is found again).' },
    { name: 'topic.creation.groups', type: 'LIST', default: [], importance: 'LOW', group: TC, orderInGroup: 1, width: 'LONG', displayName: 'Topic Creation Groups',
      validate: uniqueAliases, documentation: 'Groups of settings for topics this connector creates; each group is configured under topic.creation.<group>.*.' },
    { name: 'exactly.once.support', type: 'STRING', default: 'requested', allowed: ['requested', 'required'], importance: 'MEDIUM', group: EOS, orderInGroup: 2,
      width: 'SHORT', displayName: 'Exactly once support',
      documentation: '"required" fails validation unless the worker delivers exactly once (exactly.once.source.support=enabled).' },
    { name: 'transaction.boundary', type: 'STRING', default: 'poll', allowed: ['poll', 'interval', 'connector'], importance: 'MEDIUM', group: EOS, orderInGroup: 3,
      width: 'SHORT', displayName: 'Transaction Boundary',
      documentation: 'Where producer transactions end under exactly-once delivery: poll (each batch the task hands over), interval (every transaction.boundary.interval.ms). connector is refused: no connector here defines its own boundaries.' },
    { name: 'transaction.boundary.interval.ms', type: 'LONG', default: null, importance: 'LOW', group: EOS, orderInGroup: 4, width: 'SHORT',
      displayName: 'Transaction boundary interval',
      documentation: 'Commit interval of producer transactions when transaction.boundary=interval; default the worker\'s offset.flush.interval.ms.' },
    { name: 'offsets.storage.topic', type: 'STRING', default: null, importance: 'LOW', group: 'offsets.topic', orderInGroup: 1, width: 'LONG',
      displayName: 'Offsets topic', ignoredBecause: 'offsets of every connector are kept in the worker\'s offset.storage.topic',
      documentation: 'A separate offsets topic for this connector.' },
  ],
  passthroughPrefixes: ['key.converter.', 'value.converter.', 'header.converter.', 'topic.creation.', 'producer.override.', 'signal.consumer.'],
};

/**
 * Connect's topic-creation keys for the groups a config uses (`topic.creation.default.*` plus one set per
 * `topic.creation.groups` entry); other `topic.creation.<group>.<topic config>` keys pass through.
 * Empty when the config has no `topic.creation.` key: then topics are created with the broker's defaults.
 */
export function topicCreationConfigDef(props: Readonly<Record<string, string>>): ConfigDef {
  if (!Object.keys(props).some((k) => k.startsWith('topic.creation.'))) return { keys: [] };
  const sizes: NonNullable<ConfigKeyDef['validate']> = (v) =>
    typeof v === 'number' && v !== -1 && v < 1 ? 'Value must be -1 (broker default) or at least 1' : undefined;
  const keys: ConfigKeyDef[] = [
    { name: 'topic.creation.default.replication.factor', type: 'SHORT', importance: 'MEDIUM', group: `${TC}: default`, orderInGroup: 1, validate: sizes,
      documentation: 'Replication factor of topics created by this connector; -1 means the broker default.' },
    { name: 'topic.creation.default.partitions', type: 'INT', importance: 'MEDIUM', group: `${TC}: default`, orderInGroup: 2, validate: sizes,
      documentation: 'Partitions of topics created by this connector; -1 means the broker default.' },
    ...['include', 'exclude'].map((k): ConfigKeyDef => ({
      name: `topic.creation.default.${k}`, type: 'LIST', default: [], importance: 'LOW', group: `${TC}: default`,
      ignoredBecause: 'the default group covers every topic that no other group matches', documentation: `Regexes of topics to ${k}.`,
    })),
  ];
  const groups = (props['topic.creation.groups'] ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '' && g !== 'default');
  for (const g of new Set(groups)) {
    const group = `${TC}: ${g}`;
    keys.push(
      { name: `topic.creation.${g}.include`, type: 'LIST', importance: 'MEDIUM', group, orderInGroup: 1,
        documentation: `Regexes of topic names the "${g}" group applies to.` },
      { name: `topic.creation.${g}.exclude`, type: 'LIST', default: [], importance: 'MEDIUM', group, orderInGroup: 2,
        documentation: `Regexes of topic names the "${g}" group does not apply to (exclusion wins).` },
      { name: `topic.creation.${g}.replication.factor`, type: 'SHORT', default: null, importance: 'LOW', group, orderInGroup: 3, validate: sizes,
        documentation: 'Replication factor; unset means the default group\'s.' },
      { name: `topic.creation.${g}.partitions`, type: 'INT', default: null, importance: 'LOW', group, orderInGroup: 4, validate: sizes,
        documentation: 'Partitions; unset means the default group\'s.' },
    );
  }
  return { keys };
}

/**
 * The full def a connector config is checked against: common keys, topic creation keys it uses, the keys of its
 * transforms and predicates (when the catalog is given), the keys of the Avro converters it names, the plugin's keys.
 */
export function connectorConfigDef(pluginDef: ConfigDef, props: Readonly<Record<string, string>>, smts?: SmtCatalog): ConfigDef {
  const transforms = smts ? transformsConfigDef(props, smts) : { keys: [], passthroughPrefixes: ['transforms.', 'predicates.'] };
  return mergeConfigDefs(commonConnectorConfigDef, topicCreationConfigDef(props), transforms, converterKeysDef(props), pluginDef);
}

/** `parseConfig` against `connectorConfigDef`: what the runtime hands a task as `settings`. */
export function parseConnectorConfig(pluginDef: ConfigDef, props: Readonly<Record<string, string>>, smts?: SmtCatalog): ParsedConfig {
  return parseConfig(connectorConfigDef(pluginDef, props, smts), props);
}
