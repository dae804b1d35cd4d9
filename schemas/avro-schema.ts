import type { ConnectSchema } from './connect-schema.js';
import { DecimalName } from './decimal.js';
import { SchemaDataError } from './errors.js';
import { adjustFieldName, adjustSchemaName, isValidAvroName, scrubName, type NameAdjustmentMode } from './avro-names.js';
import { TemporalName } from './temporal.js';

/**
 * Connect schema → Avro schema as Confluent's AvroData (`fromConnectSchema`) writes it: with `connect.meta.data`
 * the properties `connect.doc`, `connect.version`, `connect.parameters`, `connect.default`, `connect.name`,
 * `connect.type` (int8/int16); Avro `decimal`/`date`/`time-millis`/`timestamp-millis` logical types; optional
 * schemas as unions with null (`["null", T]`, or `[T, "null"]` when there is a default); structs as records named
 * after the schema name (unnamed: `io.confluent.connect.avro.ConnectDefault`, `...ConnectDefault2`, ...), a second
 * use of an equal struct being a reference by full name; maps with non-string keys as arrays of
 * `io.confluent.connect.avro.MapEntry` records. Debezium's own logical types (`io.debezium.time.*`) stay plain
 * ints/longs/strings carrying their `connect.name`.
 */
export type AvroSchema = string | { [key: string]: unknown } | AvroSchema[];

/** AvroData's settings (`value.converter.*`) plus the connector's Debezium name adjustment modes. */
export interface AvroDataOptions {
  /** `connect.meta.data` (default true): write the `connect.*` properties. */
  connectMetaData: boolean;
  /** `scrub.invalid.names` (default false): make invalid names valid instead of failing. */
  scrubInvalidNames: boolean;
  /** `discard.type.doc.default` (default false): field docs from the field schema's doc. */
  discardTypeDocDefault: boolean;
  /** `allow.optional.map.keys` (default false): optional string keys still make an Avro map. */
  allowOptionalMapKeys: boolean;
  /** The connector's `schema.name.adjustment.mode` (Debezium; default none). */
  schemaNameAdjustment: NameAdjustmentMode;
  /** The connector's `field.name.adjustment.mode` (Debezium; default none). */
  fieldNameAdjustment: NameAdjustmentMode;
}

export const DEFAULT_AVRO_DATA_OPTIONS: AvroDataOptions = {
  connectMetaData: true, scrubInvalidNames: false, discardTypeDocDefault: false, allowOptionalMapKeys: false,
  schemaNameAdjustment: 'none', fieldNameAdjustment: 'none',
};

const NAMESPACE = 'io.confluent.connect.avro';
const RECORD_DOC = `${NAMESPACE}.record.doc`;
const FIELD_DOC_PREFIX = `${NAMESPACE}.field.doc.`;
const FIELD_DEFAULT_FLAG = `${NAMESPACE}.field.default`;
const LOGICAL: Record<string, string> = {
  [TemporalName.ConnectDate]: 'date', [TemporalName.ConnectTime]: 'time-millis', [TemporalName.ConnectTimestamp]: 'timestamp-millis',
};
const PRIMITIVE: Record<string, string> = {
  int8: 'int', int16: 'int', int32: 'int', int64: 'long', float32: 'float', float64: 'double',
  boolean: 'boolean', string: 'string', bytes: 'bytes',
};

/** How Connect names become Avro names under the options (the writer pairs fields by these names). */
export interface AvroNaming {
  field(connectName: string, where: string): string;
  /** `{namespace, name}` of a named Connect schema's record. */
  record(connectName: string): { namespace: string | null; name: string };
}

export function avroNaming(options: AvroDataOptions): AvroNaming {
  const checked = (name: string, what: string): string => {
    if (options.scrubInvalidNames) return scrubName(name);
    if (isValidAvroName(name)) return name;
    throw new SchemaDataError('AVRO_INVALID_NAME', `${what} '${name}' is not a valid Avro name (letters, digits and _, not starting with a digit).`,
      'Set the connector\'s schema.name.adjustment.mode=avro and field.name.adjustment.mode=avro, or the converter\'s scrub.invalid.names=true.');
  };
  return {
    field(connectName, where) {
      return checked(adjustFieldName(connectName, options.fieldNameAdjustment), `Field name in ${where}`);
    },
    record(connectName) {
      const parts = adjustSchemaName(connectName, options.schemaNameAdjustment).split('.');
      const name = checked(parts.pop()!, 'Record name');
      // Avro (Java) checks the last part only; namespaces are scrubbed with the rest, as AvroData does.
      const namespace = parts.length === 0 ? null : (options.scrubInvalidNames ? parts.map(scrubName) : parts).join('.');
      return { namespace, name };
    },
  };
}

