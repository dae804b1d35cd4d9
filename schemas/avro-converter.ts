import type { ConnectSchema } from './connect-schema.js';
import type { Converter } from './converter.js';
import { SchemaDataError } from './errors.js';
import { AvroOut } from './avro-binary.js';
import { parseAvroSchema, type AvroType } from './avro-parse.js';
import {
  avroNaming, avroRecordName, avroSchemaText, DEFAULT_AVRO_DATA_OPTIONS, toAvroSchema, type AvroDataOptions,
} from './avro-schema.js';
import { compileWriter, type AvroWriter, type WriterOptions } from './avro-writer.js';

/**
 * What the converter needs from a Confluent-compatible schema registry (the HTTP client lives in
 * src/schema-registry/; this module stays free of I/O). Schemas are text: Avro JSON, JSON Schema or .proto,
 * as `schemaType` says (AVRO when absent, as the registry assumes).
 */
export interface SchemaRegistryClient {
  /** `POST /subjects/{subject}/versions`: registers (or finds) the schema; its global id. */
  register(subject: string, schema: string, schemaType?: RegistrySchemaType): Promise<number>;
  /** `POST /subjects/{subject}`: the id of the schema already registered under the subject (never registers). */
  lookup(subject: string, schema: string, schemaType?: RegistrySchemaType): Promise<number>;
  /** `GET /subjects/{subject}/versions/latest`. */
  latest(subject: string): Promise<{ id: number; schema: string }>;
  /** `GET /schemas/ids/{id}`. */
  byId(id: number): Promise<string>;
}

/** The registry's `schemaType` of a schema. */
export type RegistrySchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export type SubjectNameStrategy = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

export interface AvroConverterOptions {
  registry: SchemaRegistryClient;
  isKey: boolean;
  /** `key.subject.name.strategy` / `value.subject.name.strategy` (default TopicNameStrategy). */
  subjectNameStrategy?: SubjectNameStrategy;
  /** `auto.register.schemas` (default true). */
  autoRegisterSchemas?: boolean;
  /** `use.schema.id` (default -1: none): write every record with this registered schema. */
  useSchemaId?: number;
  /** `use.latest.version` (default false): with auto.register.schemas=false, write with the subject's latest schema. */
  useLatestVersion?: boolean;
  /** `ignore.default.for.nullables` (default false). */
  ignoreDefaultForNullables?: boolean;
  data?: Partial<AvroDataOptions>;
}

/** A Converter whose schemas must be registered before conversion; `prepare` does that (null when done). */
export interface AvroConverter extends Converter {
  prepare(topic: string, schema: ConnectSchema | null): Promise<void> | null;
}
/** Any converter of Confluent's registry wire format (Avro, JSON Schema, Protobuf). */
export type RegistryConverter = AvroConverter;

/** A Connect schema as Avro: derived once per schema object. */
interface Derived { text: string; recordName: string | null; writer: AvroWriter }
interface Prepared { id: number; writer: AvroWriter }

/**
 * Confluent's AvroConverter, serialising side: magic byte 0, the 4-byte big-endian schema id, the Avro binary
 * of the value. `prepare` finds the id (register, look up, or the subject's latest version, as configured) once
 * per topic and schema object; `fromConnectData` is then synchronous.
 */
