/**
 * The record converters this service implements, by the class names Connect users know, and their config
 * definitions as the Java classes define them: Connect's JsonConverter, StringConverter, ByteArrayConverter and
 * number converters, and Confluent's AvroConverter, JsonSchemaConverter and ProtobufConverter (their schema registry
 * client keys, and the *Data classes' keys). A converter's settings sit under `key.converter.` / `value.converter.`
 * in connector and worker configs; `converterKeysDef` gives the prefixed keys to validate.
 * What we cannot honour is refused by a validator naming the key, never accepted and ignored.
 */
import type { ConfigDef, ConfigKeyDef, ConfigValue } from './config-def.js';
import { STRING_ENCODINGS, stringEncoding } from '../../schemas/simple-converters.js';
import { atLeast } from './config-validation.js';

export const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
export const AVRO_CONVERTER = 'io.confluent.connect.avro.AvroConverter';
export const JSON_SCHEMA_CONVERTER = 'io.confluent.connect.json.JsonSchemaConverter';
export const PROTOBUF_CONVERTER = 'io.confluent.connect.protobuf.ProtobufConverter';
export const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
export const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';
export const BYTE_ARRAY_CONVERTER = 'org.apache.kafka.connect.converters.ByteArrayConverter';
/** Connect's number converters (connect-runtime), by the type they write. */
export const NUMBER_CONVERTERS = {
  'org.apache.kafka.connect.converters.IntegerConverter': 'integer',
  'org.apache.kafka.connect.converters.LongConverter': 'long',
  'org.apache.kafka.connect.converters.ShortConverter': 'short',
  'org.apache.kafka.connect.converters.DoubleConverter': 'double',
  'org.apache.kafka.connect.converters.FloatConverter': 'float',
  'org.apache.kafka.connect.converters.BooleanConverter': 'boolean',
} as const;
/** Converter classes this service implements, for `key.converter`/`value.converter`. */
export const SUPPORTED_CONVERTERS: readonly string[] = [JSON_CONVERTER, AVRO_CONVERTER, JSON_SCHEMA_CONVERTER, PROTOBUF_CONVERTER, STRING_CONVERTER, BYTE_ARRAY_CONVERTER, ...Object.keys(NUMBER_CONVERTERS)];
// Headers in this service's record model are the SimpleHeaderConverter's text from the moment they are made
// (connectors and transforms write it), so no other header converter could be honoured.
export const SUPPORTED_HEADER_CONVERTERS: readonly string[] = [SIMPLE_HEADER_CONVERTER];

// Connect accepts a plugin's simple name and its name without the type suffix as aliases.
export const CONVERTER_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  SUPPORTED_CONVERTERS.flatMap((cls) => {
    const simple = cls.slice(cls.lastIndexOf('.') + 1).toLowerCase();
    return [[simple, cls], [simple.replace(/converter$/, ''), cls]];
  }),
);
export const HEADER_CONVERTER_ALIASES: Readonly<Record<string, string>> = {
  jsonconverter: JSON_CONVERTER, json: JSON_CONVERTER, simpleheaderconverter: SIMPLE_HEADER_CONVERTER, simpleheader: SIMPLE_HEADER_CONVERTER,
};

/** A converter class as configured (full name, simple name or alias, any case) → its full name, or the text as is. */
export function converterClass(value: string): string {
  const v = value.trim();
  return CONVERTER_ALIASES[v.toLowerCase()] ?? v;
}

/** `converter.type`: Connect adds it to every converter's config definition. */
export const CONVERTER_TYPE_KEY: ConfigKeyDef = {
  name: 'converter.type', type: 'STRING', importance: 'LOW', allowed: ['key', 'value', 'header'], documentation: 'How this converter will be used.',
};

export const JSON_CONVERTER_DEF: ConfigDef = {
  keys: [
    { name: 'schemas.enable', type: 'BOOLEAN', default: true, importance: 'HIGH', group: 'Schemas', orderInGroup: 1, width: 'MEDIUM', displayName: 'Enable Schemas',
      documentation: 'Include schemas within each of the serialized values and keys.' },
    { name: 'decimal.format', type: 'STRING', default: 'BASE64', allowed: ['BASE64', 'NUMERIC'], importance: 'LOW', group: 'Schemas', orderInGroup: 2, width: 'MEDIUM',
      displayName: 'Decimal Format', documentation: 'How Connect Decimal values are written: BASE64 (bytes, the default) or NUMERIC (a JSON number).' },
  ],
};

