import type { ConnectSchema } from './connect-schema.js';
import { DecimalName } from './decimal.js';
import { SchemaDataError } from './errors.js';
import { TemporalName } from './temporal.js';

/**
 * A Connect struct schema as the .proto Confluent's ProtobufData registers: proto3, the package the schema name's
 * namespace (`dbserver1.inventory.customers` of `dbserver1.inventory.customers.Envelope`), one message per struct
 * named by its unqualified name (nested in the message that uses it first, `Message` appended when it equals the
 * field's name), fields numbered by position from 1, arrays `repeated`, maps `repeated <Field>Entry` messages with
 * `key = 1`, `value = 2`. Optional fields are plain proto3 fields by default (null is not written, so a reader sees
 * the type's zero), proto3 `optional` with `optional.for.nullables`, or google.protobuf wrappers with
 * `wrapper.for.nullables`.
 */
export interface ProtobufSchemaOptions {
  /** `optional.for.nullables` */
  optionalForNullables: boolean;
  /** `wrapper.for.nullables` */
  wrapperForNullables: boolean;
  /** `scrub.invalid.names`: make invalid names valid instead of failing. */
  scrubInvalidNames: boolean;
}

export interface ProtobufSchemaText {
  text: string;
  /** Full name of the root message (package + name), for lookups and RecordNameStrategy. */
  recordName: string;
}

const SCALARS: Partial<Record<ConnectSchema['type'], string>> = {
  int8: 'int32', int16: 'int32', int32: 'int32', int64: 'int64', float32: 'float', float64: 'double',
  boolean: 'bool', string: 'string', bytes: 'bytes',
};
const WRAPPERS: Partial<Record<ConnectSchema['type'], string>> = {
  int8: 'Int32Value', int16: 'Int32Value', int32: 'Int32Value', int64: 'Int64Value', float32: 'FloatValue', float64: 'DoubleValue',
  boolean: 'BoolValue', string: 'StringValue', bytes: 'BytesValue',
};
/**
 * Connect's logical types as ProtobufData writes them: well-known message types the registry and Confluent's
 * deserialisers know without references (its serialiser skips known types by default), imported from their files.
 */
export const PROTOBUF_LOGICAL: Readonly<Record<string, { type: string; file: string }>> = {
  [DecimalName.Decimal]: { type: 'confluent.type.Decimal', file: 'confluent/type/decimal.proto' },
  [TemporalName.ConnectDate]: { type: 'google.type.Date', file: 'google/type/date.proto' },
  [TemporalName.ConnectTime]: { type: 'google.type.TimeOfDay', file: 'google/type/timeofday.proto' },
  [TemporalName.ConnectTimestamp]: { type: 'google.protobuf.Timestamp', file: 'google/protobuf/timestamp.proto' },
};
const META_FILE = 'confluent/meta.proto';
const WRAPPERS_FILE = 'google/protobuf/wrappers.proto';

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

export function protobufSchemaText(schema: ConnectSchema, options: ProtobufSchemaOptions): ProtobufSchemaText {
  if (schema.type !== 'struct') {
    throw new SchemaDataError('PROTOBUF_UNSUPPORTED_SCHEMA', `The Protobuf converter writes structs only; this key or value is ${schema.type}.`,
      'Use the Avro or JSON Schema converter for records whose key or value is not a struct.');
  }
  const fullName = schema.name ?? 'ConnectDefault1';
  const at = fullName.lastIndexOf('.');
  const pkg = at < 0 ? null : fullName.slice(0, at).split('.').map((p) => ident(p, options, 'package')).join('.');
  const name = ident(at < 0 ? fullName : fullName.slice(at + 1), options, 'message');
  const state: State = { defined: new Set<string>([fullName]), imports: new Set<string>() };
  const body = message(name, schema, '', state, options);
  let text = 'syntax = "proto3";\n';
  if (pkg) text += `package ${pkg};\n`;
  if (state.imports.size > 0) text += `\n${[...state.imports].sort().map((f) => `import "${f}";\n`).join('')}`;
  return { text: `${text}\n${body}`, recordName: pkg ? `${pkg}.${name}` : name };
}

interface State { defined: Set<string>; imports: Set<string> }

/** A field's type in the .proto, and the Connect details ProtobufData keeps in `(confluent.field_meta).params`. */
interface FieldType { type: string; params: Array<[string, string]>; message: boolean }

