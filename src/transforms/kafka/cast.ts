/**
 * Cast$Key / Cast$Value: casts top-level fields (`spec=id:string,price:float64`) or the whole key/value
 * (`spec=int32`) to int8..int64, float32, float64, boolean or string, with Java's conversions: integers wrap,
 * floats truncate toward zero and saturate, strings parse strictly, booleans are 1/0 and non-zero; to string,
 * numbers print as Java does, bytes as base64, Decimals as `BigDecimal.toString`, Connect dates as ISO-8601.
 * Connect Date/Time/Timestamp cast to a number give their epoch days or milliseconds. A cast field keeps its
 * optionality and gets its default cast; it loses any logical type name. A null key/value passes through.
 */
import type { ConnectField, ConnectSchema, ConnectType } from '../../../schemas/connect-schema.js';
import { DecimalName } from '../../../schemas/decimal.js';
import { TemporalName } from '../../../schemas/temporal.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  copySchemaBasics, fieldValue, mapCopy, mapGet, mapSet, perSchema, requireMap, requireStruct, typeName, type StructValue,
} from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import {
  bigDecimalText, connectDateText, decimalText, doubleText, floatText, floatToInt, parseJavaDouble, parseJavaInt,
  truncatedDecimal, wrapInt, type IntBits,
} from './java-values.js';
import { booleanSetting, keyAndValue, onSide, listSetting, REPLACE_NULL_WITH_DEFAULT, type RecordSide } from './plugin-kit.js';

type Target = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string';
const TARGETS: readonly Target[] = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'];
const CONNECT_TYPES: readonly string[] = [...TARGETS, 'bytes', 'array', 'map', 'struct'];
const INPUTS = new Set<ConnectType>([...TARGETS, 'bytes']);
const BITS: Partial<Record<Target, IntBits>> = { int8: 8, int16: 16, int32: 32, int64: 64 };

/** The parsed spec: field → target, or the whole value's target under the key null. */
export type CastSpec = Map<string | null, Target>;

export function parseCastSpec(list: readonly string[]): CastSpec | { error: string } {
  if (list.length === 0) return { error: 'Must specify at least one field to cast.' };
  const spec: CastSpec = new Map();
  for (const mapping of list) {
    const parts = mapping.split(':');
    if (parts.length > 2) return { error: `Invalid cast mapping: ${mapping}` };
    const typeText = parts[parts.length - 1]!.trim();
    const type = typeText.toLowerCase();
    if (!CONNECT_TYPES.includes(type)) return { error: `Invalid type found in casting spec: ${typeText}` };
    if (!(TARGETS as readonly string[]).includes(type)) {
      return { error: `Cast transformation does not support casting to ${type.toUpperCase()}; supported types are ${TARGETS.join(', ')}` };
    }
    spec.set(parts.length === 1 ? null : parts[0]!.trim(), type as Target);
  }
  if (spec.has(null) && list.length > 1) {
    return { error: 'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec' };
  }
  return spec;
}

