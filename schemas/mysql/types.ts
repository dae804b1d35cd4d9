/**
 * Debezium's MySQL/MariaDB type mapping: column → Connect schema + value encoder, built on the shared logical
 * types in schemas/. One mapping serves snapshot rows (mysql2) and binlog rows (zongji); the raw values they
 * give differ only where noted below, and each encoder accepts both.
 */
import {
  binaryMapping, bitsFromBigEndian, bitsSchema, boolean, dateMapping, decimalMapping, decimalSchema, encodeDecimal,
  encodeZonedTimestamp, enumSchema, enumSetSchema, float32, float64, geometrySchema, int16, int32, int64, jsonSchema,
  pointSchema, string, uuidSchema, timeMapping, timestampMapping, toInt64, unscaledToBytes, yearSchema, zonedTimestampSchema,
  type BinaryHandlingMode, type DecimalHandlingMode, type SchemaOptions, type TimePrecisionMode,
} from '../index.js';
import type { ConnectField, ConnectSchema } from '../connect-schema.js';
import type { MySqlColumn } from './column.js';
import { bigintUnsignedToLong, formatInet4, formatInet6, formatUuid } from './values.js';

export type { BinaryHandlingMode, DecimalHandlingMode, TimePrecisionMode };
export type BigintUnsignedHandlingMode = 'long' | 'precise';

export interface TypeModes {
  decimal: DecimalHandlingMode;
  time: TimePrecisionMode;
  bigintUnsigned: BigintUnsignedHandlingMode;
  binary: BinaryHandlingMode;
}

export const DEFAULT_MODES: TypeModes = {
  decimal: 'precise', time: 'adaptive_time_microseconds', bigintUnsigned: 'long', binary: 'bytes',
};

/**
 * Turns one raw column value into its Connect value. Raw values come from mysql2 query rows or zongji binlog
 * rows, both read with `dateStrings: true`, `supportBigNumbers: true`, `bigNumberStrings: false`,
 * `jsonStrings: true` and in UTC; geometry as the server's bytes (SRID + WKB). Never called with null.
 */
export type Encoder = (raw: unknown) => unknown;

export interface ColumnMapping {
  /** Field schema without the field name. */
  schema: ConnectSchema;
  encode: Encoder;
  /** Where Debezium writes a binlog value differently from the snapshot's (TIMESTAMP fraction width). */
  encodeBinlog?: Encoder;
  /** The value of a binlog row field the reader left undefined (an ENUM's invalid-value index 0); else null. */
  binlogUndefined?: unknown;
}

const toNumber: Encoder = (v) => (typeof v === 'number' ? v : Number(v));
const asString: Encoder = (v) => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
const asBuffer = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
const asInt64: Encoder = (v) => toInt64(v as number | string);

/**
 * FLOAT: the IEEE single the binlog carries, exactly (the snapshot reads it widened to DOUBLE, as text), so
 * snapshot and stream agree with Debezium's streamed value.
 */
export function float32Value(v: unknown): number {
  return Math.fround(typeof v === 'number' ? v : Number(v));
}

/** A text encoder whose null (invalid/zero value) becomes the non-null fallback for NOT NULL columns, as Debezium does. */
function orFallback(encode: (text: string) => unknown, optional: boolean, fallback: unknown): Encoder {
  return optional ? (v) => encode(String(v)) : (v) => encode(String(v)) ?? fallback;
}

