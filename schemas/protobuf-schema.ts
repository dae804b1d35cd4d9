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
/** Connect's logical types ProtobufData maps to confluent.type / google types, which this converter does not write yet. */
const UNSUPPORTED_LOGICAL = new Set<string>([DecimalName.Decimal, TemporalName.ConnectDate, TemporalName.ConnectTime, TemporalName.ConnectTimestamp]);

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
  const state = { defined: new Set<string>([fullName]), wrappers: false };
  const body = message(name, schema, '', state, options);
  let text = 'syntax = "proto3";\n';
  if (pkg) text += `package ${pkg};\n`;
  if (state.wrappers) text += '\nimport "google/protobuf/wrappers.proto";\n';
  return { text: `${text}\n${body}`, recordName: pkg ? `${pkg}.${name}` : name };
}

interface State { defined: Set<string>; wrappers: boolean }

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
      type = scalar(element, state, o, f.field);
      if (label === '' && f.optional && o.optionalForNullables && !type.startsWith('google.')) label = 'optional ';
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
  return `${indent}message ${name} {\n${inner}${scalar(s.keys!, state, o, 'key')} key = 1;\n${inner}${scalar(s.values!, state, o, 'value')} value = 2;\n${indent}}`;
}

function scalar(s: ConnectSchema, state: State, o: ProtobufSchemaOptions, where: string): string {
  if (s.name !== undefined && UNSUPPORTED_LOGICAL.has(s.name)) {
    throw new SchemaDataError('PROTOBUF_UNSUPPORTED_SCHEMA', `Field '${where}' has Connect's logical type ${s.name}, which the Protobuf converter does not write yet.`,
      'Set the connector\'s decimal.handling.mode=string (or double) and time.precision.mode=adaptive_time_microseconds (the default), or use the Avro or JSON Schema converter.');
  }
  if (s.optional && o.wrapperForNullables) {
    state.wrappers = true;
    return `google.protobuf.${WRAPPERS[s.type]!}`;
  }
  return SCALARS[s.type]!;
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