export function createAvroConverter(options: AvroConverterOptions): AvroConverter {
  const data: AvroDataOptions = { ...DEFAULT_AVRO_DATA_OPTIONS, ...options.data };
  const writerOptions: WriterOptions = { naming: avroNaming(data), ignoreDefaultForNullables: options.ignoreDefaultForNullables ?? false };
  const strategy = options.subjectNameStrategy ?? 'TopicNameStrategy';
  const autoRegister = options.autoRegisterSchemas ?? true;
  const useSchemaId = options.useSchemaId ?? -1;
  const derived = new WeakMap<ConnectSchema, Derived>();
  const byTopic = new Map<string, WeakMap<ConnectSchema, Prepared | Promise<void>>>();
  // Schemas fetched from the registry, parsed once, by id.
  const registered = new Map<number, AvroType>();
  const out = new AvroOut();

  function derive(schema: ConnectSchema): Derived {
    let d = derived.get(schema);
    if (!d) {
      const avro = toAvroSchema(schema, data);
      d = { text: avroSchemaText(avro), recordName: avroRecordName(avro), writer: compileWriter(schema, parseAvroSchema(avro), writerOptions) };
      derived.set(schema, d);
    }
    return d;
  }

  function subject(topic: string, d: Derived): string {
    const suffix = options.isKey ? 'key' : 'value';
    if (strategy === 'TopicNameStrategy') return `${topic}-${suffix}`;
    if (d.recordName === null) {
      throw new SchemaDataError('AVRO_NOT_A_RECORD', `${suffix}.subject.name.strategy=${strategy} needs a record (struct) ${suffix} schema; topic '${topic}' has another type.`,
        `Use ${suffix}.subject.name.strategy=io.confluent.kafka.serializers.subject.TopicNameStrategy.`);
    }
    return strategy === 'RecordNameStrategy' ? d.recordName : `${topic}-${d.recordName}`;
  }

  /** A writer for a schema the registry holds: `schema` paired with it, so a mismatch fails now. */
  function writerFor(schema: ConnectSchema, id: number, text: string): AvroWriter {
    let tree = registered.get(id);
    if (!tree) {
      try {
        tree = parseAvroSchema(JSON.parse(text));
      } catch (err) {
        throw new SchemaDataError('AVRO_SCHEMA_INCOMPATIBLE', `Schema id ${id} from the registry is not a valid Avro schema: ${(err as Error).message}.`,
          'Check that the registry holds Avro schemas under the subject (not JSON Schema or Protobuf).');
      }
      registered.set(id, tree);
    }
    return compileWriter(schema, tree, writerOptions);
  }

  async function find(topic: string, schema: ConnectSchema, d: Derived): Promise<Prepared> {
    if (autoRegister) return { id: await options.registry.register(subject(topic, d), d.text), writer: d.writer };
    if (useSchemaId >= 0) return { id: useSchemaId, writer: writerFor(schema, useSchemaId, await options.registry.byId(useSchemaId)) };
    const s = subject(topic, d);
    if (options.useLatestVersion) {
      const latest = await options.registry.latest(s);
      return { id: latest.id, writer: writerFor(schema, latest.id, latest.schema) };
    }
    return { id: await options.registry.lookup(s, d.text), writer: d.writer };
  }

  return {
    prepare(topic, schema) {
      if (!schema) return null;
      let m = byTopic.get(topic);
      if (!m) byTopic.set(topic, (m = new WeakMap()));
      const known = m.get(schema);
      if (known && !(known instanceof Promise)) return null;
      if (known) return known;
      const entries = m;
      let pending: Promise<void>;
      try {
        pending = find(topic, schema, derive(schema)).then(
          (p) => { entries.set(schema, p); },
          (err: unknown) => { entries.delete(schema); throw err; },
        );
      } catch (err) {
        return Promise.reject(err);
      }
      entries.set(schema, pending);
      return pending;
    },

    fromConnectData(topic, schema, value) {
      if (value === null || value === undefined) return null;
      if (!schema) {
        throw new SchemaDataError('AVRO_SCHEMALESS', 'The Avro converter needs a schema for every record.',
          'Use the JSON converter with schemas.enable=false for schemaless data.');
      }
      const p = byTopic.get(topic)?.get(schema);
      if (!p || p instanceof Promise) {
        throw new SchemaDataError('AVRO_SCHEMA_NOT_REGISTERED', `Schema for topic '${topic}' is not registered yet.`,
          'Call prepare(topic, schema) and await it before converting; this is a bug in the caller.');
      }
      out.pos = 0;
      out.reserve(5);
      out.buf[0] = 0;
      out.buf.writeUInt32BE(p.id, 1);
      out.pos = 5;
      p.writer(value, out);
      const bytes = Buffer.allocUnsafe(out.pos);
      out.buf.copy(bytes, 0, 0, out.pos);
      return bytes;
    },
  };
}
