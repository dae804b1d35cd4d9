/**
 * ValueToKey: replaces the record key with a struct (or schemaless map) of the listed value fields. The key schema
 * is an unnamed struct of those fields' schemas, in the order listed.
 *
 * A tombstone (null value) keeps its key: Connect fails it in schemaless mode ("Only Map objects supported"),
 * which would make ValueToKey unusable with Debezium's delete tombstones; a key derived from nothing is no better
 * than the one the connector gave.
 */
import { struct } from '../../../schemas/builders.js';
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import { fieldValue, findField, mapEmpty, mapGet, mapSet, perSchema, requireMap, requireStruct, type StructValue } from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { booleanSetting, distinctNames, listSetting, REPLACE_NULL_WITH_DEFAULT, singleTransform } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'fields', type: 'LIST', importance: 'HIGH', validate: distinctNames, documentation: 'Names of the value fields that make up the new key.' },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

const WHO = 'ValueToKey';
const PURPOSE = 'copying fields from value to key';

function create(config: PluginConfig) {
  const names = listSetting(config, 'fields');
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  const plan = perSchema((valueSchema: ConnectSchema) => {
    const fields = names.map((name): ConnectField => {
      const f = findField(valueSchema, name);
      if (!f) throw new TransformError(`${WHO}: Field does not exist: ${name}`);
      return f;
    });
    return { keySchema: struct(fields), fields };
  });

  return {
    apply(record: ChangeRecord): ChangeRecord {
      const value = record.value;
      if (value === null || value === undefined) return record;
      if (record.valueSchema === null) {
        const map = requireMap(value, PURPOSE, WHO);
        const key = mapEmpty(map);
        for (const name of names) mapSet(key, name, mapGet(map, name) ?? null);
        return { ...record, keySchema: null, key };
      }
      const row = requireStruct(record.valueSchema, value, PURPOSE, WHO);
      const p = plan(record.valueSchema);
      const key: StructValue = {};
      for (const f of p.fields) key[f.field] = fieldValue(row, f, replaceNullWithDefault);
      return { ...record, keySchema: p.keySchema, key };
    },
  };
}

/** ValueToKey has a single class, so Connect gives it the alias `ValueToKey`. */
export const valueToKeyPlugin = singleTransform(WHO, configDef, create);