function message(name: string, s: ConnectSchema, indent: string, state: State, o: ProtobufSchemaOptions): string {
  const inner = indent + '  ';
  const nested: string[] = [];
  const fields: string[] = [];
  (s.fields ?? []).forEach((f, i) => {
    const fieldName = ident(f.field, o, 'field');
    let label = '';
    let element: ConnectSchema = f;
    if (f.type === 'array') {
      label = 'repeated ';
      element = f.items!;
      if (element.type === 'array' || element.type === 'map') unsupported(`field '${f.field}' is an array of ${element.type}s`);
    }
    let type: string;
    if (element.type === 'map') {
      label = 'repeated ';
      type = entryName(fieldName);
      nested.push(mapEntry(type, element, inner, state, o));
    } else if (element.type === 'struct') {
      const structName = element.name ?? `ConnectDefault${state.defined.size + 1}`;
      type = ident(structName.slice(structName.lastIndexOf('.') + 1), o, 'message');
      if (type === fieldName) type += 'Message';
      if (!state.defined.has(structName)) {
        state.defined.add(structName);
        nested.push(message(type, element, inner, state, o));
      }
    } else {
      const t = scalar(element, state, o);
      type = t.type;
      if (label === '' && f.optional && o.optionalForNullables && !t.message) label = 'optional ';
      fields.push(`${inner}${label}${type} ${fieldName} = ${i + 1}${fieldMeta(t.params, state)};`);
      return;
    }
    fields.push(`${inner}${label}${type} ${fieldName} = ${i + 1};`);
  });
  return `${indent}message ${name} {\n${[...fields, ...nested].join('\n')}\n${indent}}`;
}

function mapEntry(name: string, s: ConnectSchema, indent: string, state: State, o: ProtobufSchemaOptions): string {
  for (const part of [s.keys!, s.values!]) {
    if (part.type === 'struct' || part.type === 'array' || part.type === 'map') unsupported(`a map with ${part.type} keys or values`);
  }
  const inner = indent + '  ';
  // As ProtobufData: an entry's fields carry no field_meta.
  return `${indent}message ${name} {\n${inner}${scalar(s.keys!, state, o).type} key = 1;\n${inner}${scalar(s.values!, state, o).type} value = 2;\n${indent}}`;
}

function scalar(s: ConnectSchema, state: State, o: ProtobufSchemaOptions): FieldType {
  const logical = s.name === undefined ? undefined : PROTOBUF_LOGICAL[s.name];
  if (logical) {
    state.imports.add(logical.file);
    const params: Array<[string, string]> = [];
    if (s.name === DecimalName.Decimal) {
      const precision = s.parameters?.['connect.decimal.precision'];
      if (precision !== undefined) params.push(['precision', precision]);
      params.push(['scale', s.parameters?.['scale'] ?? '0']);
    }
    return { type: logical.type, params, message: true };
  }
  // int8/int16 have no Protobuf type: int32, with Connect's type kept so a reader gets int8/int16 back.
  const params: Array<[string, string]> = s.type === 'int8' || s.type === 'int16' ? [['connect.type', s.type]] : [];
  if (s.optional && o.wrapperForNullables) {
    state.imports.add(WRAPPERS_FILE);
    return { type: `google.protobuf.${WRAPPERS[s.type]!}`, params, message: true };
  }
  return { type: SCALARS[s.type]!, params, message: false };
}

/**
 * The field option ProtobufData writes for Connect parameters. Written as repeated `params { … }` entries (the
 * text-format spelling every parser takes; protobufjs, which many JavaScript registry clients use, does not read
 * the `params: [ … ]` list form).
 */
function fieldMeta(params: ReadonlyArray<[string, string]>, state: State): string {
  if (params.length === 0) return '';
  state.imports.add(META_FILE);
  return ` [(confluent.field_meta) = { ${params.map(([k, v]) => `params { key: ${JSON.stringify(k)} value: ${JSON.stringify(v)} }`).join(' ')} }]`;
}

/** protoc's name for a map field's entry message: the field name in UpperCamelCase + `Entry`. */
function entryName(field: string): string {
  return field.split('_').filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('') + 'Entry';
}

/** A field's name in the .proto (scrubbed with scrub.invalid.names; the schema was refused otherwise). */
export function protobufFieldName(name: string, o: ProtobufSchemaOptions): string {
  return ident(name, o, 'field');
}

function ident(name: string, o: ProtobufSchemaOptions, what: string): string {
  if (IDENT.test(name)) return name;
  if (o.scrubInvalidNames) {
    const scrubbed = name.replace(/[^A-Za-z0-9_]/g, '_');
    return /^[A-Za-z]/.test(scrubbed) ? scrubbed : `x${scrubbed}`;
  }
  throw new SchemaDataError('PROTOBUF_UNSUPPORTED_SCHEMA', `The ${what} name '${name}' is not a valid Protobuf name (a letter, then letters, digits and _).`,
    'Set the converter\'s scrub.invalid.names=true, or rename it (for a topic prefix: topic.prefix).');
}

function unsupported(what: string): never {
  throw new SchemaDataError('PROTOBUF_UNSUPPORTED_SCHEMA', `The Protobuf converter cannot write ${what}.`,
    'Use the Avro or JSON Schema converter for this table.');
}
