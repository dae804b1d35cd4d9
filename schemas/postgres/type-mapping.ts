/**
 * PostgreSQL column → Connect schema + text→value encoder, as Debezium's PostgreSQL connector maps types by
 * default. One mapping for snapshot rows and pgoutput tuples: both arrive as PostgreSQL's text output (session
 * TimeZone=UTC, DateStyle=ISO, IntervalStyle=postgres, extra_float_digits=3).
 */
import {
  arrayOf, binaryMapping, bitsFromBitString, bitsSchema, boolean, dateMapping, decimalMapping, decimalSchema,
  decimalToPlainString, encodeDecimal, encodeZonedTime, encodeZonedTimestamp, enumSchema, epochDayOf, float32,
  float64, int16, int32, int64, intervalIsoString, intervalMicros, intervalSchema, jsonSchema, ltreeSchema, mapOf,
  microDurationSchema, parsePostgresInterval, pointSchema, pointValue, string, timeMapping, timestampMapping,
  toInt64, uuidSchema, xmlSchema, tsvectorSchema, zonedTimeSchema, zonedTimestampSchema,
  type BinaryHandlingMode, type ConnectSchema, type DecimalHandlingMode, type SchemaOptions,
  type TimePrecisionMode, type ValueMapping,
} from '../index.js';
import { resolveDomain, typeModifiers, type PgColumn, type PgType } from './column.js';
import { parseArrayLiteral, parseBytea, parseHstore, parseMoney, parsePoint } from './text-formats.js';

export type IntervalHandlingMode = 'numeric' | 'string';
export type HstoreHandlingMode = 'json' | 'map';

export interface PgMappingOptions {
  decimalMode: DecimalHandlingMode;
  timePrecisionMode: TimePrecisionMode;
  intervalMode: IntervalHandlingMode;
  hstoreMode: HstoreHandlingMode;
  binaryMode: BinaryHandlingMode;
  /** `unavailable.value.placeholder`: stands for unchanged TOASTed values pgoutput does not send. */
  unavailablePlaceholder: string;
  /** `money.fraction.digits` (Debezium's default 2). */
  moneyFractionDigits?: number;
}

export const DEFAULT_PG_MAPPING_OPTIONS: PgMappingOptions = {
  decimalMode: 'precise',
  timePrecisionMode: 'adaptive',
  intervalMode: 'numeric',
  hstoreMode: 'json',
  binaryMode: 'bytes',
  unavailablePlaceholder: '__debezium_unavailable_value',
};

export interface PgValueMapping extends ValueMapping {
  /** The value standing for an unchanged TOASTed datum (Debezium's placeholder in this column's type), or null. */
  unavailable: unknown;
}

/**
 * `infinity`/`-infinity` timestamps: the values pgjdbc and therefore Debezium's PostgreSQL connector report
 * (PGStatement.DATE_POSITIVE_INFINITY / DATE_NEGATIVE_INFINITY), independent of precision.
 */
export const PG_TIMESTAMP_POSITIVE_INFINITY = 9223372036825200000n;
export const PG_TIMESTAMP_NEGATIVE_INFINITY = -9223372036832400000n;
/** `infinity`/`-infinity` dates: epoch days of the LocalDates Debezium uses for them. */
export const PG_DATE_POSITIVE_INFINITY = epochDayOf(-5877611, 6, 21);
export const PG_DATE_NEGATIVE_INFINITY = epochDayOf(-5877611, 6, 22);

const STRING_TYPES = new Set([
  'text', 'varchar', 'bpchar', 'char', 'name', 'citext', 'inet', 'cidr', 'macaddr', 'macaddr8', 'tsvector', 'tsquery',
  'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange',
  'int4multirange', 'int8multirange', 'nummultirange', 'tsmultirange', 'tstzmultirange', 'datemultirange',
  'isbn', 'isbn13', 'issn', 'ean13', 'pg_lsn', 'txid_snapshot', 'pg_snapshot', 'regclass', 'regtype', 'regproc',
]);

