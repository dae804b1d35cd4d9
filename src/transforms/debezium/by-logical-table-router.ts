/**
 * `io.debezium.transforms.ByLogicalTableRouter`: sends the changes of several physical tables (shards) to one
 * logical table's topic.
 *
 * A record whose topic matches `topic.regex` as a whole goes to `topic.regex`'s first match replaced by
 * `topic.replacement` (Java replacement syntax, `$1`/`${name}`); other records, and an empty result, pass unchanged.
 * Since rows of different shards may share a key, the key gets a string field `key.field.name` holding the old
 * topic, or what `key.field.regex`/`key.field.replacement` make of it (`key.enforce.uniqueness=false` leaves the
 * key's fields alone). The key, row and envelope schemas are renamed after the new topic (`<topic>.Key`,
 * `<topic>.Value`, `<topic>.Envelope`), as `schema.name.adjustment.mode` adjusts them; their fields stay.
 * Tombstones and records that are not change events (heartbeats, schema changes) get the new topic and key but keep
 * their value; a record without a key keeps no key schema, as in Debezium.
 */
import type { ConnectSchema } from '../../../schemas/index.js';
import { field, string } from '../../../schemas/index.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import { TransformError, type PluginConfig, type Transformation, type TransformationPlugin } from '../types.js';
import { regexProblem, topicRewrite, topicRewriteProblem } from './java-regex.js';
import { derive, fieldOf, isEnvelopeSchema, TRANSFORM_VERSION } from './records.js';
import { SCHEMA_NAME_ADJUSTMENT_MODES, schemaNameAdjuster, type SchemaNameAdjustmentMode } from './schema-name-adjuster.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'topic.regex', type: 'STRING', importance: 'LOW', width: 'LONG', displayName: 'Topic regex', validate: regexProblem,
      documentation: 'Regular expression matched against the whole topic name; records of matching topics are rerouted.' },
    { name: 'topic.replacement', type: 'STRING', importance: 'LOW', width: 'LONG', displayName: 'Topic replacement',
      documentation: 'The new topic name, which may refer to topic.regex\'s groups as $1 or ${name}.' },
    { name: 'key.enforce.uniqueness', type: 'BOOLEAN', default: true, importance: 'LOW', width: 'SHORT', displayName: 'Add source topic name into key',
      documentation: 'Add a field to each key telling which physical table the record comes from, so rows of different tables with the same key stay apart. Set false when keys are unique across the tables.' },
    { name: 'key.field.name', type: 'STRING', default: '__dbz__physicalTableIdentifier', importance: 'LOW', width: 'LONG', displayName: 'Key field name',
      documentation: 'Name of the field added to keys; choose one no key column has.' },
    { name: 'key.field.regex', type: 'STRING', default: null, importance: 'LOW', width: 'LONG', displayName: 'Key field regex', validate: regexProblem,
      documentation: 'Regular expression matched against the whole original topic name to make the key field\'s value with key.field.replacement. Unset: the original topic name.' },
    { name: 'key.field.replacement', type: 'STRING', default: null, importance: 'LOW', width: 'LONG', displayName: 'Key field replacement',
      documentation: 'The key field\'s value, which may refer to key.field.regex\'s groups as $1 or ${name}. Required with key.field.regex.' },
    { name: 'schema.name.adjustment.mode', type: 'STRING', default: 'none', allowed: SCHEMA_NAME_ADJUSTMENT_MODES, importance: 'LOW', width: 'MEDIUM',
      displayName: 'Schema Name Adjustment',
      documentation: 'How the schema names made from the new topic are adjusted for the converter: none leaves them; avro replaces characters Avro does not allow with _; avro_unicode replaces them with _uXXXX.' },
    { name: 'logical.table.cache.size', type: 'INT', default: 16, importance: 'LOW', width: 'LONG', displayName: 'Logical table cache size',
      ignoredBecause: 'schemas are derived once per schema object and kept as long as that schema is in use, with no size limit to tune',
      documentation: 'Size of the caches of derived schemas and topic names.' },
  ],
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function validate({ settings }: PluginConfig): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const regex = str(settings['topic.regex']);
  const replacement = settings['topic.replacement'];
  if (regex !== null && typeof replacement === 'string') {
    const problem = topicRewriteProblem(regex, replacement);
    if (problem) errors['topic.replacement'] = [problem];
  }
  const keyRegex = str(settings['key.field.regex']);
  if (keyRegex !== null) {
    const keyReplacement = settings['key.field.replacement'];
    if (typeof keyReplacement !== 'string' || keyReplacement.trim() === '') {
      errors['key.field.replacement'] = ['key.field.replacement must be non-empty if key.field.regex is set.'];
    } else {
      const problem = topicRewriteProblem(keyRegex, keyReplacement);
      if (problem) errors['key.field.replacement'] = [problem];
    }
  }
  return errors;
}

