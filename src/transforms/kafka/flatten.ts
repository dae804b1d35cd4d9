/**
 * Flatten$Key / Flatten$Value: turns nested structs (schemaless: nested maps) into one level, naming each field by
 * its path joined with `delimiter` (`after.id`, `source.ts_ms`). A field under an optional struct becomes optional,
 * and a default of an enclosing struct carries down to its fields; a null struct gives nulls for all its fields.
 * Arrays are kept as they are; a map inside a struct with a schema is not supported (as in Connect). A null
 * key/value passes through.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  copySchemaBasics, isSchemalessMap, mapEmpty, mapEntries, mapSet, perSchema, requireMap, requireStruct, typeName,
  type SchemalessMap, type StructValue,
} from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { keyAndValue, onSide, stringSetting, type RecordSide } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'delimiter', type: 'STRING', default: '.', importance: 'MEDIUM', documentation: 'What goes between the field names of each level in the names of the flattened fields.' },
  ],
};

const PURPOSE = 'flattening';
const LEAF = new Set<ConnectSchema['type']>(['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string', 'bytes', 'array']);

/** One output field: its name, schema, and the input field names to walk to its value. */
interface Leaf { field: ConnectField; path: string[] }

function create(side: RecordSide, config: PluginConfig, who: string) {
  const delimiter = stringSetting(config, 'delimiter') ?? '.';
  const join = (prefix: string, name: string) => (prefix === '' ? name : prefix + delimiter + name);

  const plan = perSchema((schema: ConnectSchema) => {
    const leaves: Leaf[] = [];
    const walk = (s: ConnectSchema, prefix: string, path: string[], optional: boolean, parentDefault: StructValue | null) => {
      for (const f of s.fields ?? []) {
        const name = join(prefix, f.field);
        const isOptional = optional || f.optional;
        const dflt = f.default ?? (parentDefault ? parentDefault[f.field] ?? undefined : undefined);
        if (f.type === 'struct') {
          walk(f, name, [...path, f.field], isOptional, (dflt ?? null) as StructValue | null);
        } else if (LEAF.has(f.type)) {
          const { field: _old, default: _d, ...rest } = f;
          const out: ConnectField = { ...rest, optional: isOptional, field: name };
          if (dflt !== undefined && dflt !== null) out.default = dflt;
          leaves.push({ field: out, path: [...path, f.field] });
        } else {
          throw new TransformError(`${who}: Flatten transformation does not support ${f.type.toUpperCase()} for record with schemas (for field ${name}).`);
        }
      }
    };
    walk(schema, '', [], schema.optional, (schema.default ?? null) as StructValue | null);
    const seen = new Set<string>();
    for (const l of leaves) {
      if (seen.has(l.field.field)) throw new TransformError(`${who}: cannot create field because of field name duplication ${l.field.field}`);
      seen.add(l.field.field);
    }
    return { schema: { ...copySchemaBasics(schema, 'struct'), fields: leaves.map((l) => l.field) }, leaves };
  });

  function flattenMap(map: SchemalessMap, prefix: string, out: SchemalessMap): void {
    for (const [key, value] of mapEntries(map)) {
      const name = join(prefix, key);
      if (value === null || value === undefined) mapSet(out, name, null);
      else if (isSchemalessMap(value)) flattenMap(value, name, out);
      else if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
        throw new TransformError(`${who}: Flatten transformation does not support ${typeName(value)} for record without schemas (for field ${name}).`);
      } else mapSet(out, name, value);
    }
  }

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      const map = requireMap(value, PURPOSE, who);
      const out = mapEmpty(map);
      flattenMap(map, '', out);
      return side.with(record, null, out);
    }
    const row = requireStruct(schema, value, PURPOSE, who);
    const p = plan(schema);
    const out: StructValue = {};
    for (const leaf of p.leaves) {
      let v: unknown = row;
      for (const step of leaf.path) {
        v = (v as StructValue)[step];
        if (v === null || v === undefined) { v = null; break; }
      }
      out[leaf.field.field] = v;
    }
    return side.with(record, p.schema, out);
  });
}

export const flattenPlugins = keyAndValue('Flatten', { configDef, create });