const identity = (t: string): string => t;
const toNumber = (t: string): number => Number(t);
const toBool = (t: string): boolean => t === 't' || t === 'true';
const toInt64Fast = (t: string): number | bigint => (t.length < 16 ? Number(t) : toInt64(t));

/** Numeric text without trailing fraction zeros, as Debezium strips VariableScaleDecimal values. */
function stripFractionZeros(t: string): string {
  const dot = t.indexOf('.');
  if (dot < 0) return t;
  let end = t.length;
  while (end > dot + 1 && t.charCodeAt(end - 1) === 48) end--;
  return end === dot + 1 ? t.slice(0, dot) : t.slice(0, end);
}

function withInfinity(base: ValueMapping, pos: number | bigint, neg: number | bigint): ValueMapping {
  const encode = base.encode;
  return { schema: base.schema, encode: (t) => (t === 'infinity' ? pos : t === '-infinity' ? neg : encode(t)) };
}

function scaleInfinity(micros: bigint, mode: TimePrecisionMode, precision: number): bigint {
  return mode === 'connect' || precision <= 3 ? micros / 1000n : micros;
}

/** Mapping of a base (non-array) type; null when the type is not known to Debezium's mapping. */
function scalarMapping(type: PgType, typeMod: number, opts: PgMappingOptions, o: SchemaOptions): ValueMapping | null {
  const mods = typeModifiers(type.name, typeMod);
  if (type.kind === 'e') return { schema: enumSchema(type.enumValues ?? [], o), encode: identity };
  switch (type.name) {
    case 'bool': return { schema: boolean(o), encode: toBool };
    case 'int2': return { schema: int16(o), encode: toNumber };
    case 'int4': return { schema: int32(o), encode: toNumber };
    case 'int8':
    case 'oid': return { schema: int64(o), encode: toInt64Fast };
    case 'float4': return { schema: float32(o), encode: toNumber };
    case 'float8': return { schema: float64(o), encode: toNumber };
    case 'numeric': {
      if (opts.decimalMode === 'precise' && mods.scale === null) {
        const m = decimalMapping('precise', undefined, undefined, o);
        return { schema: m.schema, encode: (t) => m.encode(stripFractionZeros(t)) };
      }
      return decimalMapping(opts.decimalMode, mods.precision ?? undefined, mods.scale ?? undefined, o);
    }
    case 'money': {
      const digits = opts.moneyFractionDigits ?? 2;
      if (opts.decimalMode === 'double') return { schema: float64(o), encode: (t) => Number(parseMoney(t)) };
      if (opts.decimalMode === 'string') return { schema: string(o), encode: (t) => decimalToPlainString(parseMoney(t), digits) };
      return { schema: decimalSchema(digits, undefined, o), encode: (t) => encodeDecimal(parseMoney(t), digits) };
    }
    case 'bytea': {
      const b = binaryMapping(opts.binaryMode, o);
      return { schema: b.schema, encode: (t) => b.encode(parseBytea(t)) };
    }
    case 'bit':
    case 'varbit': {
      const length = mods.length ?? (type.name === 'bit' ? 1 : 2147483647);
      if (length === 1) return { schema: boolean(o), encode: (t) => t === '1' };
      return { schema: bitsSchema(length, o), encode: (t) => bitsFromBitString(t) };
    }
    case 'uuid': return { schema: uuidSchema(o), encode: identity };
    case 'json':
    case 'jsonb': return { schema: jsonSchema(o), encode: identity };
    case 'xml': return { schema: xmlSchema(o), encode: identity };
    case 'tsvector': return { schema: tsvectorSchema(o), encode: identity };
    case 'ltree': return { schema: ltreeSchema(o), encode: identity };
    case 'date': return withInfinity(dateMapping(opts.timePrecisionMode, o), PG_DATE_POSITIVE_INFINITY, PG_DATE_NEGATIVE_INFINITY);
    case 'time': return timeMapping(opts.timePrecisionMode, mods.timePrecision, o);
    case 'timetz': return { schema: zonedTimeSchema(o), encode: encodeZonedTime };
    case 'timestamp': {
      const p = mods.timePrecision;
      const mode = opts.timePrecisionMode;
      return withInfinity(timestampMapping(mode, p, o),
        scaleInfinity(PG_TIMESTAMP_POSITIVE_INFINITY, mode, p), scaleInfinity(PG_TIMESTAMP_NEGATIVE_INFINITY, mode, p));
    }
    case 'timestamptz': {
      const width = mods.timePrecision;
      return { schema: zonedTimestampSchema(o), encode: (t) => encodeZonedTimestamp(t, width) };
    }
    case 'interval': {
      if (opts.intervalMode === 'string') {
        return { schema: intervalSchema(o), encode: (t) => { const p = parsePostgresInterval(t); return p ? intervalIsoString(p) : null; } };
      }
      return { schema: microDurationSchema(o), encode: (t) => { const p = parsePostgresInterval(t); return p ? intervalMicros(p) : null; } };
    }
    case 'hstore': {
      if (opts.hstoreMode === 'map') {
        return { schema: mapOf(string(), string({ optional: true }), o), encode: (t) => Object.fromEntries(parseHstore(t)) };
      }
      return { schema: jsonSchema(o), encode: (t) => JSON.stringify(Object.fromEntries(parseHstore(t))) };
    }
    case 'point': return { schema: pointSchema(o), encode: (t) => { const [x, y] = parsePoint(t); return pointValue(x, y); } };
    default:
      if (STRING_TYPES.has(type.name) || type.kind === 'r' || type.kind === 'm') return { schema: string(o), encode: identity };
      return null;
  }
}

