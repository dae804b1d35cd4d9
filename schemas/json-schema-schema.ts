import type { ConnectSchema } from './connect-schema.js';
import { DecimalName } from './decimal.js';
import { quote } from './json-format.js';

/**
 * A Connect schema as the JSON Schema Confluent's JsonSchemaConverter registers (JsonSchemaData's mapping):
 * integers `{"type":"integer","connect.type":"int32"}`, floats `number` with connect.type, bytes a `string`
 * (Decimal a `number`) with connect.type bytes, structs `object` with `properties` in field order, each property
 * carrying its position as `connect.index`; an optional value is `{"oneOf":[{"type":"null"},T]}` with the index
 * on the oneOf. The schema name is the `title` (so logical types are recognised by it), doc the `description`,
 * version and parameters `connect.version` / `connect.parameters`. Maps with required string keys are objects
 * (`additionalProperties`), other maps arrays of `{key, value}` objects.
 */
export interface JsonSchemaOptions {
  /** `object.additional.properties`: false closes every struct's object (`"additionalProperties":false`). */
  additionalProperties: boolean;
  /** Writes a default value as JSON text, as the record's payload would hold it. */
  writeDefault: (schema: ConnectSchema) => string;
}

const NUMBER_TYPES: Partial<Record<ConnectSchema['type'], 'integer' | 'number'>> = {
  int8: 'integer', int16: 'integer', int32: 'integer', int64: 'integer', float32: 'number', float64: 'number',
};

/** Parameters in Confluent's own namespace drive JsonSchemaData and are not written out. */
const CONFLUENT_NAMESPACE = 'io.confluent.connect.json';

/** The schema text to register: built once per schema object. */
export function jsonSchemaText(schema: ConnectSchema, options: JsonSchemaOptions): string {
  let cache = texts.get(options);
  if (!cache) texts.set(options, (cache = new WeakMap()));
  let text = cache.get(schema);
  if (text === undefined) {
    text = build(schema, null, options);
    cache.set(schema, text);
  }
  return text;
}

const texts = new WeakMap<JsonSchemaOptions, WeakMap<ConnectSchema, string>>();

function build(s: ConnectSchema, index: number | null, o: JsonSchemaOptions): string {
  const indexProp = index === null ? '' : `,"connect.index":${index}`;
  if (s.optional) return `{"oneOf":[{"type":"null"},${plain(s, o)}]${indexProp}}`;
  return withProps(plain(s, o), indexProp);
}

/** `s` as if required: the schema of its non-null values. */
function plain(s: ConnectSchema, o: JsonSchemaOptions): string {
  let body: string;
  let connectType: string | null = null;
  const numeric = NUMBER_TYPES[s.type];
  if (numeric) {
    body = `"type":"${numeric}"`;
    connectType = s.type;
  } else if (s.type === 'boolean') {
    body = '"type":"boolean"';
  } else if (s.type === 'string') {
    body = '"type":"string"';
  } else if (s.type === 'bytes') {
    body = s.name === DecimalName.Decimal ? '"type":"number"' : '"type":"string"';
    connectType = 'bytes';
  } else if (s.type === 'array') {
    body = `"type":"array","items":${build(s.items!, null, o)}`;
  } else if (s.type === 'map') {
    connectType = 'map';
    if (s.keys!.type === 'string' && !s.keys!.optional) {
      body = `"type":"object","additionalProperties":${build(s.values!, null, o)}`;
    } else {
      body = `"type":"array","items":{"type":"object","properties":{"key":${build(s.keys!, 0, o)},"value":${build(s.values!, 1, o)}}}`;
    }
  } else {
    const props = (s.fields ?? []).map((f, i) => `${quote(f.field)}:${build(f, i, o)}`).join(',');
    body = `"type":"object"${o.additionalProperties ? '' : ',"additionalProperties":false'},"properties":{${props}}`;
  }
  let out = '{' + body;
  if (s.name !== undefined) out += `,"title":${quote(s.name)}`;
  if (s.doc !== undefined) out += `,"description":${quote(s.doc)}`;
  if (s.default !== undefined && s.default !== null) out += `,"default":${o.writeDefault(s)}`;
  if (connectType !== null) out += `,"connect.type":"${connectType}"`;
  if (s.version !== undefined) out += `,"connect.version":${s.version}`;
  const params = Object.entries(s.parameters ?? {}).filter(([k]) => !k.startsWith(CONFLUENT_NAMESPACE));
  if (params.length > 0) out += `,"connect.parameters":{${params.map(([k, v]) => `${quote(k)}:${quote(v)}`).join(',')}}`;
  return out + '}';
}

function withProps(objectText: string, extra: string): string {
  return extra === '' ? objectText : objectText.slice(0, -1) + extra + '}';
}

/** The record name RecordNameStrategy uses: a struct's title (its Connect name), or null for other schemas. */
export function jsonSchemaRecordName(schema: ConnectSchema): string | null {
  return schema.type === 'struct' && schema.name !== undefined ? schema.name : null;
}

/**
 * Why a JSON Schema the registry holds cannot carry records of `schema` (use.latest.version, use.schema.id),
 * or null when it can: every field of every struct must be a property of the registered object at that place.
 * Types are not compared: a JSON Schema converter writes the same payload whichever version it names.
 */
export function jsonSchemaMismatch(schema: ConnectSchema, registered: unknown, path = '$'): string | null {
  const target = objectBranch(registered);
  if (schema.type !== 'struct') return null;
  if (!target) return `${path} is not an object schema`;
  const props = (target.properties ?? {}) as Record<string, unknown>;
  for (const f of schema.fields ?? []) {
    if (!(f.field in props)) return `${path} has no property '${f.field}'`;
    const deeper = jsonSchemaMismatch(f, props[f.field], `${path}.${f.field}`);
    if (deeper) return deeper;
  }
  return null;
}

function objectBranch(s: unknown): { properties?: unknown } | null {
  if (s === null || typeof s !== 'object') return null;
  const o = s as { type?: unknown; oneOf?: unknown; anyOf?: unknown; properties?: unknown };
  if (o.type === 'object') return o;
  for (const branch of [o.oneOf, o.anyOf]) {
    if (Array.isArray(branch)) for (const b of branch) { const found = objectBranch(b); if (found) return found; }
  }
  return null;
}
