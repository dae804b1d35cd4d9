import protobuf from 'protobufjs';
import type { ConnectSchema } from './connect-schema.js';
import type { RegistryConverter } from './avro-converter.js';
import { invalidValue, SchemaDataError } from './errors.js';
import { protobufFieldName, protobufSchemaText, type ProtobufSchemaOptions } from './protobuf-schema.js';
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

/** A .proto's types, with the well-known ones it imports (google/protobuf/*.proto) that protobufjs bundles. */
function parseProto(text: string): protobuf.Root {
  const root = new protobuf.Root();
  for (const [, file] of text.matchAll(/^\s*import\s+(?:public\s+)?"([^"]+)"\s*;/gm)) {
    const bundled = protobuf.common.get(file!);
    if (bundled) root.addJSON(bundled.nested!);
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
      const wrap = s.optional && o.wrapperForNullables;
      const plain: Shape = s.type === 'int64' ? (v) => (typeof v === 'bigint' ? v.toString() : v) : (v) => v;
      return wrap ? (v) => ({ value: plain(v) }) : plain;
    }
  }
}
