import type { ConnectSchema } from './connect-schema.js';
import type { ConvertedBytes } from './converter.js';
import type { RegistryConverter, RegistrySchemaType, SchemaRegistryClient, SubjectNameStrategy } from './avro-converter.js';
import { SchemaDataError } from './errors.js';

/** The registry settings every Confluent converter shares (AbstractKafkaSchemaSerDeConfig). */
export interface RegistrySettings {
  registry: SchemaRegistryClient;
  isKey: boolean;
  /** `key.subject.name.strategy` / `value.subject.name.strategy` (default TopicNameStrategy). */
  subjectNameStrategy?: SubjectNameStrategy;
  /** `auto.register.schemas` (default true). */
  autoRegisterSchemas?: boolean;
  /** `use.schema.id` (default -1: none). */
  useSchemaId?: number;
  /** `use.latest.version` (default false; applies with auto.register.schemas=false). */
  useLatestVersion?: boolean;
}

/** Writes the record's bytes (after the magic byte and id, which the caller writes) for one schema. */
export type RecordWriter = (value: unknown) => ConvertedBytes;

/** What a schema format adds to the registry handling: its schema text and how it writes records. */
export interface SchemaFormat {
  /** The converter's name in messages. */
  label: string;
  schemaType: RegistrySchemaType;
  /** The schema to register and the record name for RecordNameStrategy (null when the schema is not a struct). */
  derive(schema: ConnectSchema): { text: string; recordName: string | null };
  /**
   * A function writing records of `schema` after the 5-byte header; `registered` is the schema text of the id
   * written (null when it is `derive`'s own text). Throws a SchemaDataError when the registered one cannot hold them.
   */
  writer(schema: ConnectSchema, header: Buffer, registered: { id: number; text: string } | null): RecordWriter;
}

/**
 * A converter for Confluent's wire format over any schema format: magic byte 0, the 4-byte big-endian schema
 * id, then the format's bytes. `prepare` finds the id once per topic and schema object (register, look up, the
 * subject's latest version or a fixed id, as configured); `fromConnectData` is then synchronous.
 */
export function createRegistryConverter(format: SchemaFormat, settings: RegistrySettings): RegistryConverter {
  const strategy = settings.subjectNameStrategy ?? 'TopicNameStrategy';
  const autoRegister = settings.autoRegisterSchemas ?? true;
  const useSchemaId = settings.useSchemaId ?? -1;
  const derived = new WeakMap<ConnectSchema, { text: string; recordName: string | null }>();
  const byTopic = new Map<string, WeakMap<ConnectSchema, RecordWriter | Promise<void>>>();
  const suffix = settings.isKey ? 'key' : 'value';

  function derive(schema: ConnectSchema) {
    let d = derived.get(schema);
    if (!d) derived.set(schema, (d = format.derive(schema)));
    return d;
  }

  function subject(topic: string, recordName: string | null): string {
    if (strategy === 'TopicNameStrategy') return `${topic}-${suffix}`;
    if (recordName === null) {
      throw new SchemaDataError('REGISTRY_NOT_A_STRUCT',
        `${suffix}.subject.name.strategy=${strategy} needs a named struct ${suffix} schema; topic '${topic}' has another type.`,
        `Use ${suffix}.subject.name.strategy=io.confluent.kafka.serializers.subject.TopicNameStrategy.`);
    }
    return strategy === 'RecordNameStrategy' ? recordName : `${topic}-${recordName}`;
  }

  async function find(topic: string, schema: ConnectSchema): Promise<RecordWriter> {
    const d = derive(schema);
    const own = (id: number) => format.writer(schema, header(id), null);
    if (autoRegister) return own(await settings.registry.register(subject(topic, d.recordName), d.text, format.schemaType));
    if (useSchemaId >= 0) return format.writer(schema, header(useSchemaId), { id: useSchemaId, text: await settings.registry.byId(useSchemaId) });
    const s = subject(topic, d.recordName);
    if (settings.useLatestVersion) {
      const latest = await settings.registry.latest(s);
      return format.writer(schema, header(latest.id), { id: latest.id, text: latest.schema });
    }
    return own(await settings.registry.lookup(s, d.text, format.schemaType));
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
      const pending = find(topic, schema).then(
        (w) => { entries.set(schema, w); },
        (err: unknown) => { entries.delete(schema); throw err; },
      );
      entries.set(schema, pending);
      return pending;
    },

    fromConnectData(topic, schema, value) {
      if (value === null || value === undefined) return null;
      if (!schema) {
        throw new SchemaDataError('REGISTRY_SCHEMALESS', `The ${format.label} converter needs a schema for every record.`,
          'Use the JSON converter with schemas.enable=false for schemaless data.');
      }
      const w = byTopic.get(topic)?.get(schema);
      if (!w || w instanceof Promise) {
        throw new SchemaDataError('REGISTRY_SCHEMA_NOT_REGISTERED', `Schema for topic '${topic}' is not registered yet.`,
          'Call prepare(topic, schema) and await it before converting; this is a bug in the caller.');
      }
      return w(value);
    },
  };
}

/** Confluent's header: magic byte 0 and the schema id, big-endian. */
function header(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(id, 1);
  return b;
}
