/**
 * Compiles a Connect schema, paired with the Avro schema its records are written in, into a writer of Avro
 * binary. The Avro schema is our own (`toAvroSchema`) or, with `use.latest.version`/`use.schema.id`, one from the
 * registry: then fields pair by (adjusted) name, a field the record lacks is written with the Avro default, and
 * numbers widen as Avro's promotions allow (int → long → float → double, string ↔ bytes). A pairing that cannot
 * hold every record of the Connect schema is refused here, once per schema, not at the first record that hits it.
 */
import type { ConnectSchema } from './connect-schema.js';
import { AvroOut } from './avro-binary.js';
import type { AvroField, AvroType } from './avro-parse.js';
import type { AvroNaming } from './avro-schema.js';
import { DecimalName, encodeDecimal } from './decimal.js';
import { invalidValue, requiredNull, SchemaDataError } from './errors.js';
import { TemporalName } from './temporal.js';

export type AvroWriter = (value: unknown, out: AvroOut) => void;

export interface WriterOptions {
  naming: AvroNaming;
  /** `ignore.default.for.nullables`: a null in an optional field with a default is written as null. */
  ignoreDefaultForNullables: boolean;
}

const NUMERIC_RANK: Record<string, number> = { int: 1, long: 2, float: 3, double: 4 };
const CONNECT_RANK: Record<string, number> = { int8: 1, int16: 1, int32: 1, int64: 2, float32: 3, float64: 4 };

function incompatible(path: string, why: string): SchemaDataError {
  return new SchemaDataError('AVRO_SCHEMA_INCOMPATIBLE', `The registered Avro schema cannot hold '${path}': ${why}.`,
    'Register a schema version that is backward compatible with the connector\'s records, or set auto.register.schemas=true (and use.latest.version=false) so the converter registers its own.');
}

/** Writer of values of `c` (null, its default, or a value) in Avro type `a`. */
export function compileWriter(c: ConnectSchema, a: AvroType, options: WriterOptions, path = c.name ?? c.type): AvroWriter {
  let nullIndex = -1;
  let valueIndex = -1;
  let target = a;
  if (a.kind === 'union') {
    nullIndex = a.branches.findIndex((b) => b.kind === 'null');
    valueIndex = pickBranch(c, a.branches, options);
    if (valueIndex < 0) throw incompatible(path, `no branch of the union takes a ${c.type}`);
    target = a.branches[valueIndex]!;
  } else if (a.kind === 'null') {
    return () => {};
  }
  if (c.optional && nullIndex < 0) throw incompatible(path, 'it is optional, and the schema has no null for it');
  const write = valueWriter(c, target, options, path);
  const useDefault = c.default != null && !(options.ignoreDefaultForNullables && c.optional);
  const fallback = useDefault ? c.default : null;
  if (valueIndex < 0) {
    return (v, out) => {
      if (v === null || v === undefined) {
        if (fallback === null) throw requiredNull(path);
        v = fallback;
      }
      write(v, out);
    };
  }
  return (v, out) => {
    if (v === null || v === undefined) {
      if (fallback === null) {
        if (nullIndex < 0) throw requiredNull(path);
        out.int(nullIndex);
        return;
      }
      v = fallback;
    }
    out.int(valueIndex);
    write(v, out);
  };
}

/** The union branch a non-null value of `c` goes to: same kind (and record name) first, then a promotion. */
function pickBranch(c: ConnectSchema, branches: AvroType[], options: WriterOptions): number {
  const fits = branches.map((b) => b.kind !== 'null' && canHold(c, b));
  if (c.type === 'struct' && c.name) {
    const { namespace, name } = options.naming.record(c.name);
    const full = namespace ? `${namespace}.${name}` : name;
    const byName = branches.findIndex((b) => b.kind === 'record' && b.fullName === full);
    if (byName >= 0) return byName;
  }
  const exact = branches.findIndex((b, i) => fits[i] && b.kind === expectedKind(c));
  return exact >= 0 ? exact : fits.indexOf(true);
}

function expectedKind(c: ConnectSchema): string {
  switch (c.type) {
    case 'int8': case 'int16': case 'int32': return 'int';
    case 'int64': return 'long';
    case 'float32': return 'float';
    case 'float64': return 'double';
    case 'struct': return 'record';
    case 'map': return 'map';
    default: return c.type;
  }
}