/** StringConverter's `converter.encoding` (StringConverterConfig). */
export const STRING_CONVERTER_DEF: ConfigDef = {
  keys: [
    { name: 'converter.encoding', type: 'STRING', default: 'UTF-8', importance: 'HIGH', group: 'Converter', orderInGroup: 1, width: 'MEDIUM', displayName: 'Encoding',
      validate: (v) => (typeof v === 'string' && stringEncoding(v) === undefined ? `Unsupported encoding; use one of ${STRING_ENCODINGS.join(', ')}` : undefined),
      documentation: `The name of the Java character set used for encoding strings: ${STRING_ENCODINGS.join(', ')} (and their Java aliases).` },
    // Connect hands the converter's settings to Kafka's StringSerializer, where the role's own key wins over the
    // `serializer.encoding` the converter sets from converter.encoding; so these two are honoured, that one is not.
    ...(['key.serializer.encoding', 'value.serializer.encoding'] as const).map((name, i): ConfigKeyDef => ({
      name, type: 'STRING', default: null, importance: 'LOW', group: 'Converter', orderInGroup: 2 + i, width: 'MEDIUM', displayName: name,
      validate: (v) => (typeof v === 'string' && stringEncoding(v) === undefined ? `Unsupported encoding; use one of ${STRING_ENCODINGS.join(', ')}` : undefined),
      documentation: `StringSerializer's encoding for ${i === 0 ? 'keys' : 'values'}: wins over converter.encoding when this converter is the ${i === 0 ? 'key' : 'value'} converter.`,
    })),
    { name: 'serializer.encoding', type: 'STRING', default: null, importance: 'LOW', group: 'Converter', orderInGroup: 4, width: 'MEDIUM', displayName: 'serializer.encoding',
      validate: (v) => (v === null || v === undefined ? undefined : 'Has no effect: StringConverter replaces it with converter.encoding (as Connect does); set converter.encoding'),
      documentation: 'Refused: Connect\'s StringConverter overwrites it with converter.encoding.' },
  ],
};

/** ByteArrayConverter and the number converters have no settings of their own (converter.type aside). */
export const NO_SETTINGS_DEF: ConfigDef = { keys: [] };

const TOPIC_NAME_STRATEGY = 'io.confluent.kafka.serializers.subject.TopicNameStrategy';
export const SUBJECT_NAME_STRATEGIES = [
  TOPIC_NAME_STRATEGY, 'io.confluent.kafka.serializers.subject.RecordNameStrategy', 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy',
] as const;
const NULL_CONTEXT_NAME_STRATEGY = 'io.confluent.kafka.serializers.context.NullContextNameStrategy';
const SSL_PREFIX = 'schema.registry.ssl.';
export const REQUEST_HEADER_PREFIX = 'request.header.';

type Check = NonNullable<ConfigKeyDef['validate']>;

const registryUrls: Check = (v, all) => {
  const bad = (v as string[] | null)?.find((u) => !/^https?:\/\/[^/\s]+/i.test(u));
  if (bad !== undefined) return `"${redactUrl(bad)}" is not an http:// or https:// URL`;
  if (Array.isArray(v) && v.length === 0) return 'At least one schema registry URL is required';
  const ssl = Object.keys(all).filter((k) => k.startsWith(SSL_PREFIX));
  return ssl.length > 0
    ? `TLS settings for the registry (${ssl.join(', ')}) are not supported; use an https:// URL whose certificate the system trusts (NODE_EXTRA_CA_CERTS adds a CA)`
    : undefined;
};

const userInfo: Check = (v, all) => {
  if (all['basic.auth.credentials.source'] !== 'USER_INFO') return undefined;
  const info = (typeof v === 'string' && v !== '' ? v : all['schema.registry.basic.auth.user.info']) as string | null;
  if (!info) return 'Required when basic.auth.credentials.source=USER_INFO (as user:password)';
  return info.includes(':') ? undefined : 'Must be user:password';
};

