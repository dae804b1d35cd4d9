/**
 * `io.debezium.transforms.HeaderToValue`: copies (or moves) headers into fields of the record value.
 *
 * `headers` and `fields` pair up by position; a field may be nested (`source.oldkey`) into a struct field the value
 * already has. A header the record lacks adds no field; a record with none of them, or a tombstone, passes
 * unchanged. `move` also removes the configured headers from the record.
 *
 * Headers here are the header converter's text (Kafka Connect's SimpleHeaderConverter form), not typed values, so a
 * header becomes an optional string field (an optional bytes field for a binary header); a struct header such as
 * `__debezium.oldkey` arrives as its text, e.g. `{"id":1}`.
 *
 * Schemas, as Debezium builds them: the value struct is copied as a required struct with the header fields after its
 * own (nested ones at the end of their struct); one schema per value schema object and set of headers present.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/index.js';
import { bytes, field, string } from '../../../schemas/index.js';
import type { ConfigDef, ConfigKeyDef } from '../../connect-api/config-def.js';
import { TransformError, type PluginConfig, type Transformation, type TransformationPlugin } from '../types.js';
import { TRANSFORM_VERSION } from './records.js';

const noSpacesOrEmpties: NonNullable<ConfigKeyDef['validate']> = (v) => {
  if (!Array.isArray(v)) return undefined;
  if (v.length === 0) return 'The list must not be empty';
  if (v.some((e) => e === '')) return 'The list must not contain empty elements';
  if (v.some((e) => /\s/.test(e))) return 'The list must not contain elements with spaces';
  return undefined;
};

const configDef: ConfigDef = {
  keys: [
    { name: 'headers', type: 'LIST', importance: 'HIGH', displayName: 'Header names list', validate: noSpacesOrEmpties,
      documentation: 'Names of the headers whose values are copied or moved into the record value.' },
    { name: 'fields', type: 'LIST', importance: 'HIGH', displayName: 'Field names list', validate: noSpacesOrEmpties,
      documentation: 'Names of the value fields receiving the headers, in the order of headers; struct.field nests into an existing struct field.' },
    { name: 'operation', type: 'STRING', importance: 'HIGH', allowed: ['move', 'copy'], displayName: 'Operation: mover or copy',
      documentation: 'move removes the headers from the record; copy keeps them.' },
  ],
};

function validate({ settings }: PluginConfig): Record<string, string[]> {
  const headers = settings['headers'];
  const fields = settings['fields'];
  if (Array.isArray(headers) && Array.isArray(fields) && headers.length !== fields.length) {
    return { fields: ["'fields' config must have the same number of elements as 'headers' config."] };
  }
  return {};
}

interface Addition { header: string; path: readonly string[]; binary: boolean }

const parentOf = (path: readonly string[]) => path.slice(0, -1).join('.');

/** The struct with its header fields added, recursing into struct fields that receive nested ones. */
function extendSchema(schema: ConnectSchema, prefix: string, adds: readonly Addition[]): ConnectSchema {
  const fields: ConnectField[] = (schema.fields ?? []).map((f) => {
    const path = prefix ? `${prefix}.${f.field}` : f.field;
    if (f.type !== 'struct' || !adds.some((a) => parentOf(a.path) === path || parentOf(a.path).startsWith(`${path}.`))) return f;
    const { field: name, ...nested } = f;
    return field(name, extendSchema(nested, path, adds));
  });
  for (const a of adds) {
    if (parentOf(a.path) === prefix) fields.push(field(a.path.at(-1)!, a.binary ? bytes({ optional: true }) : string({ optional: true })));
  }
  const { default: _default, ...rest } = schema;
  return { ...rest, fields };
}

function extendValue(value: Record<string, unknown>, oldSchema: ConnectSchema, schema: ConnectSchema, prefix: string,
  adds: readonly Addition[], headers: Readonly<Record<string, string | Buffer>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const old = new Map((oldSchema.fields ?? []).map((f) => [f.field, f]));
  for (const f of schema.fields ?? []) {
    const before = old.get(f.field);
    if (before === undefined) continue;
    // Connect's Struct.get, which Debezium copies with, gives a field's default for a null.
    const v = value[f.field] ?? before.default ?? null;
    out[f.field] = f !== before && v !== null ? extendValue(v as Record<string, unknown>, before, f, prefix ? `${prefix}.${f.field}` : f.field, adds, headers) : v;
  }
  for (const a of adds) if (parentOf(a.path) === prefix) out[a.path.at(-1)!] = headers[a.header];
  return out;
}

function createTransform({ settings }: PluginConfig): Transformation {
  const names = settings['headers'] as string[];
  const paths = (settings['fields'] as string[]).map((f) => f.split('.'));
  const move = settings['operation'] === 'move';
  const schemas = new WeakMap<ConnectSchema, Map<string, { schema: ConnectSchema; adds: Addition[] }>>();

  return {
    apply(record) {
      if (record.value === null || record.value === undefined) return record;
      const headers = record.headers ?? {};
      // Which headers this record has, and whether each is text or binary: that decides the schema.
      const presence = names.map((h) => (headers[h] === undefined ? '-' : Buffer.isBuffer(headers[h]) ? 'b' : 's')).join('');
      if (!presence.includes('s') && !presence.includes('b')) return record;
      const valueSchema = record.valueSchema;
      if (valueSchema?.type !== 'struct' || typeof record.value !== 'object') {
        throw new TransformError(`HeaderToValue needs a struct value with a schema; topic ${record.topic} has ${valueSchema?.type ?? 'a schemaless'} value`);
      }
      let byPresence = schemas.get(valueSchema);
      if (byPresence === undefined) schemas.set(valueSchema, byPresence = new Map());
      let plan = byPresence.get(presence);
      if (plan === undefined) {
        const adds = names.flatMap((header, i) => (presence[i] === '-' ? [] : [{ header, path: paths[i]!, binary: presence[i] === 'b' }]));
        byPresence.set(presence, plan = { schema: { ...extendSchema(valueSchema, '', adds), optional: false }, adds });
      }
      const value = extendValue(record.value as Record<string, unknown>, valueSchema, plan.schema, '', plan.adds, headers);
      const out = { ...record, valueSchema: plan.schema, value };
      if (move) {
        const kept = { ...headers };
        for (const h of names) delete kept[h];
        out.headers = kept;
      }
      return out;
    },
  };
}

export const headerToValue: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.HeaderToValue',
  aliases: ['HeaderToValue'],
  version: TRANSFORM_VERSION,
  configDef,
  validate,
  create: createTransform,
};
