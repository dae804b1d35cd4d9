/**
 * MaskField$Key / MaskField$Value: replaces the listed fields' values with the "empty" value of their type (0,
 * false, "", an empty array or map, the epoch for Connect dates), or with `replacement` for numeric and string
 * fields. Null values stay null; the schema is unchanged. A null key/value passes through.
 *
 * As in Connect, a value that cannot be masked (bytes, a struct; a boolean or date with a replacement; a
 * replacement that is not a number for a numeric field) fails the record, not the configuration.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import { DecimalName, encodeDecimal } from '../../../schemas/decimal.js';
import { TemporalName } from '../../../schemas/temporal.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  fieldValue, isSchemalessMap, mapCopy, mapGet, mapSet, perSchema, requireMap, requireStruct, typeName, type StructValue,
} from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { floatToInt, parseJavaDouble, parseJavaInt, wrapInt, type IntBits } from './java-values.js';
import {
  booleanSetting, keyAndValue, listSetting, onSide, nonEmptyList, nonEmptyString, REPLACE_NULL_WITH_DEFAULT, stringSetting, type RecordSide,
} from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'fields', type: 'LIST', importance: 'HIGH', validate: nonEmptyList, documentation: 'Names of the fields to mask.' },
    {
      name: 'replacement', type: 'STRING', default: null, importance: 'LOW', validate: nonEmptyString,
      documentation: 'A value to put in every masked field instead of the empty value of its type; numeric and string fields only.',
    },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

const PURPOSE = 'mask fields';
const INT_BITS: Partial<Record<ConnectSchema['type'], IntBits>> = { int8: 8, int16: 16, int32: 32, int64: 64 };
const TEMPORAL = new Set<string>([TemporalName.ConnectDate, TemporalName.ConnectTime, TemporalName.ConnectTimestamp]);

/** Gives what a non-null value of this schema masks to (fresh arrays and maps each time), or throws. */
type Masked = () => unknown;

const constant = (value: unknown): Masked => () => value;

function fail(message: string): Masked {
  return () => { throw new TransformError(message); };
}

/** A number from the replacement text, as Connect's `Values.convertToInteger` & co. read it. */
function replacementNumber(replacement: string, bits: IntBits | null, float32: boolean): unknown {
  if (bits !== null) {
    const exact = parseJavaInt(replacement, 64);
    if (exact !== undefined) return wrapInt(exact, bits);
  }
  const d = parseJavaDouble(replacement);
  if (d === undefined) return undefined;
  if (bits !== null) return floatToInt(d, bits);
  return float32 ? Math.fround(d) : d;
}

function maskedFor(schema: ConnectSchema, replacement: string | null, who: string): Masked {
  const cannot = (what: string) => fail(`${who}: Cannot mask value of type ${what}${replacement === null ? '' : ' with custom replacement'}.`);
  if (schema.name === DecimalName.Decimal) {
    const scale = Number(schema.parameters?.['scale'] ?? 0);
    try {
      return constant(encodeDecimal(replacement ?? '0', scale));
    } catch {
      return fail(`${who}: Unable to convert ${replacement} to a Decimal with scale ${scale}`);
    }
  }
  if (schema.name !== undefined && TEMPORAL.has(schema.name)) return replacement === null ? constant(0) : cannot(schema.name);
  const bits = INT_BITS[schema.type] ?? null;
  if (bits !== null || schema.type === 'float32' || schema.type === 'float64') {
    if (replacement === null) return constant(0);
    const n = replacementNumber(replacement, bits, schema.type === 'float32');
    return n === undefined ? fail(`${who}: Unable to convert ${replacement} (string) to number`) : constant(n);
  }
  switch (schema.type) {
    case 'string': return constant(replacement ?? '');
    case 'boolean': return replacement === null ? constant(false) : cannot('boolean');
    case 'array': return replacement === null ? () => [] : cannot('array');
    case 'map': return replacement === null ? () => new Map() : cannot('map');
    default: return cannot(schema.type);
  }
}

/** Schemaless: the value's JS type decides, as the Java class does in Connect. */
function maskedSchemaless(value: unknown, replacement: string | null, who: string): unknown {
  if (replacement === null) {
    if (typeof value === 'number' || typeof value === 'bigint') return 0;
    if (typeof value === 'boolean') return false;
    if (typeof value === 'string') return '';
    if (value instanceof Date) return new Date(0);
    if (Array.isArray(value)) return [];
    if (isSchemalessMap(value)) return value instanceof Map ? new Map() : {};
    throw new TransformError(`${who}: Cannot mask value of type: ${typeName(value)}`);
  }
  if (typeof value === 'string') return replacement;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const integral = typeof value === 'bigint' || Number.isInteger(value);
    const n = replacementNumber(replacement, integral ? 64 : null, false);
    if (n === undefined) throw new TransformError(`${who}: Unable to convert ${replacement} (string) to number`);
    return n;
  }
  throw new TransformError(`${who}: Cannot mask value of type ${typeName(value)} with custom replacement.`);
}

function create(side: RecordSide, config: PluginConfig, who: string) {
  const names = listSetting(config, 'fields');
  const masked = new Set(names);
  const replacement = stringSetting(config, 'replacement');
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  const plan = perSchema((schema: ConnectSchema) => {
    const fields = (schema.fields ?? []).filter((f) => masked.has(f.field));
    const defaulted = replaceNullWithDefault ? (schema.fields ?? []).filter((f) => f.default !== undefined && !masked.has(f.field)) : [];
    return { defaulted, masks: fields.map((f): [ConnectField, Masked] => [f, maskedFor(f, replacement, who)]) };
  });

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      const map = requireMap(value, PURPOSE, who);
      const out = mapCopy(map);
      for (const name of names) {
        const v = mapGet(map, name);
        mapSet(out, name, v === null || v === undefined ? null : maskedSchemaless(v, replacement, who));
      }
      return side.with(record, null, out);
    }
    const row = requireStruct(schema, value, PURPOSE, who);
    const p = plan(schema);
    const out: StructValue = { ...row };
    for (const f of p.defaulted) out[f.field] = fieldValue(row, f, true);
    for (const [f, m] of p.masks) {
      const v = fieldValue(row, f, replaceNullWithDefault);
      out[f.field] = v === null ? null : m();
    }
    return side.with(record, schema, out);
  });
}

export const maskFieldPlugins = keyAndValue('MaskField', { configDef, create });