const onlyTrue = (why: string): Check => (v) => (v === false ? `Only true is supported: ${why}` : undefined);
const unset = (what: string): Check => (v) => (v !== null && v !== '' && v !== -1 ? `${what} is not supported` : undefined);

const SR = 'Schema Registry';
const AVRO = 'Avro';

/** The registry settings Confluent's converters share (AbstractKafkaSchemaSerDeConfig). */
const REGISTRY_KEYS: ConfigKeyDef[] = [
    { name: 'schema.registry.url', type: 'LIST', importance: 'HIGH', group: SR, orderInGroup: 1, validate: registryUrls,
      documentation: 'Comma-separated URLs of the schema registry (Confluent Schema Registry, or a registry with its API such as Apicurio\'s /apis/ccompat/v7); the next is tried when one cannot be reached.' },
    { name: 'basic.auth.credentials.source', type: 'STRING', default: 'URL', allowed: ['URL', 'USER_INFO', 'SASL_INHERIT'], importance: 'MEDIUM', group: SR, orderInGroup: 2,
      validate: (v) => (v === 'SASL_INHERIT' ? 'SASL_INHERIT is not supported; use USER_INFO with basic.auth.user.info' : undefined),
      documentation: 'Where basic auth credentials come from: URL (user:password@ in schema.registry.url) or USER_INFO (basic.auth.user.info).' },
    { name: 'basic.auth.user.info', type: 'PASSWORD', default: null, importance: 'MEDIUM', group: SR, orderInGroup: 3, validate: userInfo,
      documentation: 'user:password for basic auth when basic.auth.credentials.source=USER_INFO.' },
    { name: 'schema.registry.basic.auth.user.info', type: 'PASSWORD', default: null, importance: 'LOW', group: SR, orderInGroup: 4,
      documentation: 'Deprecated name of basic.auth.user.info, used when that is not set.' },
    { name: 'bearer.auth.credentials.source', type: 'STRING', default: 'STATIC_TOKEN', allowed: ['STATIC_TOKEN', 'OAUTHBEARER', 'SASL_OAUTHBEARER_INHERIT', 'CUSTOM'],
      importance: 'MEDIUM', group: SR, orderInGroup: 5, validate: (v) => (v !== 'STATIC_TOKEN' ? 'Only STATIC_TOKEN (bearer.auth.token) is supported' : undefined),
      documentation: 'Where a bearer token comes from: STATIC_TOKEN (bearer.auth.token).' },
    { name: 'bearer.auth.token', type: 'PASSWORD', default: null, importance: 'MEDIUM', group: SR, orderInGroup: 6,
      validate: (v, all) => (v && all['basic.auth.credentials.source'] === 'USER_INFO' ? 'Set either basic auth (basic.auth.user.info) or a bearer token, not both' : undefined),
      documentation: 'Bearer token sent to the registry (Authorization: Bearer).' },
    { name: 'auto.register.schemas', type: 'BOOLEAN', default: true, importance: 'MEDIUM', group: SR, orderInGroup: 7,
      documentation: 'Register each new schema under its subject. false: only look up the id of a schema registered beforehand (or see use.latest.version).' },
    { name: 'use.latest.version', type: 'BOOLEAN', default: false, importance: 'LOW', group: SR, orderInGroup: 8,
      documentation: 'With auto.register.schemas=false: write records with the subject\'s latest registered schema (fields matched by name; the record must fit it).' },
    { name: 'latest.compatibility.strict', type: 'BOOLEAN', default: true, importance: 'LOW', group: SR, orderInGroup: 9,
      validate: onlyTrue('records are always checked against the latest version before it is used'),
      documentation: 'Check that the latest version can hold the records before writing with it.' },
    { name: 'use.schema.id', type: 'INT', default: -1, importance: 'LOW', group: SR, orderInGroup: 10, validate: atLeast(-1),
      documentation: 'With auto.register.schemas=false: write every record with the schema of this id (-1: none).' },
    { name: 'id.compatibility.strict', type: 'BOOLEAN', default: true, importance: 'LOW', group: SR, orderInGroup: 11,
      validate: onlyTrue('records are always checked against the schema of use.schema.id before it is used'),
      documentation: 'Check that the schema of use.schema.id can hold the records.' },
    { name: 'normalize.schemas', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: SR, orderInGroup: 12,
      documentation: 'Ask the registry to normalize schemas when registering and looking them up.' },
    { name: 'max.schemas.per.subject', type: 'INT', default: 1000, importance: 'LOW', group: SR, orderInGroup: 13, validate: atLeast(1),
      documentation: 'Most schemas one converter registers or looks up per subject; more is an error.' },
    { name: 'key.subject.name.strategy', type: 'CLASS', default: TOPIC_NAME_STRATEGY, allowed: SUBJECT_NAME_STRATEGIES, importance: 'MEDIUM', group: SR, orderInGroup: 14,
      documentation: 'Subject of key schemas: TopicNameStrategy (<topic>-key), RecordNameStrategy (<record name>) or TopicRecordNameStrategy (<topic>-<record name>).' },
    { name: 'value.subject.name.strategy', type: 'CLASS', default: TOPIC_NAME_STRATEGY, allowed: SUBJECT_NAME_STRATEGIES, importance: 'MEDIUM', group: SR, orderInGroup: 15,
      documentation: 'Subject of value schemas: TopicNameStrategy (<topic>-value), RecordNameStrategy (<record name>) or TopicRecordNameStrategy (<topic>-<record name>).' },
    { name: 'context.name.strategy', type: 'CLASS', default: NULL_CONTEXT_NAME_STRATEGY, importance: 'LOW', group: SR, orderInGroup: 16,
      validate: (v) => (v !== NULL_CONTEXT_NAME_STRATEGY ? 'Schema contexts are not supported; leave the default' : undefined),
      documentation: 'Schema registry context of subjects; only the default (none) is supported.' },
    { name: 'http.connect.timeout.ms', type: 'INT', default: 60000, importance: 'LOW', group: SR, orderInGroup: 17, validate: atLeast(1),
      documentation: 'Time allowed to connect to the registry, in ms.' },
    { name: 'http.read.timeout.ms', type: 'INT', default: 60000, importance: 'LOW', group: SR, orderInGroup: 18, validate: atLeast(1),
      documentation: 'Time allowed for the registry to answer, in ms.' },
    { name: 'proxy.host', type: 'STRING', default: '', importance: 'LOW', group: SR, orderInGroup: 19, validate: unset('A proxy for the registry'),
      documentation: 'Proxy for the registry; not supported.' },
    { name: 'proxy.port', type: 'INT', default: -1, importance: 'LOW', group: SR, orderInGroup: 20, validate: unset('A proxy for the registry'),
      documentation: 'Proxy port for the registry; not supported.' },
    { name: 'schema.reflection', type: 'BOOLEAN', default: false, importance: 'LOW', group: SR, orderInGroup: 21,
      ignoredBecause: 'the converter writes Connect records, never Java objects', documentation: 'Use Java reflection for schemas.' },
];

