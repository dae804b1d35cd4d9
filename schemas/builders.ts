import type { ConnectField, ConnectSchema, ConnectType } from './connect-schema.js';

/**
 * Small builders for Connect schemas. Schemas are plain objects shared by every record of a table; treat them as
 * immutable (converters cache their serialised form per object).
 */
export interface SchemaOptions {
  optional?: boolean;
  default?: unknown;
  doc?: string;
}

export interface NamedSchemaOptions extends SchemaOptions {
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
}

/** A schema of `type` with only the keys that are set, so two equal schemas compare deep-equal. */
export function schemaOf(type: ConnectType, opts: NamedSchemaOptions = {}): ConnectSchema {
  const schema: ConnectSchema = { type, optional: opts.optional ?? false };
  if (opts.name !== undefined) schema.name = opts.name;
  if (opts.version !== undefined) schema.version = opts.version;
  if (opts.doc !== undefined) schema.doc = opts.doc;
  if (opts.parameters !== undefined) schema.parameters = opts.parameters;
  if (opts.default !== undefined && opts.default !== null) schema.default = opts.default;
  return schema;
}

export const int8 = (opts?: NamedSchemaOptions) => schemaOf('int8', opts);
export const int16 = (opts?: NamedSchemaOptions) => schemaOf('int16', opts);
export const int32 = (opts?: NamedSchemaOptions) => schemaOf('int32', opts);
export const int64 = (opts?: NamedSchemaOptions) => schemaOf('int64', opts);
export const float32 = (opts?: NamedSchemaOptions) => schemaOf('float32', opts);
export const float64 = (opts?: NamedSchemaOptions) => schemaOf('float64', opts);
export const boolean = (opts?: NamedSchemaOptions) => schemaOf('boolean', opts);
export const string = (opts?: NamedSchemaOptions) => schemaOf('string', opts);
export const bytes = (opts?: NamedSchemaOptions) => schemaOf('bytes', opts);

/** A column's schema plus the function turning the driver's text into the schema's value. */
export interface ValueMapping {
  schema: ConnectSchema;
  /** Returns null for text that is not a valid value (e.g. MySQL zero dates); the caller decides null vs default. */
  encode(text: string): unknown;
}

/** A struct field: the schema plus its name (Connect writes `field` last). */
export function field(name: string, schema: ConnectSchema): ConnectField {
  return { ...schema, field: name };
}

export function struct(fields: readonly ConnectField[], opts: NamedSchemaOptions = {}): ConnectSchema {
  const schema = schemaOf('struct', opts);
  schema.fields = [...fields];
  return schema;
}

export function arrayOf(items: ConnectSchema, opts: NamedSchemaOptions = {}): ConnectSchema {
  const schema = schemaOf('array', opts);
  schema.items = items;
  return schema;
}

export function mapOf(keys: ConnectSchema, values: ConnectSchema, opts: NamedSchemaOptions = {}): ConnectSchema {
  const schema = schemaOf('map', opts);
  schema.keys = keys;
  schema.values = values;
  return schema;
}

/** The same schema made optional (or required), e.g. a row struct used as `before`/`after`. */
export function withOptional(schema: ConnectSchema, optional: boolean): ConnectSchema {
  return schema.optional === optional ? schema : { ...schema, optional };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/**
 * An int64 value in the project's representation: a number when |v| <= 2^53-1, else a bigint. Accepts
 * number, bigint or a decimal string (as drivers return BIGINT UNSIGNED and the like).
 */
export function toInt64(value: number | bigint | string): number | bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    if (!Number.isInteger(value)) throw new RangeError('int64 value must be an integer');
    return BigInt(value);
  }
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return big <= MAX_SAFE && big >= MIN_SAFE ? Number(big) : big;
}
