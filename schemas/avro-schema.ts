import type { ConnectSchema } from './connect-schema.js';
import { DecimalName } from './decimal.js';
import { TemporalName } from './temporal.js';

/**
 * Connect schema → Avro schema as Confluent's AvroData writes it (with `connect.meta` on): `connect.name`,
 * `connect.version`, `connect.doc`, `connect.parameters`, `connect.default`, `connect.type` for int8/int16,
 * Avro `decimal`/`date`/`time-millis`/`timestamp-millis` logical types, optional schemas as unions with null
 * (`["null", T]`, or `[T, "null"]` when there is a default), structs as records named after the schema name
 * (a second use of the same record is a reference by full name), maps with non-string keys as arrays of
 * `io.confluent.connect.avro.MapEntry`.
 */
export type AvroSchema = string | { [key: string]: unknown } | AvroSchema[];

const DEFAULT_NAMESPACE = 'io.confluent.connect.avro';

/** Avro names allow [A-Za-z_][A-Za-z0-9_]*; other characters become `_` (as Debezium's avro name adjustment). */
function avroName(part: string): string {
  const s = part.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(s) ? s : '_' + s;
}

interface Context {
  defined: Set<string>;
  unnamed: number;
  mapEntries: number;
}

export function toAvroSchema(schema: ConnectSchema): AvroSchema {
  return convert(schema, { defined: new Set(), unnamed: 0, mapEntries: 0 }, true);
}

function convert(s: ConnectSchema, ctx: Context, withOptional: boolean): AvroSchema {
  const base = convertType(s, ctx);
  if (!withOptional || !s.optional) return base;
  return s.default != null ? [base, 'null'] : ['null', base];
}

function convertType(s: ConnectSchema, ctx: Context): AvroSchema {
  switch (s.type) {
    case 'struct': return convertStruct(s, ctx);
    case 'array': return withMeta({ type: 'array', items: convert(s.items!, ctx, true) }, s);
    case 'map': {
      if (s.keys!.type === 'string') return withMeta({ type: 'map', values: convert(s.values!, ctx, true) }, s);
      ctx.mapEntries++;
      const entry = {
        type: 'record', name: ctx.mapEntries === 1 ? 'MapEntry' : `MapEntry${ctx.mapEntries}`, namespace: DEFAULT_NAMESPACE,
        fields: [{ name: 'key', type: convert(s.keys!, ctx, true) }, { name: 'value', type: convert(s.values!, ctx, true) }],
      };
      return withMeta({ type: 'array', items: entry }, s);
    }
    default: return convertPrimitive(s);
  }
}

const PRIMITIVE: Record<string, string> = {
  int8: 'int', int16: 'int', int32: 'int', int64: 'long', float32: 'float', float64: 'double',
  boolean: 'boolean', string: 'string', bytes: 'bytes',
};

function convertPrimitive(s: ConnectSchema): AvroSchema {
  const out: Record<string, unknown> = { type: PRIMITIVE[s.type] };
  if (s.type === 'int8' || s.type === 'int16') out['connect.type'] = s.type;
  if (s.name === DecimalName.Decimal) {
    out['scale'] = Number(s.parameters?.['scale'] ?? 0);
    out['precision'] = Number(s.parameters?.['connect.decimal.precision'] ?? 64);
  }
  withMeta(out, s);
  if (s.name === DecimalName.Decimal) out['logicalType'] = 'decimal';
  else if (s.name === TemporalName.ConnectDate) out['logicalType'] = 'date';
  else if (s.name === TemporalName.ConnectTime) out['logicalType'] = 'time-millis';
  else if (s.name === TemporalName.ConnectTimestamp) out['logicalType'] = 'timestamp-millis';
  return Object.keys(out).length === 1 ? (out['type'] as string) : out;
}

function withMeta(out: Record<string, unknown>, s: ConnectSchema): Record<string, unknown> {
  if (s.doc != null) out['connect.doc'] = s.doc;
  if (s.version != null) out['connect.version'] = s.version;
  if (s.parameters != null) out['connect.parameters'] = s.parameters;
  if (s.default != null) out['connect.default'] = defaultJson(s, s.default);
  if (s.name != null) out['connect.name'] = s.name;
  return out;
}

function convertStruct(s: ConnectSchema, ctx: Context): AvroSchema {
  let name: string;
  let namespace: string | undefined;
  if (s.name) {
    const dot = s.name.lastIndexOf('.');
    name = avroName(dot < 0 ? s.name : s.name.slice(dot + 1));
    namespace = dot < 0 ? undefined : s.name.slice(0, dot).split('.').map(avroName).join('.');
  } else {
    ctx.unnamed++;
    name = ctx.unnamed === 1 ? 'ConnectDefault' : `ConnectDefault${ctx.unnamed}`;
    namespace = DEFAULT_NAMESPACE;
  }
  const fullName = namespace ? `${namespace}.${name}` : name;
  if (ctx.defined.has(fullName)) return fullName;
  ctx.defined.add(fullName);
  const record: Record<string, unknown> = { type: 'record', name };
  if (namespace) record['namespace'] = namespace;
  if (s.doc != null) record['doc'] = s.doc;
  record['fields'] = (s.fields ?? []).map((f) => {
    const field: Record<string, unknown> = { name: f.field, type: convert(f, ctx, true) };
    if (f.default != null) field['default'] = defaultJson(f, f.default);
    else if (f.optional) field['default'] = null;
    return field;
  });
  if (s.version != null) record['connect.version'] = s.version;
  if (s.parameters != null) record['connect.parameters'] = s.parameters;
  if (s.name != null) record['connect.name'] = s.name;
  return record;
}

/** A default value in Avro's JSON encoding (bytes as ISO-8859-1 code points, longs as numbers). */
function defaultJson(s: ConnectSchema, v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (typeof v === 'bigint') return Number(v);
  if (s.type === 'struct' && v && typeof v === 'object') {
    return Object.fromEntries((s.fields ?? []).map((f) => [f.field, defaultJson(f, (v as Record<string, unknown>)[f.field] ?? null)]));
  }
  return v;
}