export function columnMapping(c: MySqlColumn, modes: TypeModes): ColumnMapping {
  const o: SchemaOptions = { optional: c.optional };
  const t = c.dataType;
  switch (t) {
    case 'tinyint':
      return { schema: int16(o), encode: toNumber };
    case 'smallint':
      return { schema: c.unsigned ? int32(o) : int16(o), encode: toNumber };
    case 'mediumint':
      return { schema: int32(o), encode: toNumber };
    case 'int':
      return { schema: c.unsigned ? int64(o) : int32(o), encode: toNumber };
    case 'bigint':
      if (!c.unsigned) return { schema: int64(o), encode: asInt64 };
      if (modes.bigintUnsigned === 'precise') {
        return { schema: decimalSchema(0, 20, o), encode: (v) => unscaledToBytes(BigInt(v as string | number)) };
      }
      return { schema: int64(o), encode: bigintUnsignedToLong };
    case 'float':
      // FLOAT(M,D) is still a 4-byte float, but Debezium declares it FLOAT64
      return { schema: c.scale !== null ? float64(o) : float32(o), encode: float32Value };
    case 'double':
      return { schema: float64(o), encode: toNumber };
    case 'decimal': {
      const m = decimalMapping(modes.decimal, c.length ?? 10, c.scale ?? 0, o);
      if (modes.decimal === 'precise') {
        const scale = c.scale ?? 0;
        return { schema: m.schema, encode: (v) => encodeDecimal(String(v), scale) };
      }
      return { schema: m.schema, encode: (v) => m.encode(String(v)) };
    }
    case 'bit': {
      const bits = c.length ?? 1;
      if (bits === 1) return { schema: boolean(o), encode: bitIsSet };
      const size = Math.ceil(bits / 8);
      return { schema: bitsSchema(bits, o), encode: (v) => bitsFromBigEndian(asBuffer(v), size) };
    }
    case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext':
      return { schema: c.json ? jsonSchema(o) : string(o), encode: asString };
    case 'json':
      return { schema: jsonSchema(o), encode: jsonText };
    case 'enum':
      // The invalid-value member (index 0, stored by a non-strict server) reads as '' in a query: in the binlog too
      return { schema: enumSchema(c.enumValues ?? [], o), encode: asString, binlogUndefined: '' };
    case 'set':
      return { schema: enumSetSchema(c.enumValues ?? [], o), encode: asString };
    case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob': {
      const m = binaryMapping(modes.binary, o);
      return { schema: m.schema, encode: (v) => m.encode(asBuffer(v)) };
    }
    // MariaDB: text from queries, raw bytes from FULL binlog metadata (which cannot tell these from BINARY)
    case 'uuid':
      return { schema: uuidSchema(o), encode: (v) => (Buffer.isBuffer(v) ? formatUuid(v) : v) };
    case 'inet4':
      return { schema: string(o), encode: (v) => (Buffer.isBuffer(v) ? formatInet4(v) : v) };
    case 'inet6':
      return { schema: string(o), encode: (v) => (Buffer.isBuffer(v) ? formatInet6(v) : v) };
    case 'year':
      // zongji decodes the stored 0 of YEAR '0000' as 1900, a year the type cannot hold
      return { schema: yearSchema(o), encode: (v) => (v === 1900 ? 0 : Number(v)) };
    case 'date': {
      const m = dateMapping(modes.time, o);
      return { schema: m.schema, encode: orFallback(m.encode, c.optional, 0) };
    }
    case 'time': {
      const m = timeMapping(modes.time, c.fsp, o);
      return { schema: m.schema, encode: (v) => m.encode(String(v)) };
    }
    case 'datetime': {
      // Debezium keeps DATETIME(0-6) within micros: adaptive's nano types never apply to MySQL
      const m = timestampMapping(modes.time, Math.min(c.fsp, 6), o);
      return { schema: m.schema, encode: orFallback(m.encode, c.optional, 0) };
    }
    case 'timestamp': {
      // Session time zone is UTC on both paths, so the text is UTC. Debezium's snapshot prints the fraction without
      // trailing zeros (`.25Z`, none when zero); its binlog reader pads it to the column's precision (`.250Z`).
      const encode = (text: string) => encodeZonedTimestamp(text);
      const width = c.fsp > 0 ? c.fsp : undefined;
      const encodeBinlog = (text: string) => encodeZonedTimestamp(text, width);
      return {
        schema: zonedTimestampSchema(o),
        encode: orFallback(encode, c.optional, encode('1970-01-01 00:00:00')),
        encodeBinlog: orFallback(encodeBinlog, c.optional, encodeBinlog('1970-01-01 00:00:00')),
      };
    }
    case 'point':
      return { schema: pointSchema(o), encode: (v) => pointValue(asBuffer(v)) };
    case 'geometry': case 'linestring': case 'polygon': case 'multipoint': case 'multilinestring':
    case 'multipolygon': case 'geomcollection':
      return { schema: geometrySchema(o), encode: (v) => geometryValue(asBuffer(v)) };
    default:
      // Types without a Debezium mapping (e.g. VECTOR): never dropped; bytes as base64 text
      return { schema: string(o), encode: (v) => (Buffer.isBuffer(v) ? v.toString('base64') : asString(v)) };
  }
}

function bitIsSet(v: unknown): boolean {
  if (Buffer.isBuffer(v)) return v.some((b) => b !== 0);
  return Boolean(Number(v));
}

function jsonText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return JSON.stringify(v);
}

/** MySQL's internal geometry: 4-byte little-endian SRID, then WKB. SRID 0 (none) is null, as Debezium has it. */
function geometryValue(b: Buffer): { wkb: Buffer; srid: number | null } {
  if (b.length < 4) return { wkb: b, srid: null };
  const srid = b.readUInt32LE(0);
  return { wkb: b.subarray(4), srid: srid === 0 ? null : srid };
}

function pointValue(b: Buffer): { x: number; y: number; wkb: Buffer; srid: number | null } {
  const g = geometryValue(b);
  const le = g.wkb[0] === 1;
  const ok = g.wkb.length >= 21;
  const x = ok ? (le ? g.wkb.readDoubleLE(5) : g.wkb.readDoubleBE(5)) : NaN;
  const y = ok ? (le ? g.wkb.readDoubleLE(13) : g.wkb.readDoubleBE(13)) : NaN;
  return { x, y, wkb: g.wkb, srid: g.srid };
}

export function fieldOf(name: string, schema: ConnectSchema): ConnectField {
  return { ...schema, field: name };
}