/** Confluent's AvroConverter: the serializer's registry settings (AbstractKafkaSchemaSerDeConfig) and AvroData's. */
export const AVRO_CONVERTER_DEF: ConfigDef = {
  keys: [
    ...REGISTRY_KEYS,
    { name: 'connect.meta.data', type: 'BOOLEAN', default: true, importance: 'LOW', group: AVRO, orderInGroup: 1,
      documentation: 'Add Connect\'s metadata (connect.name, connect.version, connect.parameters, connect.default, connect.doc, connect.type) to the Avro schemas.' },
    { name: 'enhanced.avro.schema.support', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: AVRO, orderInGroup: 2,
      documentation: 'Avro enums and unions from io.confluent.connect.avro.Enum/Union parameters; the connectors here emit none, so their schemas are the same either way.' },
    { name: 'scrub.invalid.names', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: AVRO, orderInGroup: 3,
      documentation: 'Make names that are not valid in Avro valid (URL-encode, then _ for what is left) instead of failing the task.' },
    { name: 'discard.type.doc.default', type: 'BOOLEAN', default: false, importance: 'LOW', group: AVRO, orderInGroup: 4,
      documentation: 'Field docs from the Connect field schemas\' doc, record docs from the connect.record.doc parameter.' },
    { name: 'allow.optional.map.keys', type: 'BOOLEAN', default: false, importance: 'LOW', group: AVRO, orderInGroup: 5,
      documentation: 'Maps with optional string keys become Avro maps (instead of arrays of key/value records).' },
    { name: 'generalized.sum.type.support', type: 'BOOLEAN', default: false, importance: 'LOW', group: AVRO, orderInGroup: 6,
      documentation: 'Generalized enums and unions; the connectors here emit none, so their schemas are the same either way.' },
    { name: 'ignore.default.for.nullables', type: 'BOOLEAN', default: false, importance: 'LOW', group: AVRO, orderInGroup: 7,
      documentation: 'Write null, not the default, for a null in an optional field that has a default.' },
    { name: 'avro.remove.java.properties', type: 'BOOLEAN', default: false, importance: 'LOW', group: AVRO, orderInGroup: 8,
      documentation: 'Remove avro.java.string properties from schemas; the converter never writes them.' },
    { name: 'schemas.cache.config', type: 'INT', default: 1000, importance: 'LOW', group: AVRO, orderInGroup: 9, validate: atLeast(1),
      ignoredBecause: 'Avro schemas are kept per Connect schema object for as long as the connector uses it, however many', documentation: 'Size of the schema cache.' },
    { name: 'flatten.singleton.union', type: 'BOOLEAN', default: true, importance: 'LOW', group: AVRO, orderInGroup: 10,
      ignoredBecause: 'it applies when reading Avro, which this service never does', documentation: 'Flatten singleton unions when reading Avro.' },
  ],
  passthroughPrefixes: [REQUEST_HEADER_PREFIX, SSL_PREFIX],
};

