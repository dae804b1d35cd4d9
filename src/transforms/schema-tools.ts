/**
 * Helpers transforms share for working on Connect schemas and values (schemas/connect-schema.ts):
 * per-schema caches, copying a schema's metadata, checking that a value is what a transform needs, reading a
 * struct field with its default, and schemaless maps (a plain object or a `Map`).
 */
import type { ConnectField, ConnectSchema } from '../../schemas/connect-schema.js';
import { TransformError } from './types.js';

/**
 * `derive` memoised per input schema object: the same output object for the same input object (converters cache
 * their writers per schema object, so a fresh output schema per record would defeat them).
 */
export function perSchema<T>(derive: (schema: ConnectSchema) => T): (schema: ConnectSchema) => T {
  const cache = new WeakMap<ConnectSchema, T>();
  return (schema) => {
    let out = cache.get(schema);
    if (out === undefined && !cache.has(schema)) {
      out = derive(schema);
      cache.set(schema, out);
    }
    return out as T;
  };
}

/**
 * Connect's `SchemaUtil.copySchemaBasics`: a schema of `type` with the name, version, doc and parameters of
 * `from`. Optionality and default are not copied; transforms that keep them say so.
 */
export function copySchemaBasics(from: ConnectSchema, type: ConnectSchema['type']): ConnectSchema {
  const out: ConnectSchema = { type, optional: false };
  if (from.name !== undefined) out.name = from.name;
  if (from.version !== undefined) out.version = from.version;
  if (from.doc !== undefined) out.doc = from.doc;
  if (from.parameters !== undefined) out.parameters = from.parameters;
  return out;
}

/** A struct schema with `fields`, copying `from`'s basics; a field name used twice is an error, as in Connect. */
export function structLike(from: ConnectSchema, fields: readonly ConnectField[], who: string): ConnectSchema {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.field)) throw new TransformError(`${who}: cannot create field because of field name duplication ${f.field}`);
    seen.add(f.field);
  }
  const out = copySchemaBasics(from, 'struct');
  out.fields = [...fields];
  return out;
}

/** A struct field's schema as a schema of its own (without the `field` name), the same object each time. */
export const asStandalone = perSchema((schema: ConnectSchema): ConnectSchema => {
  if (!('field' in schema)) return schema;
  const { field: _name, ...rest } = schema as ConnectField;
  return rest;
});

export function findField(schema: ConnectSchema, name: string): ConnectField | undefined {
  return schema.fields?.find((f) => f.field === name);
}

/**
 * A struct field's value as Connect's `Struct.get` reads it: a null value with a schema default gives the default
 * unless `replaceNullWithDefault` is false (`Struct.getWithoutDefault`, KIP-1040's `replace.null.with.default`).
 */
export function fieldValue(row: Readonly<Record<string, unknown>>, field: ConnectField, replaceNullWithDefault: boolean): unknown {
  const v = row[field.field];
  if (v !== null && v !== undefined) return v;
  return replaceNullWithDefault && field.default !== undefined ? field.default : null;
}

/** A value's type as Connect error messages name it (the Java class there, the JS type here). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'Map';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

export type StructValue = Record<string, unknown>;
/** A schemaless map: a plain object or a `Map` with string keys. */
export type SchemalessMap = Record<string, unknown> | Map<string, unknown>;

/** True for a value Connect would see as a Map in schemaless data. */
export function isSchemalessMap(value: unknown): value is SchemalessMap {
  if (value instanceof Map) return true;
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Connect's `Requirements.requireStruct`: a struct value (with its schema), or a TransformError naming `who`. */
export function requireStruct(schema: ConnectSchema, value: unknown, purpose: string, who: string): StructValue {
  if (schema.type !== 'struct' || value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    const found = schema.type === 'struct' ? typeName(value) : `${typeName(value)} (schema type ${schema.type})`;
    throw new TransformError(`${who}: Only Struct objects supported for [${purpose}], found: ${found}`);
  }
  return value as StructValue;
}

/** Connect's `Requirements.requireMap`, for schemaless data. */
export function requireMap(value: unknown, purpose: string, who: string): SchemalessMap {
  if (!isSchemalessMap(value)) {
    throw new TransformError(`${who}: Only Map objects supported in absence of schema for [${purpose}], found: ${typeName(value)}`);
  }
  return value;
}

export function mapGet(map: SchemalessMap, key: string): unknown {
  return map instanceof Map ? map.get(key) : map[key];
}

export function mapHas(map: SchemalessMap, key: string): boolean {
  return map instanceof Map ? map.has(key) : Object.hasOwn(map, key);
}

export function mapEntries(map: SchemalessMap): Iterable<[string, unknown]> {
  return map instanceof Map ? map.entries() : Object.entries(map);
}

/** A mutable copy of the same kind (plain object or Map) for a transform to change. */
export function mapCopy(map: SchemalessMap): SchemalessMap {
  return map instanceof Map ? new Map(map) : { ...map };
}

/** An empty map of the same kind as `like`. */
export function mapEmpty(like: SchemalessMap): SchemalessMap {
  return like instanceof Map ? new Map() : {};
}

export function mapSet(map: SchemalessMap, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else map[key] = value;
}

export function mapDelete(map: SchemalessMap, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}
