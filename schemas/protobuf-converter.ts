import protobuf from 'protobufjs';
import type { ConnectSchema } from './connect-schema.js';
import type { RegistryConverter } from './avro-converter.js';
import { DecimalName, encodeDecimal } from './decimal.js';
import { invalidValue, SchemaDataError } from './errors.js';
import { PROTOBUF_LOGICAL, protobufFieldName, protobufSchemaText, type ProtobufSchemaOptions } from './protobuf-schema.js';
import { TemporalName } from './temporal.js';
import { createRegistryConverter, type RegistrySettings } from './registry-converter.js';

export interface ProtobufConverterOptions extends RegistrySettings {
  data?: Partial<ProtobufSchemaOptions>;
}

/** The message-indexes array `[0]` (the first message of the schema) as Confluent writes it: a single 0 byte. */
const FIRST_MESSAGE = Buffer.from([0]);

/** Connect value → the plain object protobufjs' fromObject takes (names as in the .proto, nulls left out). */
type Shape = (value: unknown) => unknown;

/**
 * Confluent's ProtobufConverter, serialising side: magic byte 0, the schema id, the message indexes of the root
 * message (`[0]`: one 0 byte), then the Protobuf encoding of the value, made by protobufjs from the .proto of
 * protobuf-schema.ts (or the registered one, with use.latest.version / use.schema.id).
 */
export function createProtobufConverter(options: ProtobufConverterOptions): RegistryConverter {
  const data: ProtobufSchemaOptions = { optionalForNullables: false, wrapperForNullables: false, scrubInvalidNames: false, ...options.data };
  const names = new WeakMap<ConnectSchema, ReturnType<typeof protobufSchemaText>>();
  const derive = (schema: ConnectSchema) => {
    let d = names.get(schema);
    if (!d) names.set(schema, (d = protobufSchemaText(schema, data)));
    return d;
  };
  return createRegistryConverter({
    label: 'Protobuf',
    schemaType: 'PROTOBUF',
    derive,
    writer(schema, header, registered) {
      const own = derive(schema);
      const type = registered ? registeredType(schema, registered, data) : parseProto(own.text).lookupType(own.recordName);
      const shape = shaper(schema, data);
      const head = Buffer.concat([header, FIRST_MESSAGE]);
      return (value) => {
        const body = type.encode(type.fromObject(shape(value) as Record<string, unknown>)).finish();
        return Buffer.concat([head, body]);
      };
    },
  }, options);
}

/** The root (first) message of a registered .proto, checked to have every field of `schema`. */
function registeredType(schema: ConnectSchema, registered: { id: number; text: string }, o: ProtobufSchemaOptions): protobuf.Type {
  let root: protobuf.Type | undefined;
  try {
    // The first message of the file itself (message index 0), not of the well-known types added to resolve it.
    const first = firstType(protobuf.parse(registered.text, { keepCase: true }).root);
    const parsed = parseProto(registered.text);
    root = first ? parsed.lookupType(first.fullName) : undefined;
    parsed.resolveAll();
  } catch (err) {
    throw new SchemaDataError('REGISTRY_SCHEMA_INCOMPATIBLE', `Schema id ${registered.id} from the registry is not a usable .proto: ${(err as Error).message}.`,
      'Check that the registry holds Protobuf schemas under the subject (not Avro or JSON Schema).');
  }
  const why = root ? mismatch(schema, root, '$', o) : 'it has no message';
  if (why) {
    throw new SchemaDataError('REGISTRY_SCHEMA_INCOMPATIBLE', `Schema id ${registered.id} from the registry cannot hold the records: ${why}.`,
      'Register a version with every field of the records, or set auto.register.schemas=true.');
  }
  return root!;
}

/**
 * The known types ProtobufData imports that protobufjs does not bundle (it has google/protobuf/*.proto): their
 * messages as the published files define them (names, numbers and types are the wire format), without options.
 */
const KNOWN_FILES: Readonly<Record<string, string>> = {
  'google/type/date.proto': 'syntax = "proto3"; package google.type; message Date { int32 year = 1; int32 month = 2; int32 day = 3; }',
  'google/type/timeofday.proto': 'syntax = "proto3"; package google.type; message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }',
  'confluent/type/decimal.proto': 'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
  // Only the option's message: protobufjs keeps custom options as text and never resolves the extension.
  'confluent/meta.proto': 'syntax = "proto3"; package confluent; message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }',
};

/** A .proto's types, with the known ones it imports (protobufjs' bundled google/protobuf/*.proto and KNOWN_FILES). */
function parseProto(text: string): protobuf.Root {
  const root = new protobuf.Root();
  for (const [, file] of text.matchAll(/^\s*import\s+(?:public\s+)?"([^"]+)"\s*;/gm)) {
    const bundled = protobuf.common.get(file!);
    if (bundled) root.addJSON(bundled.nested!);
    else if (KNOWN_FILES[file!]) protobuf.parse(KNOWN_FILES[file!]!, root);
  }
  return protobuf.parse(text, root, { keepCase: true }).root;
}