function unavailableFor(schema: ConnectSchema, placeholder: string): unknown {
  switch (schema.type) {
    case 'string': return placeholder;
    case 'bytes': return schema.name ? null : Buffer.from(placeholder, 'utf8');
    case 'map': return { [placeholder]: placeholder };
    case 'array': {
      const items = schema.items!;
      if (items.type === 'string') return [placeholder];
      if (items.type === 'int32' || items.type === 'int16' || items.type === 'int64') return Array.from(Buffer.from(placeholder, 'utf8'));
      return null;
    }
    default: return null;
  }
}

/**
 * The mapping of one column. Types Debezium does not know (composite, pseudo, unknown extensions) are
 * emitted as their text (Debezium would drop the column without include.unknown.datatypes; we keep the data).
 */
export function pgColumnMapping(column: PgColumn, opts: PgMappingOptions): PgValueMapping {
  const o: SchemaOptions = { optional: column.optional };
  const { type, typeMod } = resolveDomain(column.type, column.typeMod);
  let mapping: ValueMapping | null;
  if (type.element) {
    const el = resolveDomain(type.element, typeMod);
    const inner = scalarMapping(el.type, el.typeMod, opts, { optional: true }) ?? { schema: string({ optional: true }), encode: identity };
    const delimiter = el.type.name === 'box' ? ';' : ',';
    const encodeEl = inner.encode;
    mapping = {
      schema: arrayOf(inner.schema, o),
      encode: (t) => {
        const items = parseArrayLiteral(t, delimiter);
        const out = new Array(items.length);
        for (let i = 0; i < items.length; i++) out[i] = items[i] === null ? null : encodeEl(items[i]!);
        return out;
      },
    };
  } else {
    mapping = scalarMapping(type, typeMod, opts, o) ?? { schema: string(o), encode: identity };
  }
  return { schema: mapping.schema, encode: mapping.encode, unavailable: unavailableFor(mapping.schema, opts.unavailablePlaceholder) };
}
