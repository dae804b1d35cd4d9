/**
 * SetSchemaMetadata$Key / SetSchemaMetadata$Value: gives the key or value schema another name and/or version
 * (e.g. to match a Schema Registry subject). Everything else about the schema stays. A record without a schema
 * on that side and a null value passes through; one with a value but no schema fails, as in Connect.
 */
import type { ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import { fieldValue, perSchema, type StructValue } from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { booleanSetting, keyAndValue, REPLACE_NULL_WITH_DEFAULT, stringSetting, type RecordSide } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'schema.name', type: 'STRING', default: null, importance: 'HIGH', documentation: 'The schema name to set.' },
    { name: 'schema.version', type: 'INT', default: null, importance: 'HIGH', documentation: 'The schema version to set.' },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

function validate(config: PluginConfig): Record<string, string[]> {
  if (config.settings['schema.name'] == null && config.settings['schema.version'] == null) {
    return { 'schema.name': ['Neither schema name nor version configured'] };
  }
  return {};
}

function create(side: RecordSide, config: PluginConfig, who: string) {
  const name = stringSetting(config, 'schema.name');
  const version = config.settings['schema.version'];
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  const renamed = perSchema((schema: ConnectSchema) => {
    const out: ConnectSchema = { ...schema };
    if (name !== null) out.name = name;
    if (typeof version === 'number') out.version = version;
    // Connect copies struct values field by field into the renamed schema, reading nulls with their defaults.
    const defaulted = replaceNullWithDefault ? (schema.fields ?? []).filter((f) => f.default !== undefined) : [];
    return { schema: out, defaulted };
  });

  return {
    apply(record: ChangeRecord): ChangeRecord {
      const value = side.value(record);
      const schema = side.schema(record);
      if (schema === null) {
        if (value === null || value === undefined) return record;
        throw new TransformError(`${who}: Schema required for [updating schema metadata]`);
      }
      const r = renamed(schema);
      if (r.defaulted.length === 0 || value === null || typeof value !== 'object') return side.with(record, r.schema, value);
      const row = value as StructValue;
      const out: StructValue = { ...row };
      for (const f of r.defaulted) out[f.field] = fieldValue(row, f, true);
      return side.with(record, r.schema, out);
    },
  };
}

export const setSchemaMetadataPlugins = keyAndValue('SetSchemaMetadata', { configDef, validate, create });