const configDef: ConfigDef = {
  keys: [
    {
      name: 'spec', type: 'LIST', importance: 'HIGH',
      documentation: 'The casts, as field:type pairs for fields of a struct or map (e.g. id:string,amount:float64), or a '
        + 'single type to cast the whole key/value. Types: int8, int16, int32, int64, float32, float64, boolean, string; '
        + 'bytes can only be cast to string.',
      validate: (v) => {
        const spec = parseCastSpec(Array.isArray(v) ? v : []);
        return 'error' in spec ? spec.error : undefined;
      },
    },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

const PURPOSE = 'cast types';
const MILLIS_PER_DAY = 86_400_000;

/** The Connect type Connect would infer from a schemaless value's class. */
function inferredType(value: unknown): ConnectType | undefined {
  switch (typeof value) {
    case 'number': return Number.isInteger(value) ? 'int64' : 'float64';
    case 'bigint': return 'int64';
    case 'boolean': return 'boolean';
    case 'string': return 'string';
    default: return Buffer.isBuffer(value) || value instanceof Uint8Array ? 'bytes' : undefined;
  }
}

/** A Connect Date/Time/Timestamp value (its number, or a JS Date) as epoch milliseconds. */
function temporalMillis(schema: ConnectSchema, value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return schema.name === TemporalName.ConnectDate ? Number(value) * MILLIS_PER_DAY : Number(value);
}

/** The number Connect stores for a Date (epoch days), Time (millis of day) or Timestamp (epoch millis). */
function temporalNumber(schema: ConnectSchema, value: unknown): number {
  if (!(value instanceof Date)) return Number(value);
  const ms = value.getTime();
  if (schema.name === TemporalName.ConnectDate) return Math.floor(ms / MILLIS_PER_DAY);
  if (schema.name === TemporalName.ConnectTime) return ms - Math.floor(ms / MILLIS_PER_DAY) * MILLIS_PER_DAY;
  return ms;
}

/** The value as a number-ish for numeric targets: a number, a bigint, or exact decimal text for Decimals. */
type Numeric = { kind: 'int'; v: number | bigint } | { kind: 'float'; v: number } | { kind: 'decimal'; v: string };

/** What a cast needs to know of the input schema; worked out once per field schema. */
interface Input { schema: ConnectSchema | null; type: ConnectType; temporal: boolean; scale: number | null }

function inputOf(schema: ConnectSchema, who: string): Input {
  if (!INPUTS.has(schema.type)) {
    throw new TransformError(`${who}: Cast transformation does not support casting from ${schema.type.toUpperCase()}; supported types are ${[...INPUTS].join(', ')}`);
  }
  const name = schema.name;
  return {
    schema, type: schema.type,
    temporal: name === TemporalName.ConnectDate || name === TemporalName.ConnectTime || name === TemporalName.ConnectTimestamp,
    scale: name === DecimalName.Decimal ? Number(schema.parameters?.['scale'] ?? 0) : null,
  };
}

/** Without a schema, the value's type is the input type, as its Java class is in Connect. */
function inferredInput(value: unknown, who: string): Input {
  const type = inferredType(value);
  if (type === undefined) {
    throw new TransformError(`${who}: Cast transformation was passed a value of type ${typeName(value)} which is not supported by Connect's data API`);
  }
  return { schema: null, type, temporal: false, scale: null };
}

function castValue(input: Input, value: unknown, target: Target, who: string): unknown {
  const { schema, type, temporal, scale } = input;
  if (target === 'string') {
    if (temporal) return connectDateText(temporalMillis(schema!, value));
    if (scale !== null) return bigDecimalText(decimalText(value, scale), scale);
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    if (type === 'float32') return floatText(Number(value));
    if (type === 'float64') return doubleText(Number(value));
    return String(value);
  }

  let n: Numeric;
  if (temporal) n = { kind: 'int', v: temporalNumber(schema!, value) };
  else if (scale !== null) n = { kind: 'decimal', v: decimalText(value, scale) };
  else if (typeof value === 'boolean') n = { kind: 'int', v: value ? 1 : 0 };
  else if (typeof value === 'bigint') n = { kind: 'int', v: value };
  else if (typeof value === 'number') n = type === 'float32' || type === 'float64' ? { kind: 'float', v: value } : { kind: 'int', v: value };
  else if (typeof value === 'string') return parsed(value, target, who);
  else throw new TransformError(`${who}: Unexpected type in Cast transformation: ${typeName(value)}`);

  const bits = BITS[target];
  if (bits !== undefined) {
    if (n.kind === 'int') return wrapInt(n.v, bits);
    if (n.kind === 'float') return floatToInt(n.v, bits);
    return wrapInt(truncatedDecimal(n.v), bits);
  }
  const asDouble = Number(n.v);
  if (target === 'float32') return Math.fround(asDouble);
  if (target === 'float64') return asDouble;
  // boolean: Java compares longValue() with 0, so 0.5 is false.
  if (n.kind === 'float') return floatToInt(n.v, 64) !== 0;
  if (n.kind === 'decimal') return truncatedDecimal(n.v) !== 0n;
  return n.v !== 0 && n.v !== 0n;
}

/** Java's `Byte.parseByte` … `Boolean.parseBoolean` of a string value. */
function parsed(text: string, target: Target, who: string): unknown {
  if (target === 'boolean') return text.toLowerCase() === 'true';
  const bits = BITS[target];
  const n = bits !== undefined ? parseJavaInt(text, bits) : parseJavaDouble(text);
  if (n === undefined) throw new TransformError(`${who}: Value (${text}) was out of range for requested data type`);
  return target === 'float32' ? Math.fround(n as number) : n;
}

interface Cast { field: ConnectField; input: Input; target: Target }

function targetSchema(target: Target, optional: boolean): ConnectSchema {
  return { type: target, optional };
}

function create(side: RecordSide, config: PluginConfig, who: string) {
  const parsedSpec = parseCastSpec(listSetting(config, 'spec'));
  const spec: CastSpec = parsedSpec instanceof Map ? parsedSpec : new Map();
  const whole = spec.get(null);
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  const plan = perSchema((schema: ConnectSchema) => {
    if (whole !== undefined) {
      // Connect copies the name, version, doc and parameters onto the cast whole value.
      const input = inputOf(schema, who);
      const out = { ...copySchemaBasics(schema, whole), optional: schema.optional };
      if (schema.default != null) out.default = castValue(input, schema.default, whole, who);
      return { schema: out, input, casts: [] as Cast[], defaulted: [] as ConnectField[] };
    }
    const casts: Cast[] = [];
    const fields = (schema.fields ?? []).map((f): ConnectField => {
      const target = spec.get(f.field);
      if (target === undefined) return f;
      const input = inputOf(f, who);
      casts.push({ field: f, input, target });
      const cast: ConnectField = { ...targetSchema(target, f.optional), field: f.field };
      if (f.default != null) cast.default = castValue(input, f.default, target, who);
      return cast;
    });
    const out = { ...copySchemaBasics(schema, 'struct'), optional: schema.optional, fields };
    if (schema.default != null) out.default = schema.default;
    const defaulted = replaceNullWithDefault ? (schema.fields ?? []).filter((f) => f.default !== undefined && !spec.has(f.field)) : [];
    return { schema: out, input: null, casts, defaulted };
  });

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      if (whole !== undefined) return side.with(record, null, castValue(inferredInput(value, who), value, whole, who));
      const map = requireMap(value, PURPOSE, who);
      const out = mapCopy(map);
      for (const [name, target] of spec) {
        const v = mapGet(map, name!);
        mapSet(out, name!, v === null || v === undefined ? null : castValue(inferredInput(v, who), v, target, who));
      }
      return side.with(record, null, out);
    }
    const p = plan(schema);
    if (p.input !== null) return side.with(record, p.schema, castValue(p.input, value, whole!, who));
    const row = requireStruct(schema, value, PURPOSE, who);
    const out: StructValue = { ...row };
    for (const f of p.defaulted) out[f.field] = fieldValue(row, f, true);
    for (const c of p.casts) {
      const v = fieldValue(row, c.field, replaceNullWithDefault);
      out[c.field.field] = v === null ? null : castValue(c.input, v, c.target, who);
    }
    return side.with(record, p.schema, out);
  });
}

export const castPlugins = keyAndValue('Cast', { configDef, create });