interface Context {
  options: AvroDataOptions;
  naming: AvroNaming;
  /** Records defined so far, with the Connect struct each was made from (an equal struct is a reference). */
  defined: Map<string, ConnectSchema>;
  unnamed: number;
}

export function toAvroSchema(schema: ConnectSchema, options: AvroDataOptions = DEFAULT_AVRO_DATA_OPTIONS): AvroSchema {
  return convert(schema, { options, naming: avroNaming(options), defined: new Map(), unnamed: 0 });
}

/** The full name of the record the Avro schema is (RecordNameStrategy's subject), or null for other types. */
export function avroRecordName(avro: AvroSchema): string | null {
  if (typeof avro !== 'object' || Array.isArray(avro) || avro['type'] !== 'record') return null;
  return avro['namespace'] ? `${avro['namespace']}.${avro['name']}` : (avro['name'] as string);
}

function convert(s: ConnectSchema, ctx: Context): AvroSchema {
  const base = convertType(s, ctx);
  if (!s.optional) return base;
  // AvroData puts null first for an optional struct even when it has a default (which then cannot be kept).
  return s.default != null && s.type !== 'struct' ? [base, 'null'] : ['null', base];
}

function convertType(s: ConnectSchema, ctx: Context): AvroSchema {
  switch (s.type) {
    case 'struct': return convertStruct(s, ctx);
    case 'array': return withMeta({ type: 'array', items: convert(s.items!, ctx) }, s, ctx);
    case 'map': {
      if (s.keys!.type === 'string' && (!s.keys!.optional || ctx.options.allowOptionalMapKeys)) {
        return withMeta({ type: 'map', values: convert(s.values!, ctx) }, s, ctx);
      }
      return withMeta({ type: 'array', items: mapEntry(s, ctx) }, s, ctx);
    }
    default: return convertPrimitive(s, ctx);
  }
}

function convertPrimitive(s: ConnectSchema, ctx: Context): AvroSchema {
  const out: Record<string, unknown> = { type: PRIMITIVE[s.type] };
  const decimal = s.name === DecimalName.Decimal;
  if (decimal) {
    out['scale'] = Number(s.parameters?.['scale'] ?? 0);
    out['precision'] = Number(s.parameters?.['connect.decimal.precision'] ?? 64);
  }
  withMeta(out, s, ctx);
  if (ctx.options.connectMetaData && (s.type === 'int8' || s.type === 'int16')) out['connect.type'] = s.type;
  if (decimal) out['logicalType'] = 'decimal';
  else if (s.name !== undefined && LOGICAL[s.name]) out['logicalType'] = LOGICAL[s.name];
  avroParameters(out, s);
  return Object.keys(out).length === 1 ? (out['type'] as string) : out;
}

/** AvroData's metadata properties, in its order. */
function withMeta(out: Record<string, unknown>, s: ConnectSchema, ctx: Context): Record<string, unknown> {
  if (!ctx.options.connectMetaData) return out;
  if (s.doc != null) out['connect.doc'] = s.doc;
  if (s.version != null) out['connect.version'] = s.version;
  if (s.parameters != null) {
    const params = Object.entries(s.parameters).filter(([k]) => ctx.options.discardTypeDocDefault || k !== FIELD_DEFAULT_FLAG);
    if (params.length > 0) out['connect.parameters'] = Object.fromEntries(params);
  }
  if (s.default != null && (ctx.options.discardTypeDocDefault || s.parameters?.[FIELD_DEFAULT_FLAG] === undefined)) {
    const json = defaultJson(s, s.default, ctx);
    if (json !== undefined) out['connect.default'] = json;
  }
  // Debezium's adjustment renames the Connect schema itself; scrubbing only changes the Avro names.
  if (s.name != null) out['connect.name'] = adjustSchemaName(s.name, ctx.options.schemaNameAdjustment);
  return out;
}

