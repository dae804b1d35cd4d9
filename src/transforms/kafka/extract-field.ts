/**
 * ExtractField$Key / ExtractField$Value: replaces the key or value with one of its fields (with
 * `field.syntax.version=V2`, a nested one such as `after.id`). The new schema is that field's schema. A null
 * key/value, or a null struct on the way, gives null; a field the schema does not have fails the record.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  asStandalone, fieldValue, findField, mapGet, perSchema, requireMap, requireStruct, type SchemalessMap, type StructValue,
} from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { FIELD_SYNTAX_VERSION, parseFieldPath, type FieldSyntaxVersion } from './field-path.js';
import { booleanSetting, keyAndValue, onSide, REPLACE_NULL_WITH_DEFAULT, stringSetting, type RecordSide } from './plugin-kit.js';

function pathOf(config: PluginConfig): string[] | { error: string } {
  return parseFieldPath(stringSetting(config, 'field') ?? '', (stringSetting(config, 'field.syntax.version') ?? 'V1') as FieldSyntaxVersion);
}

const configDef: ConfigDef = {
  keys: [
    { name: 'field', type: 'STRING', importance: 'MEDIUM', documentation: 'Name (or, with field.syntax.version=V2, path) of the field to extract.' },
    FIELD_SYNTAX_VERSION,
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

function validate(config: PluginConfig): Record<string, string[]> {
  const path = pathOf(config);
  return 'error' in path ? { field: [path.error] } : {};
}

const PURPOSE = 'field extraction';

function create(side: RecordSide, config: PluginConfig, who: string) {
  const original = stringSetting(config, 'field') ?? '';
  const parsed = pathOf(config);
  const steps = Array.isArray(parsed) ? parsed : [original];
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  /** The fields along the path in this schema, or null when one is missing (a nested step must be a struct). */
  const fieldsAlong = perSchema((schema: ConnectSchema): ConnectField[] | null => {
    const along: ConnectField[] = [];
    let current: ConnectSchema = schema;
    for (const step of steps) {
      const f = current.type === 'struct' ? findField(current, step) : undefined;
      if (!f) return null;
      along.push(f);
      current = f;
    }
    return along;
  });

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      let current: unknown = requireMap(value, PURPOSE, who);
      for (let i = 0; i < steps.length && current !== null; i++) {
        const map = i === 0 ? (current as SchemalessMap) : requireMap(current, 'nested field access', who);
        current = mapGet(map, steps[i]!) ?? null;
      }
      return side.with(record, null, current ?? null);
    }
    const row = requireStruct(schema, value, PURPOSE, who);
    const along = fieldsAlong(schema);
    if (along === null) throw new TransformError(`${who}: Unknown field: ${original}`);
    let current: unknown = row;
    for (const f of along) {
      if (current === null) break;
      current = fieldValue(current as StructValue, f, replaceNullWithDefault);
    }
    return side.with(record, asStandalone(along[along.length - 1]!), current);
  });
}

export const extractFieldPlugins = keyAndValue('ExtractField', { configDef, validate, create });
