/**
 * InsertField$Key / InsertField$Value: adds fields holding the record's topic, Kafka partition, timestamp or a
 * fixed string to a struct (or schemaless map).
 *
 * As in Connect: the partition and timestamp are inserted only when the record has them (our connectors leave
 * both to the producer, as Debezium does, so such fields stay null); a name ending in `!` makes the field
 * required, `?` (the default) optional; a null key/value passes through. `offset.field` is for sink records only:
 * Connect fails every source record with it, so validate refuses it here.
 */
import { field, int32, int64, string } from '../../../schemas/builders.js';
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import { connectTimestampSchema } from '../../../schemas/temporal.js';
import type { ConfigDef, ConfigKeyDef } from '../../connect-api/config-def.js';
import { fieldValue, mapCopy, mapSet, perSchema, requireMap, requireStruct, structLike, type StructValue } from '../schema-tools.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { booleanSetting, keyAndValue, onSide, REPLACE_NULL_WITH_DEFAULT, stringSetting, type RecordSide } from './plugin-kit.js';

const OPTIONALITY = 'End the name with "!" to make the field required, or "?" to keep it optional (the default).';

const fieldKey = (name: string, what: string): ConfigKeyDef => ({
  name, type: 'STRING', default: null, importance: 'MEDIUM', documentation: `Name of the field to hold ${what}. ${OPTIONALITY}`,
});

const configDef: ConfigDef = {
  keys: [
    fieldKey('topic.field', 'the Kafka topic'),
    fieldKey('partition.field', 'the Kafka partition'),
    fieldKey('offset.field', 'the Kafka offset; for sink connectors only'),
    fieldKey('timestamp.field', 'the record timestamp'),
    fieldKey('static.field', 'the value of static.value'),
    { name: 'static.value', type: 'STRING', default: null, importance: 'MEDIUM', documentation: 'The value of the static field, when static.field is set.' },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

interface Insertion { name: string; optional: boolean }

function insertion(spec: string | null): Insertion | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

function validate(config: PluginConfig): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const set = (k: string) => stringSetting(config, k) !== null;
  if (set('offset.field')) {
    errors['offset.field'] = ['offset.field applies to sink records only; Kafka Connect fails every source record with it '
      + '("Only SinkRecord supported for [field insertion]"), and this service runs source connectors'];
  }
  if (!['topic.field', 'partition.field', 'offset.field', 'timestamp.field', 'static.field'].some(set)) {
    errors['topic.field'] = ['No field insertion configured: set at least one of topic.field, partition.field, timestamp.field, static.field'];
  }
  if (set('static.field') && !set('static.value')) {
    errors['static.value'] = [`No value specified for static field: ${stringSetting(config, 'static.field')}`];
  }
  return errors;
}

const PURPOSE = 'field insertion';

function create(side: RecordSide, config: PluginConfig, who: string) {
  const topic = insertion(stringSetting(config, 'topic.field'));
  const partition = insertion(stringSetting(config, 'partition.field'));
  const timestamp = insertion(stringSetting(config, 'timestamp.field'));
  const staticField = insertion(stringSetting(config, 'static.field'));
  const staticValue = stringSetting(config, 'static.value');
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  const added: ConnectField[] = [];
  if (topic) added.push(field(topic.name, string({ optional: topic.optional })));
  if (partition) added.push(field(partition.name, int32({ optional: partition.optional })));
  if (timestamp) added.push(field(timestamp.name, connectTimestampSchema({ optional: timestamp.optional })));
  if (staticField) added.push(field(staticField.name, string({ optional: staticField.optional })));

  // The copy plan per input schema: the output schema, and the input fields whose null must become their default.
  const plan = perSchema((schema: ConnectSchema) => ({
    schema: structLike(schema, [...(schema.fields ?? []), ...added], who),
    defaulted: replaceNullWithDefault ? (schema.fields ?? []).filter((f) => f.default !== undefined) : [],
  }));

  /** Puts the metadata; what the record lacks is left out (null in a struct). */
  function insert(record: ChangeRecord, put: (name: string, value: unknown) => void): void {
    if (topic) put(topic.name, record.topic);
    if (partition && record.kafkaPartition !== undefined) put(partition.name, record.kafkaPartition);
    if (timestamp && record.timestamp !== undefined) put(timestamp.name, record.timestamp);
    if (staticField && staticValue !== null) put(staticField.name, staticValue);
  }

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      const out = mapCopy(requireMap(value, PURPOSE, who));
      insert(record, (k, v) => mapSet(out, k, v));
      return side.with(record, null, out);
    }
    const row = requireStruct(schema, value, PURPOSE, who);
    const p = plan(schema);
    const out: StructValue = { ...row };
    for (const f of p.defaulted) out[f.field] = fieldValue(row, f, true);
    for (const f of added) out[f.field] = null;
    insert(record, (k, v) => { out[k] = v; });
    return side.with(record, p.schema, out);
  });
}

export const insertFieldPlugins = keyAndValue('InsertField', { configDef, validate, create });