function canHold(c: ConnectSchema, a: AvroType): boolean {
  const rank = CONNECT_RANK[c.type];
  if (rank !== undefined) return NUMERIC_RANK[a.kind] !== undefined && NUMERIC_RANK[a.kind]! >= rank;
  switch (c.type) {
    case 'boolean': return a.kind === 'boolean';
    case 'string': case 'bytes': return a.kind === 'string' || a.kind === 'bytes';
    case 'array': return a.kind === 'array';
    case 'map': return a.kind === 'map' || a.kind === 'array';
    case 'struct': return a.kind === 'record';
    default: return false;
  }
}

function valueWriter(c: ConnectSchema, a: AvroType, options: WriterOptions, path: string): AvroWriter {
  if (!canHold(c, a)) throw incompatible(path, `a ${c.type} cannot be written as Avro ${a.kind}`);
  switch (c.type) {
    case 'int8': case 'int16': case 'int32': case 'int64': case 'float32': case 'float64':
      return numberWriter(c, a.kind, path);
    case 'boolean':
      return (v, out) => (typeof v === 'boolean' ? out.boolean(v) : mismatch(path, c, 'a boolean'));
    case 'string':
      return (v, out) => (typeof v === 'string' ? out.string(v) : mismatch(path, c, 'a string'));
    case 'bytes': return bytesWriter(c, path);
    case 'array': {
      const item = compileWriter(c.items!, (a as { items: AvroType }).items, options, `${path}[]`);
      return (v, out) => {
        if (!Array.isArray(v)) return mismatch(path, c, 'an array');
        writeBlock(out, v, (x) => item(x, out));
      };
    }
    case 'map': return mapWriter(c, a, options, path);
    case 'struct': return structWriter(c, a as AvroType & { kind: 'record' }, options, path);
    default: throw incompatible(path, `type ${c.type} is not supported`);
  }
}

/** Connect's Date/Time/Timestamp also accept a JS Date (as JsonConverter does). */
function dateNumber(v: Date, c: ConnectSchema): number | undefined {
  const ms = v.getTime();
  if (c.name === TemporalName.ConnectDate) return Math.floor(ms / 86_400_000);
  if (c.name === TemporalName.ConnectTime) return ms - Math.floor(ms / 86_400_000) * 86_400_000;
  if (c.name === TemporalName.ConnectTimestamp) return ms;
  return undefined;
}

function numberWriter(c: ConnectSchema, kind: string, path: string): AvroWriter {
  const integral = c.type !== 'float32' && c.type !== 'float64';
  const asNumber = (v: unknown): number | bigint => {
    if (typeof v === 'number' && (!integral || Number.isInteger(v))) return v;
    if (typeof v === 'bigint' && c.type === 'int64') return v;
    const d = v instanceof Date ? dateNumber(v, c) : undefined;
    return d ?? mismatch(path, c, integral ? 'an integer' : 'a number');
  };
  switch (kind) {
    case 'int': return (v, out) => {
      const n = typeof v === 'number' && (v | 0) === v ? v : (asNumber(v) as number);
      if ((n | 0) !== n) mismatch(path, c, 'a 32-bit integer');
      out.int(n);
    };
    case 'long': return (v, out) => out.long(typeof v === 'number' && Number.isInteger(v) ? v : asNumber(v));
    case 'float': return (v, out) => out.float(Number(asNumber(v)));
    default: return (v, out) => out.double(typeof v === 'number' ? v : Number(asNumber(v)));
  }
}

function bytesWriter(c: ConnectSchema, path: string): AvroWriter {
  const decimalScale = c.name === DecimalName.Decimal ? Number(c.parameters?.['scale'] ?? 0) : null;
  return (v, out) => {
    if (v instanceof Uint8Array) return out.bytes(v);
    if (decimalScale !== null && typeof v === 'string') return out.bytes(encodeDecimal(v, decimalScale));
    return mismatch(path, c, 'bytes');
  };
}

