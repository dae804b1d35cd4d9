import type { ConnectSchema } from './connect-schema.js';
import { SplicedBytes, type Converter } from './converter.js';
import { decodeDecimal, DecimalName, encodeDecimal } from './decimal.js';
import { invalidValue, requiredNull } from './errors.js';
import { formatDouble, formatFloat, quote, schemaJson } from './json-format.js';
import { TemporalName } from './temporal.js';

export interface JsonConverterOptions {
  /** `schemas.enable`: wrap as `{"schema":...,"payload":...}`. */
  schemasEnable: boolean;
  isKey: boolean;
  /** `decimal.format`: Connect Decimal as base64 bytes (default) or as a JSON number. */
  decimalFormat?: 'base64' | 'numeric';
  /**
   * Maps whose keys are not required strings: `pairs` as Connect's JsonConverter (`[[k,v],...]`; optional string
   * keys still make an object), `entries` as Confluent's JsonSchemaData (`[{"key":k,"value":v},...]`).
   */
  mapEncoding?: 'pairs' | 'entries';
}

type Writer = (value: unknown) => string;

/**
 * Kafka Connect's JsonConverter, serialising side, byte for byte. Each schema object gets a compiled writer
 * (a generated function per struct, so a row is written with one string concatenation per field and no
 * intermediate objects) and a cached schema JSON. A null value gives null bytes: a tombstone stays a tombstone.
 */
