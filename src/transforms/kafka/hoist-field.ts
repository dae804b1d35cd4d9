/**
 * HoistField$Key / HoistField$Value: wraps the key or value in a struct (schemaless: a map) with one field. The
 * new schema is an unnamed struct holding the old schema as that field.
 *
 * A null key/value passes through: Connect would wrap it (`{field: null}`), which turns a tombstone into a
 * record that log compaction keeps and sinks read as data.
 */
import { field, struct } from '../../../schemas/builders.js';
import type { ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import { perSchema } from '../schema-tools.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { keyAndValue, onSide, stringSetting, type RecordSide } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'field', type: 'STRING', importance: 'MEDIUM', documentation: 'Name of the single field of the resulting struct or map.' },
  ],
};

function create(side: RecordSide, config: PluginConfig) {
  const name = stringSetting(config, 'field') ?? '';
  const wrapped = perSchema((schema: ConnectSchema) => struct([field(name, schema)]));

  return onSide(side, (record, schema, value) => side.with(record, schema === null ? null : wrapped(schema), { [name]: value }));
}

export const hoistFieldPlugins = keyAndValue('HoistField', { configDef, create });