/** Parameters named `avro*` are copied as Avro properties. */
function avroParameters(out: Record<string, unknown>, s: ConnectSchema): void {
  for (const [k, v] of Object.entries(s.parameters ?? {})) if (k.startsWith('avro')) out[k] = v;
}

function recordName(s: ConnectSchema, ctx: Context): { namespace: string | null; name: string } {
  if (s.name) return ctx.naming.record(s.name);
  ctx.unnamed++;
  return { namespace: NAMESPACE, name: ctx.unnamed === 1 ? 'ConnectDefault' : `ConnectDefault${ctx.unnamed}` };
}

/** A reference to an equal record defined earlier, or the name for a new one (a different record by that name is an error). */
function defineRecord(s: ConnectSchema, name: { namespace: string | null; name: string }, ctx: Context): string | null {
  const fullName = name.namespace ? `${name.namespace}.${name.name}` : name.name;
  const earlier = ctx.defined.get(fullName);
  if (earlier === undefined) {
    ctx.defined.set(fullName, s);
    return null;
  }
  if (sameSchema(earlier, s, true)) return fullName;
  throw new SchemaDataError('AVRO_INVALID_NAME', `Two different record schemas are both named '${fullName}' in one Avro schema.`,
    'Give the structs different names; with name adjustment or scrub.invalid.names two names may have become one.');
}

function convertStruct(s: ConnectSchema, ctx: Context): AvroSchema {
  for (const [fullName, earlier] of ctx.defined) if (earlier.type === 'struct' && sameSchema(earlier, s, true)) return fullName;
  const name = recordName(s, ctx);
  const reference = defineRecord(s, name, ctx);
  if (reference) return reference;
  const record: Record<string, unknown> = { type: 'record', name: name.name };
  if (name.namespace) record['namespace'] = name.namespace;
  const doc = s.parameters?.[ctx.options.discardTypeDocDefault ? 'connect.record.doc' : RECORD_DOC];
  if (doc != null) record['doc'] = doc;
  const where = s.name ?? 'a struct';
  const seen = new Set<string>();
  record['fields'] = (s.fields ?? []).map((f) => {
    const fieldName = ctx.naming.field(f.field, where);
    if (seen.has(fieldName)) {
      throw new SchemaDataError('AVRO_INVALID_NAME', `Two fields of '${where}' both become '${fieldName}' in Avro.`,
        'Rename a column, or use field.name.adjustment.mode=avro_unicode, which keeps adjusted names apart.');
    }
    seen.add(fieldName);
    const field: Record<string, unknown> = { name: fieldName, type: convert(f, ctx) };
    const fieldDoc = ctx.options.discardTypeDocDefault ? f.doc : s.parameters?.[FIELD_DOC_PREFIX + f.field];
    if (fieldDoc != null) field['doc'] = fieldDoc;
    if (f.default != null) {
      const json = defaultJson(f, f.default, ctx);
      // A default must match the union's first branch, which for an optional struct is null.
      if (json !== undefined && !(f.optional && f.type === 'struct')) field['default'] = json;
    } else if (f.optional) {
      field['default'] = null;
    }
    return field;
  });
  withMeta(record, s, ctx);
  avroParameters(record, s);
  return record;
}

function mapEntry(s: ConnectSchema, ctx: Context): AvroSchema {
  const entry = struct2(s);
  for (const [fullName, earlier] of ctx.defined) if (sameSchema(earlier, entry, true)) return fullName;
  const name = s.name ? ctx.naming.record(s.name) : { namespace: NAMESPACE, name: 'MapEntry' };
  const reference = defineRecord(entry, name, ctx);
  if (reference) return reference;
  const record: Record<string, unknown> = { type: 'record', name: name.name, namespace: name.namespace };
  record['fields'] = [
    { name: 'key', type: convert(s.keys!, ctx), ...(s.keys!.optional ? { default: null } : {}) },
    { name: 'value', type: convert(s.values!, ctx), ...(s.values!.optional ? { default: null } : {}) },
  ];
  if (s.name) record['connect.internal.type'] = 'MapEntry';
  return record;
}