function firstType(ns: protobuf.NamespaceBase): protobuf.Type | undefined {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) return nested;
    if (nested instanceof protobuf.Namespace) { const t = firstType(nested); if (t) return t; }
  }
  return undefined;
}

function mismatch(schema: ConnectSchema, type: protobuf.Type, path: string, o: ProtobufSchemaOptions): string | null {
  for (const f of schema.fields ?? []) {
    const field = type.fields[protobufFieldName(f.field, o)];
    if (!field) return `${path} has no field '${f.field}'`;
    if (f.type === 'struct') {
      const inner = field.resolvedType;
      if (!(inner instanceof protobuf.Type)) return `${path}.${f.field} is not a message`;
      const deeper = mismatch(f, inner, `${path}.${f.field}`, o);
      if (deeper) return deeper;
    }
  }
  return null;
}

/** Compiles the Connect value → protobufjs object conversion of a schema. */
function shaper(s: ConnectSchema, o: ProtobufSchemaOptions): Shape {
  const where = (s as { field?: string }).field ?? s.name ?? s.type;
  switch (s.type) {
    case 'struct': {
      const fields = (s.fields ?? []).map((f) => ({ name: f.field, as: protobufFieldName(f.field, o), shape: shaper(f, o) }));
      return (v) => {
        if (v === null || typeof v !== 'object') throw invalidValue(`Field '${where}' (struct)`, 'a struct');
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const x = (v as Record<string, unknown>)[f.name];
          if (x !== null && x !== undefined) out[f.as] = f.shape(x);
        }
        return out;
      };
    }
    case 'array': {
      const item = shaper(s.items!, o);
      return (v) => {
        if (!Array.isArray(v)) throw invalidValue(`Field '${where}' (array)`, 'an array');
        return v.map((x) => {
          if (x === null || x === undefined) throw invalidValue(`Field '${where}' (array)`, 'free of nulls (a repeated Protobuf field cannot hold one)');
          return item(x);
        });
      };
    }
    case 'map': {
      const key = shaper(s.keys!, o);
      const value = shaper(s.values!, o);
      return (v) => {
        if (v === null || typeof v !== 'object') throw invalidValue(`Field '${where}' (map)`, 'a map');
        const entries: Iterable<[unknown, unknown]> = v instanceof Map ? v.entries() : Object.entries(v);
        return [...entries].map(([k, x]) => ({
          ...(k === null || k === undefined ? {} : { key: key(k) }),
          ...(x === null || x === undefined ? {} : { value: value(x) }),
        }));
      };
    }
    default: {
      const logical = logicalShaper(s, where);
      if (logical) return logical;
      const wrap = s.optional && o.wrapperForNullables;
      const plain: Shape = s.type === 'int64' ? (v) => (typeof v === 'bigint' ? v.toString() : v) : (v) => v;
      return wrap ? (v) => ({ value: plain(v) }) : plain;
    }
  }
}

const MS_PER_DAY = 86_400_000;
const toNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

/** Connect's logical types → the known messages ProtobufData writes for them (PROTOBUF_LOGICAL). */
function logicalShaper(s: ConnectSchema, where: string): Shape | null {
  if (s.name === undefined || !PROTOBUF_LOGICAL[s.name]) return null;
  switch (s.name) {
    case DecimalName.Decimal: {
      const scale = Number(s.parameters?.['scale'] ?? 0);
      // As Java's BigDecimal: the unscaled value's bytes, its digit count as precision, the schema's scale.
      return (v) => {
        const bytes = typeof v === 'string' ? encodeDecimal(v, scale) : v instanceof Uint8Array ? v : null;
        if (bytes === null) throw invalidValue(`Field '${where}' (Decimal)`, 'decimal bytes or text');
        return { value: bytes, precision: unscaledDigitCount(bytes), scale };
      };
    }
    case TemporalName.ConnectDate:
      return (v) => {
        const d = new Date(toNumber(v) * MS_PER_DAY);
        return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      };
    case TemporalName.ConnectTime:
      return (v) => {
        const ms = toNumber(v);
        if (!(ms >= 0 && ms <= MS_PER_DAY)) throw invalidValue(`Field '${where}' (Time)`, 'milliseconds within a day');
        return { hours: Math.floor(ms / 3_600_000), minutes: Math.floor(ms / 60_000) % 60, seconds: Math.floor(ms / 1000) % 60, nanos: (ms % 1000) * 1_000_000 };
      };
    default: { // Timestamp: seconds and nanos, nanos never negative (before 1970 the seconds go one lower)
      return (v) => {
        const ms = toNumber(v);
        const seconds = Math.floor(ms / 1000);
        return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
      };
    }
  }
}

/** Digits of a two's-complement unscaled value (BigDecimal.precision(): 1 for zero). */
function unscaledDigitCount(bytes: Uint8Array): number {
  if (bytes.length === 0) return 1;
  let n = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  if (bytes[0]! & 0x80) n -= 1n << BigInt(bytes.length * 8);
  return (n < 0n ? -n : n).toString().length;
}