/** Per old schema object, the renamed schema per new topic. */
function schemaCache(make: (old: ConnectSchema, topic: string) => ConnectSchema) {
  const cache = new WeakMap<ConnectSchema, Map<string, ConnectSchema>>();
  return (old: ConnectSchema, topic: string): ConnectSchema => {
    let byTopic = cache.get(old);
    if (byTopic === undefined) cache.set(old, byTopic = new Map());
    let made = byTopic.get(topic);
    if (made === undefined) byTopic.set(topic, made = make(old, topic));
    return made;
  };
}

/** Connect's "copy excluding name": version, doc, parameters, optionality and fields, not the name or default. */
function renamed(schema: ConnectSchema, name: string): ConnectSchema {
  const { name: _name, default: _default, ...rest } = schema;
  return { ...rest, name };
}

/** Remembers a function's results per topic name; topics are few, but a bound keeps a runaway regex harmless. */
function perTopic<T>(compute: (topic: string) => T): (topic: string) => T {
  const memo = new Map<string, T>();
  return (topic) => {
    if (memo.has(topic)) return memo.get(topic)!;
    const value = compute(topic);
    if (memo.size >= 10_000) memo.clear();
    memo.set(topic, value);
    return value;
  };
}

function createTransform({ settings: s }: PluginConfig): Transformation {
  const topicRule = topicRewrite(s['topic.regex'] as string, s['topic.replacement'] as string);
  const keyRegex = str(s['key.field.regex']);
  const keyRule = keyRegex === null ? null : topicRewrite(keyRegex, s['key.field.replacement'] as string);
  const enforceUniqueness = s['key.enforce.uniqueness'] !== false;
  const keyField = (s['key.field.name'] as string | null) ?? '__dbz__physicalTableIdentifier';
  const adjust = schemaNameAdjuster((s['schema.name.adjustment.mode'] as SchemaNameAdjustmentMode | null) ?? 'none');

  const newTopic = perTopic((topic) => topicRule.rewrite(topic));
  const physicalTable = perTopic((topic) => keyRule?.rewrite(topic) ?? topic);

  const keySchemaFor = schemaCache((old, topic) => {
    const key = renamed(old, adjust(`${topic}.Key`));
    if (enforceUniqueness) key.fields = [...(old.fields ?? []), field(keyField, string())];
    return key;
  });

  const envelopeFor = schemaCache((old, topic) => {
    const before = fieldOf(old, 'before');
    if (before?.type !== 'struct') throw new TransformError(`Change event schema ${old.name} has no struct "before" field to rename`);
    const { field: _f, ...rowSchema } = before;
    const row = renamed(rowSchema, adjust(`${topic}.Value`));
    const env = renamed(old, adjust(`${topic}.Envelope`));
    env.fields = (old.fields ?? []).map((f) => (f.field === 'before' || f.field === 'after' ? field(f.field, row) : f));
    return env;
  });

  return {
    apply(record) {
      const topic = newTopic(record.topic);
      if (topic === null || topic === '') return record;
      let keySchema: ConnectSchema | null = null;
      let key: unknown = null;
      if (record.key !== null && record.key !== undefined) {
        if (record.keySchema?.type !== 'struct' || typeof record.key !== 'object') {
          throw new TransformError(`ByLogicalTableRouter needs a struct key (with a schema) to update; topic ${record.topic} has ${record.keySchema?.type ?? 'a schemaless'} key`);
        }
        keySchema = keySchemaFor(record.keySchema, topic);
        key = enforceUniqueness ? { ...(record.key as Record<string, unknown>), [keyField]: physicalTable(record.topic) } : record.key;
      }
      if (record.value === null || record.value === undefined || !isEnvelopeSchema(record.valueSchema)) {
        return derive(record, { topic, keySchema, key });
      }
      // The row and envelope values keep their fields, so the objects are reused under the renamed schemas.
      return derive(record, { topic, keySchema, key, valueSchema: envelopeFor(record.valueSchema, topic) });
    },
  };
}

export const byLogicalTableRouter: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.ByLogicalTableRouter',
  aliases: ['ByLogicalTableRouter'],
  version: TRANSFORM_VERSION,
  configDef,
  validate,
  create: createTransform,
};