/** A map's entry as a struct, so it takes part in record deduplication like any other record. */
const entries = new WeakMap<ConnectSchema, ConnectSchema>();
function struct2(map: ConnectSchema): ConnectSchema {
  let entry = entries.get(map);
  if (!entry) {
    entry = { type: 'struct', optional: false, name: `map-entry:${map.name ?? ''}`, fields: [{ ...map.keys!, field: 'key' }, { ...map.values!, field: 'value' }] };
    entries.set(map, entry);
  }
  return entry;
}

/** Deep equality of Connect schemas, as Connect's `ConnectSchema.equals` (optionality of the top level ignored on request). */
export function sameSchema(a: ConnectSchema, b: ConnectSchema, ignoreOptional = false): boolean {
  if (a === b) return true;
  if (a.type !== b.type || (!ignoreOptional && a.optional !== b.optional) || a.name !== b.name || a.version !== b.version || a.doc !== b.doc) return false;
  if (!sameValue(a.parameters ?? null, b.parameters ?? null) || !sameValue(a.default ?? null, b.default ?? null)) return false;
  if ((a as { field?: string }).field !== (b as { field?: string }).field && !ignoreOptional) return false;
  if (a.type === 'struct') {
    const fa = a.fields ?? [];
    const fb = b.fields ?? [];
    return fa.length === fb.length && fa.every((f, i) => f.field === fb[i]!.field && sameSchema(f, fb[i]!, false));
  }
  if (a.type === 'array') return sameSchema(a.items!, b.items!);
  if (a.type === 'map') return sameSchema(a.keys!, b.keys!) && sameSchema(a.values!, b.values!);
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a !== 'object' && typeof b !== 'object' && BigInt(a as number) === BigInt(b as number);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ea = a instanceof Map ? [...a.entries()] : Object.entries(a);
  const eb = b instanceof Map ? [...b.entries()] : Object.entries(b);
  return ea.length === eb.length && ea.every(([k, v], i) => sameValue(k, eb[i]![0]) && sameValue(v, eb[i]![1]));
}

/**
 * A default in Avro's JSON encoding (bytes as ISO-8859-1 code points; int64 beyond 2^53 stays a bigint, which
 * `avroSchemaText` writes as an exact number). Undefined when the value has no JSON form (NaN, Infinity).
 */
function defaultJson(s: ConnectSchema, v: unknown, ctx?: Context): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return dateAsNumber(v, s);
  switch (s.type) {
    case 'bytes': return v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v;
    case 'float32': case 'float64': return typeof v === 'number' && !Number.isFinite(v) ? undefined : v;
    case 'array': return (v as unknown[]).map((item) => defaultJson(s.items!, item, ctx) ?? null);
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      if (s.keys!.type === 'string' && (!s.keys!.optional || ctx?.options.allowOptionalMapKeys)) {
        return Object.fromEntries(entries.map(([k, val]) => [k, defaultJson(s.values!, val, ctx) ?? null]));
      }
      return entries.map(([k, val]) => [defaultJson(s.keys!, k, ctx) ?? null, defaultJson(s.values!, val, ctx) ?? null]);
    }
    case 'struct': {
      const naming = ctx?.naming;
      return Object.fromEntries((s.fields ?? []).map((f) => {
        const value = (v as Record<string, unknown>)[f.field] ?? f.default ?? null;
        return [naming ? naming.field(f.field, s.name ?? 'a struct') : f.field, defaultJson(f, value, ctx) ?? null];
      }));
    }
    default: return v;
  }
}

function dateAsNumber(d: Date, s: ConnectSchema): number {
  const ms = d.getTime();
  if (s.name === TemporalName.ConnectDate) return Math.floor(ms / 86_400_000);
  if (s.name === TemporalName.ConnectTime) return ms - Math.floor(ms / 86_400_000) * 86_400_000;
  return ms;
}

/** The schema as JSON text, bigints written as exact numbers (JSON.stringify refuses them). */
export function avroSchemaText(avro: AvroSchema): string {
  return JSON.stringify(avro, (_k, v: unknown) => (typeof v === 'bigint' ? BIGINT_MARK + v.toString() + BIGINT_MARK : v))
    .replace(BIGINT_TEXT, '$1');
}
const BIGINT_MARK = '\u0000bigint\u0000';
const BIGINT_TEXT = /"\\u0000bigint\\u0000(-?\d+)\\u0000bigint\\u0000"/g;