const JSON_SCHEMA = 'JSON Schema';

/** Confluent's JsonSchemaConverter: the registry settings and JsonSchemaDataConfig's. */
export const JSON_SCHEMA_CONVERTER_DEF: ConfigDef = {
  keys: [
    ...REGISTRY_KEYS,
    { name: 'decimal.format', type: 'STRING', default: 'BASE64', allowed: ['BASE64', 'NUMERIC'], importance: 'LOW', group: JSON_SCHEMA, orderInGroup: 1,
      documentation: 'How Connect Decimal values are written: BASE64 (bytes as base64 text, the default) or NUMERIC (a JSON number).' },
    { name: 'object.additional.properties', type: 'BOOLEAN', default: true, importance: 'MEDIUM', group: JSON_SCHEMA, orderInGroup: 2,
      documentation: 'true: struct schemas are open objects (other properties allowed). false: "additionalProperties":false on every struct, which registries need to accept a new optional column as a backward-compatible change.' },
    { name: 'use.optional.for.nonrequired', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: JSON_SCHEMA, orderInGroup: 3,
      ignoredBecause: 'it applies when reading JSON Schemas into Connect schemas, which this service never does', documentation: 'Make non-required properties optional when reading.' },
    { name: 'schemas.cache.size', type: 'INT', default: 1000, importance: 'LOW', group: JSON_SCHEMA, orderInGroup: 4, validate: atLeast(1),
      ignoredBecause: 'schemas are kept per Connect schema object for as long as the connector uses it, however many', documentation: 'Size of the schema cache.' },
  ],
  passthroughPrefixes: [REQUEST_HEADER_PREFIX, SSL_PREFIX],
};

const PROTOBUF = 'Protobuf';
const readingOnly = 'it applies when reading Protobuf into Connect schemas, which this service never does';