function mapWriter(c: ConnectSchema, a: AvroType, options: WriterOptions, path: string): AvroWriter {
  const entriesOf = (v: unknown): Iterable<[unknown, unknown]> | undefined =>
    v instanceof Map ? v.entries() : v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : undefined;
  if (a.kind === 'map') {
    if (c.keys!.type !== 'string') throw incompatible(path, 'an Avro map needs string keys');
    const value = compileWriter(c.values!, a.values, options, `${path}{}`);
    return (v, out) => {
      const entries = entriesOf(v);
      if (!entries) return mismatch(path, c, 'a map');
      writeBlock(out, [...entries], ([k, val]) => {
        if (typeof k !== 'string') return mismatch(path, c, 'a map with string keys');
        out.string(k);
        value(val, out);
      });
    };
  }
  // An array of key/value records (Confluent's MapEntry).
  const entry = (a as { items: AvroType }).items;
  const field = (name: string) => entry.kind === 'record' ? entry.fields.find((f) => f.name === name) : undefined;
  const keyField = field('key');
  const valueField = field('value');
  if (!keyField || !valueField) throw incompatible(path, 'a map is written as an array of key/value records');
  const key = compileWriter(c.keys!, keyField.type, options, `${path}.key`);
  const value = compileWriter(c.values!, valueField.type, options, `${path}.value`);
  return (v, out) => {
    const entries = entriesOf(v);
    if (!entries) return mismatch(path, c, 'a map');
    writeBlock(out, [...entries], ([k, val]) => {
      key(k, out);
      value(val, out);
    });
  };
}

function structWriter(c: ConnectSchema, a: AvroType & { kind: 'record' }, options: WriterOptions, path: string): AvroWriter {
  const byAvroName = new Map((c.fields ?? []).map((f) => [options.naming.field(f.field, c.name ?? path), f]));
  const steps = a.fields.map((af): AvroWriter => {
    const cf = byAvroName.get(af.name);
    if (cf) {
      const write = compileWriter(cf, af.type, options, `${path}.${cf.field}`);
      const key = cf.field;
      return (v, out) => write((v as Record<string, unknown>)[key], out);
    }
    const bytes = defaultBytes(af, path);
    return (_v, out) => out.raw(bytes);
  });
  return (v, out) => {
    if (v === null || typeof v !== 'object') return mismatch(path, c, 'a struct');
    for (let i = 0; i < steps.length; i++) steps[i]!(v, out);
  };
}

/** A field of the registered schema that the record lacks: its Avro default, encoded once. */
function defaultBytes(f: AvroField, path: string): Buffer {
  if (!('default' in f)) throw incompatible(`${path}.${f.name}`, 'the record has no such field and the schema gives it no default');
  const out = new AvroOut(64);
  writeJsonDefault(f.type, f.default, out, `${path}.${f.name}`);
  return Buffer.from(out.buf.subarray(0, out.pos));
}

/** An Avro JSON default in binary; a union's default is of its first branch (Avro spec). */
function writeJsonDefault(t: AvroType, v: unknown, out: AvroOut, path: string): void {
  const bad = () => incompatible(path, 'its default does not match its type');
  switch (t.kind) {
    case 'null': return;
    case 'boolean': return out.boolean(v === true);
    case 'int': case 'long': if (typeof v !== 'number') throw bad(); return out.long(v);
    case 'float': return out.float(Number(v));
    case 'double': return out.double(Number(v));
    case 'string': if (typeof v !== 'string') throw bad(); return out.string(v);
    case 'bytes': if (typeof v !== 'string') throw bad(); return out.bytes(Buffer.from(v, 'latin1'));
    case 'fixed': if (typeof v !== 'string') throw bad(); return out.raw(Buffer.from(v, 'latin1'));
    case 'enum': {
      const i = t.symbols.indexOf(String(v));
      if (i < 0) throw bad();
      return out.int(i);
    }
    case 'union': out.int(0); return writeJsonDefault(t.branches[0]!, v, out, path);
    case 'array': {
      if (!Array.isArray(v)) throw bad();
      return writeBlock(out, v, (item) => writeJsonDefault(t.items, item, out, path));
    }
    case 'map': {
      if (v === null || typeof v !== 'object') throw bad();
      return writeBlock(out, Object.entries(v), ([k, val]) => { out.string(k); writeJsonDefault(t.values, val, out, path); });
    }
    case 'record': {
      if (v === null || typeof v !== 'object') throw bad();
      for (const f of t.fields) {
        const given = (v as Record<string, unknown>)[f.name];
        writeJsonDefault(f.type, given === undefined ? f.default : given, out, `${path}.${f.name}`);
      }
    }
  }
}

/** Avro's array and map encoding: one block of all the items (none when empty), then the 0 that ends the list. */
function writeBlock<T>(out: AvroOut, items: readonly T[], each: (item: T) => void): void {
  if (items.length > 0) {
    out.long(items.length);
    for (let i = 0; i < items.length; i++) each(items[i]!);
  }
  out.int(0);
}

function mismatch(path: string, c: ConnectSchema, expected: string): never {
  throw invalidValue(`Field '${path}' (${c.type})`, expected);
}