export function createJsonConverter(options: JsonConverterOptions): Converter {
  const writers = new WeakMap<ConnectSchema, Writer>();
  const numericDecimal = options.decimalFormat === 'numeric';

  const writeDefault = (s: ConnectSchema): string => writerFor({ ...s, optional: true, default: undefined })(s.default);

  function writerFor(schema: ConnectSchema): Writer {
    let w = writers.get(schema);
    if (w === undefined) {
      w = compile(schema);
      writers.set(schema, w);
    }
    return w;
  }

  function compile(s: ConnectSchema): Writer {
    const write = s.type === 'struct' ? compileStruct(s) : valueWriter(s);
    if (s.default != null) {
      const fallback = writeDefault(s);
      return (v) => (v === null || v === undefined ? fallback : write(v));
    }
    if (s.optional) return (v) => (v === null || v === undefined ? 'null' : write(v));
    const path = (s as { field?: string }).field ?? s.name ?? s.type;
    return (v) => {
      if (v === null || v === undefined) throw requiredNull(path);
      return write(v);
    };
  }

  /** Writer for a non-null value of a non-struct schema. */
  function valueWriter(s: ConnectSchema): Writer {
    switch (s.type) {
      case 'int8': case 'int16': case 'int32': return (v) => (typeof v === 'number' ? '' + v : integral(v, s));
      case 'int64': return (v) => (typeof v === 'number' || typeof v === 'bigint' ? '' + v : integral(v, s));
      case 'float64': return (v) => formatDouble(number(v, s));
      case 'float32': return (v) => formatFloat(number(v, s));
      case 'boolean': return (v) => (v === true ? 'true' : v === false ? 'false' : mismatch(s, 'a boolean'));
      case 'string': return (v) => (typeof v === 'string' ? quote(v) : mismatch(s, 'a string'));
      case 'bytes': return bytesWriter(s);
      case 'array': return arrayWriter(s);
      case 'map': return mapWriter(s);
      default: return () => mismatch(s, 'a supported type');
    }
  }

  function bytesWriter(s: ConnectSchema): Writer {
    const decimalScale = s.name === DecimalName.Decimal ? Number(s.parameters?.['scale'] ?? 0) : null;
    return (v) => {
      let bytes: Uint8Array;
      if (v instanceof Uint8Array) bytes = v;
      else if (decimalScale !== null && typeof v === 'string') bytes = encodeDecimal(v, decimalScale);
      else return mismatch(s, 'bytes');
      if (decimalScale !== null && numericDecimal) return decodeDecimal(bytes, decimalScale);
      return '"' + (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64') + '"';
    };
  }

  function arrayWriter(s: ConnectSchema): Writer {
    const item = writerFor(s.items!);
    return (v) => {
      if (!Array.isArray(v)) return mismatch(s, 'an array');
      let out = '[';
      for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + item(v[i]);
      return out + ']';
    };
  }

  function mapWriter(s: ConnectSchema): Writer {
    const key = writerFor(s.keys!);
    const value = writerFor(s.values!);
    const entryObjects = options.mapEncoding === 'entries';
    const objectMode = s.keys!.type === 'string' && !(entryObjects && s.keys!.optional);
    return (v) => {
      if (v === null || typeof v !== 'object') return mismatch(s, 'a map');
      const entries: Iterable<[unknown, unknown]> = v instanceof Map ? v.entries() : Object.entries(v);
      let out = '';
      for (const [k, val] of entries) {
        if (out) out += ',';
        if (objectMode) out += quote(String(k)) + ':' + value(val);
        else out += entryObjects ? '{"key":' + key(k) + ',"value":' + value(val) + '}' : '[' + key(k) + ',' + value(val) + ']';
      }
      return objectMode ? '{' + out + '}' : '[' + out + ']';
    };
  }

  /** Generates `function (v) { ... }` writing every field in schema order with inlined primitive fast paths. */
  function compileStruct(s: ConnectSchema): Writer {
    const fields = s.fields ?? [];
    const args: Writer[] = [];
    let body = 'var x, s = "{";\n';
    fields.forEach((f, i) => {
      args.push(writerFor(f));
      const w = 'w' + i;
      const prefix = JSON.stringify((i ? ',' : '') + quote(f.field) + ':');
      const plain = f.name === undefined || !f.name.startsWith('org.apache.kafka.connect.data.');
      body += `x = v[${JSON.stringify(f.field)}]; s += ${prefix} + `;
      if (plain && (f.type === 'int32' || f.type === 'int16' || f.type === 'int8' || f.type === 'int64')) {
        body += `(typeof x === "number" ? "" + x : ${w}(x));\n`;
      } else if (f.type === 'string') {
        body += `(typeof x === "string" ? q(x) : ${w}(x));\n`;
      } else {
        body += `${w}(x);\n`;
      }
    });
    body += 'return s + "}";';
    const names = args.map((_, i) => 'w' + i);
    const factory = new Function('q', 'fail', ...names, `return function writeStruct(v) {\n` +
      `if (v === null || typeof v !== "object") return fail(v);\n${body}\n};`) as (...a: unknown[]) => Writer;
    return factory(quote, () => mismatch(s, 'a struct'), ...args);
  }

  function integral(v: unknown, s: ConnectSchema): string {
    if (v instanceof Date) return '' + dateAsNumber(v, s);
    return mismatch(s, 'an integer');
  }

  function number(v: unknown, s: ConnectSchema): number {
    if (typeof v === 'number') return v;
    mismatch(s, 'a number');
  }

  const heads = new WeakMap<ConnectSchema, Buffer>();
  function envelopeHead(schema: ConnectSchema): Buffer {
    let head = heads.get(schema);
    if (head === undefined) {
      head = Buffer.from('{"schema":' + schemaJson(schema, writeDefault) + ',"payload":', 'utf8');
      heads.set(schema, head);
    }
    return head;
  }

  return {
    fromConnectData(_topic, schema, value) {
      if (value === null || value === undefined) return null;
      const payload = schema ? writerFor(schema)(value) : writeSchemaless(value);
      // The envelope head is encoded once per schema and shared; per record only the payload text is kept.
      const textBytes = Buffer.byteLength(payload, 'utf8');
      const bytes = options.schemasEnable
        ? new SplicedBytes(schema ? envelopeHead(schema) : NULL_SCHEMA_HEAD, payload, textBytes, CLOSE_BRACE)
        : new SplicedBytes(EMPTY, payload, textBytes, EMPTY);
      // Keys are plain Buffers: the partitioner hashes them, and they are small.
      return options.isKey ? bytes.toBuffer() : bytes;
    },
  };
}

const NULL_SCHEMA_HEAD = Buffer.from('{"schema":null,"payload":', 'utf8');
const CLOSE_BRACE = Buffer.from('}', 'utf8');
const EMPTY = Buffer.alloc(0);

/** Connect's Date/Time/Timestamp accept `java.util.Date`; we accept a JS Date the same way. */
function dateAsNumber(d: Date, s: ConnectSchema): number {
  const ms = d.getTime();
  if (s.name === TemporalName.ConnectDate) return Math.floor(ms / 86_400_000);
  if (s.name === TemporalName.ConnectTime) return ms - Math.floor(ms / 86_400_000) * 86_400_000;
  if (s.name === TemporalName.ConnectTimestamp) return ms;
  return mismatch(s, 'an integer');
}

function mismatch(s: ConnectSchema, expected: string): never {
  const where = (s as { field?: string }).field ?? s.name ?? s.type;
  throw invalidValue(`Field '${where}' (${s.type})`, expected);
}

/** Without a schema Connect infers the type from the value's class; JS numbers print as integers when integral. */
function writeSchemaless(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return quote(v);
    case 'number': return Number.isInteger(v) ? '' + v : formatDouble(v);
    case 'bigint': return '' + v;
    case 'boolean': return v ? 'true' : 'false';
    default: break;
  }
  if (v instanceof Uint8Array) return '"' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') + '"';
  if (Array.isArray(v)) return '[' + v.map(writeSchemaless).join(',') + ']';
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  if (entries.every(([k]) => typeof k === 'string')) {
    return '{' + entries.map(([k, val]) => quote(k as string) + ':' + writeSchemaless(val)).join(',') + '}';
  }
  return '[' + entries.map(([k, val]) => '[' + writeSchemaless(k) + ',' + writeSchemaless(val) + ']').join(',') + ']';
}
