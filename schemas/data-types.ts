import { bytes, field, float64, int32, string, struct, type SchemaOptions } from './builders.js';
import type { ConnectSchema } from './connect-schema.js';
import { invalidValue } from './errors.js';

/** Debezium's semantic types (all version 1). */
export const DataName = {
  Json: 'io.debezium.data.Json',
  Enum: 'io.debezium.data.Enum',
  EnumSet: 'io.debezium.data.EnumSet',
  Bits: 'io.debezium.data.Bits',
  Uuid: 'io.debezium.data.Uuid',
  Xml: 'io.debezium.data.Xml',
  Tsvector: 'io.debezium.data.Tsvector',
  Ltree: 'io.debezium.data.Ltree',
  Geometry: 'io.debezium.data.geometry.Geometry',
  Point: 'io.debezium.data.geometry.Point',
  Geography: 'io.debezium.data.geometry.Geography',
} as const;

const named = (name: string, o?: SchemaOptions, parameters?: Record<string, string>) =>
  (parameters ? { ...o, name, version: 1, parameters } : { ...o, name, version: 1 });

/** JSON document as a string. */
export const jsonSchema = (o?: SchemaOptions) => string(named(DataName.Json, o));
export const uuidSchema = (o?: SchemaOptions) => string(named(DataName.Uuid, o));
export const xmlSchema = (o?: SchemaOptions) => string(named(DataName.Xml, o));
export const tsvectorSchema = (o?: SchemaOptions) => string(named(DataName.Tsvector, o));
export const ltreeSchema = (o?: SchemaOptions) => string(named(DataName.Ltree, o));
/** ENUM: the value is one member; parameter `allowed` lists the members comma-separated. */
export const enumSchema = (allowed: readonly string[], o?: SchemaOptions) =>
  string(named(DataName.Enum, o, { allowed: allowed.join(',') }));
/** SET: the value is the chosen members comma-separated. */
export const enumSetSchema = (allowed: readonly string[], o?: SchemaOptions) =>
  string(named(DataName.EnumSet, o, { allowed: allowed.join(',') }));
/** BIT(n>1): little-endian bytes (Java BitSet order), parameter `length` = n. */
export const bitsSchema = (length: number, o?: SchemaOptions) =>
  bytes(named(DataName.Bits, o, { length: String(length) }));

export function geometrySchema(o?: SchemaOptions): ConnectSchema {
  return struct([field('wkb', bytes()), field('srid', int32({ optional: true }))], { ...named(DataName.Geometry, o), doc: 'Geometry' });
}

/** Point: x, y and the WKB/SRID of a Geometry (Debezium's field order). */
export function pointSchema(o?: SchemaOptions): ConnectSchema {
  return struct(
    [field('x', float64()), field('y', float64()), field('wkb', bytes({ optional: true })), field('srid', int32({ optional: true }))],
    { ...named(DataName.Point, o), doc: 'Geometry (POINT)' },
  );
}

export function geometryValue(wkb: Uint8Array, srid: number | null = null): { wkb: Uint8Array; srid: number | null } {
  return { wkb, srid };
}

/** A 2-D point's value; WKB (little-endian, type 1) built from x/y when not given. */
export function pointValue(x: number, y: number, wkb?: Uint8Array, srid: number | null = null) {
  let bin = wkb;
  if (!bin) {
    const b = Buffer.allocUnsafe(21);
    b[0] = 1;
    b.writeUInt32LE(1, 1);
    b.writeDoubleLE(x, 5);
    b.writeDoubleLE(y, 13);
    bin = b;
  }
  return { x, y, wkb: bin, srid };
}

/**
 * BIT(n) bytes as MySQL sends them (big-endian) → Debezium's little-endian bytes, zero-padded to `numBytes`
 * (= ceil(n / 8)).
 */
export function bitsFromBigEndian(value: Uint8Array, numBytes: number): Buffer {
  const out = Buffer.alloc(Math.max(numBytes, value.length));
  for (let i = 0; i < value.length; i++) out[i] = value[value.length - 1 - i]!;
  return out;
}

/**
 * A bit string such as PostgreSQL's `0101` (rightmost char = bit 0) → Java `BitSet.toByteArray()` bytes
 * (little-endian, trailing zero bytes dropped), zero-padded to `numBytes`.
 */
export function bitsFromBitString(bits: string, numBytes = 0): Buffer {
  const len = bits.length;
  let last = -1;
  for (let i = 0; i < len; i++) if (bits.charCodeAt(len - 1 - i) === 49) last = i;
  const out = Buffer.alloc(Math.max(numBytes, last < 0 ? 0 : (last >> 3) + 1));
  for (let i = 0; i <= last; i++) {
    const c = bits.charCodeAt(len - 1 - i);
    if (c === 49) out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
    else if (c !== 48) throw invalidValue('Bits', 'a string of 0 and 1');
  }
  return out;
}