/** Confluent's ProtobufConverter: the registry settings and ProtobufDataConfig's. */
export const PROTOBUF_CONVERTER_DEF: ConfigDef = {
  keys: [
    ...REGISTRY_KEYS,
    { name: 'optional.for.nullables', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: PROTOBUF, orderInGroup: 1,
      documentation: 'Optional scalar fields as proto3 optional, so a null reads back as absent (not the type\'s zero).' },
    { name: 'wrapper.for.nullables', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: PROTOBUF, orderInGroup: 2,
      documentation: 'Optional scalar fields as google.protobuf wrapper messages (Int32Value, StringValue, ...).' },
    { name: 'scrub.invalid.names', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: PROTOBUF, orderInGroup: 3,
      documentation: 'Make names that are not valid in Protobuf valid (other characters become _, an x goes before a leading non-letter) instead of failing the task.' },
    { name: 'enhanced.protobuf.schema.support', type: 'BOOLEAN', default: false, importance: 'MEDIUM', group: PROTOBUF, orderInGroup: 4,
      ignoredBecause: readingOnly, documentation: 'Keep package names when reading.' },
    { name: 'optional.for.proto2', type: 'BOOLEAN', default: true, importance: 'LOW', group: PROTOBUF, orderInGroup: 5,
      ignoredBecause: readingOnly, documentation: 'Read proto2 optionals as optional.' },
    { name: 'wrapper.for.raw.primitives', type: 'BOOLEAN', default: true, importance: 'LOW', group: PROTOBUF, orderInGroup: 6,
      ignoredBecause: readingOnly, documentation: 'Read a root wrapper message as a raw primitive.' },
    { name: 'schemas.cache.config', type: 'INT', default: 1000, importance: 'LOW', group: PROTOBUF, orderInGroup: 7, validate: atLeast(1),
      ignoredBecause: 'schemas are kept per Connect schema object for as long as the connector uses it, however many', documentation: 'Size of the schema cache.' },
  ],
  passthroughPrefixes: [REQUEST_HEADER_PREFIX, SSL_PREFIX],
};

/** The def of a converter class (after aliases), or undefined for a class we do not implement. */
export function converterDef(className: string): ConfigDef | undefined {
  if (className === JSON_CONVERTER) return JSON_CONVERTER_DEF;
  if (className === AVRO_CONVERTER) return AVRO_CONVERTER_DEF;
  if (className === JSON_SCHEMA_CONVERTER) return JSON_SCHEMA_CONVERTER_DEF;
  if (className === PROTOBUF_CONVERTER) return PROTOBUF_CONVERTER_DEF;
  if (className === STRING_CONVERTER) return STRING_CONVERTER_DEF;
  if (className === BYTE_ARRAY_CONVERTER || className in NUMBER_CONVERTERS) return NO_SETTINGS_DEF;
  return undefined;
}

/** `props` without `prefix`, for the keys that have it (a converter's own view of its settings). */
export function stripPrefix(props: Readonly<Record<string, ConfigValue>>, prefix: string): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** A converter def under `prefix` (`value.converter.`): keys renamed, validators reading their siblings unprefixed. */
function prefixedDef(def: ConfigDef, prefix: string): ConfigDef {
  return {
    keys: def.keys.map((k) => ({
      ...k,
      name: prefix + k.name,
      ...(k.validate ? { validate: (v: ConfigValue, all: Readonly<Record<string, ConfigValue>>) => k.validate!(v, stripPrefix(all, prefix)) } : {}),
    })),
    passthroughPrefixes: (def.passthroughPrefixes ?? []).map((p) => prefix + p),
  };
}

/**
 * The keys of the converters a config names (`key.converter`, `value.converter`) other than JSON, under their prefixes, so
 * a missing `value.converter.schema.registry.url` is an error by that name and `value.converter.basic.auth.user.info`
 * is a secret. The JSON converter's keys stay pass-through (its schemas.enable is a common key).
 */
export function converterKeysDef(props: Readonly<Record<string, string>>): ConfigDef {
  const keys: ConfigKeyDef[] = [];
  const passthroughPrefixes: string[] = [];
  for (const role of ['key.converter', 'value.converter']) {
    const cls = props[role];
    const own = cls === undefined ? undefined : converterClass(cls);
    if (own === undefined || own === JSON_CONVERTER) continue;
    const ownDef = converterDef(own);
    if (!ownDef) continue;
    const def = prefixedDef(ownDef, `${role}.`);
    keys.push(...def.keys.map((k) => ({ ...k, group: `${role}: ${k.group}` })));
    passthroughPrefixes.push(...def.passthroughPrefixes!);
  }
  return { keys, passthroughPrefixes };
}

/** Strips `user:password@` from a URL so it can appear in messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}
