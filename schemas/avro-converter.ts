import avro from 'avsc';
import type { ConnectSchema } from './connect-schema.js';
import type { Converter } from './converter.js';
import { SchemaDataError } from './errors.js';
import { toAvroSchema } from './avro-schema.js';

/** Registers a schema under a subject and returns its global id (Confluent Schema Registry semantics). */
export interface SchemaRegistryClient {
  register(subject: string, avroSchemaJson: string): Promise<number>;
}

export interface AvroConverterOptions {
  registry: SchemaRegistryClient;
  isKey: boolean;
}

/** A Converter whose schemas must be registered before conversion; `prepare` does that (null when done). */
export interface AvroConverter extends Converter {
  prepare(topic: string, schema: ConnectSchema | null): Promise<void> | null;
}

// int64 as number or bigint (the project's representation); avsc's own long refuses values beyond 2^53.
const scratch = Buffer.alloc(8);
const int64Type = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => { const v = b.readBigInt64LE(0); return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v; },
  toBuffer: (v: number | bigint) => { scratch.writeBigInt64LE(typeof v === 'bigint' ? v : BigInt(v)); return scratch; },
  fromJSON: (v: number | bigint) => v,
  toJSON: (v: number | bigint) => (typeof v === 'bigint' ? Number(v) : v),
  isValid: (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
  compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

interface Registered { id: number; type: avro.Type }

/**
 * Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. Subjects follow
 * TopicNameStrategy (`<topic>-key` / `<topic>-value`); ids are cached per topic and schema object.
 */
export function createAvroConverter(options: AvroConverterOptions): AvroConverter {
  const suffix = options.isKey ? '-key' : '-value';
  const byTopic = new Map<string, WeakMap<ConnectSchema, Registered | Promise<void>>>();
  let buffer = Buffer.allocUnsafe(64 * 1024);

  function entries(topic: string): WeakMap<ConnectSchema, Registered | Promise<void>> {
    let m = byTopic.get(topic);
    if (!m) byTopic.set(topic, (m = new WeakMap()));
    return m;
  }

  function encode(reg: Registered, value: unknown): Buffer {
    for (;;) {
      buffer[0] = 0;
      buffer.writeUInt32BE(reg.id, 1);
      const end = reg.type.encode(value, buffer, 5);
      if (end >= 0) return Buffer.from(buffer.subarray(0, end));
      buffer = Buffer.allocUnsafe(Math.max(buffer.length * 2, 5 - end));
    }
  }

  return {
    prepare(topic, schema) {
      if (!schema) return null;
      const m = entries(topic);
      const known = m.get(schema);
      if (known && !(known instanceof Promise)) return null;
      if (known) return known;
      const json = JSON.stringify(toAvroSchema(schema));
      const type = avro.Type.forSchema(JSON.parse(json), { registry: { long: int64Type } as never, wrapUnions: 'auto' });
      const pending = options.registry.register(topic + suffix, json).then(
        (id) => { m.set(schema, { id, type }); },
        (err: unknown) => { m.delete(schema); throw err; },
      );
      m.set(schema, pending);
      return pending;
    },

    fromConnectData(topic, schema, value) {
      if (value === null || value === undefined) return null;
      if (!schema) {
        throw new SchemaDataError('AVRO_SCHEMALESS', 'The Avro converter needs a schema for every record.',
          'Use the JSON converter with schemas.enable=false for schemaless data.');
      }
      const reg = byTopic.get(topic)?.get(schema);
      if (!reg || reg instanceof Promise) {
        throw new SchemaDataError('AVRO_SCHEMA_NOT_REGISTERED', `Schema for topic '${topic}' is not registered yet.`,
          'Call prepare(topic, schema) and await it before converting; this is a bug in the caller.');
      }
      return encode(reg, value);
    },
  };
}

/** Strips `user:password@` from a URL so it can appear in messages. */
function redact(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

/** A minimal Confluent Schema Registry client (POST /subjects/<subject>/versions); `fetch` is injected. */
export function createSchemaRegistryClient(opts: { url: string; fetch: typeof fetch }): SchemaRegistryClient {
  const base = opts.url.replace(/\/+$/, '');
  return {
    async register(subject, avroSchemaJson) {
      let res: Response;
      try {
        res = await opts.fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify({ schema: avroSchemaJson }),
        });
      } catch {
        throw registryError(true, `Schema registry at ${redact(base)} is unreachable.`, 'Check schema.registry.url and that the registry is running.');
      }
      const body = await res.text();
      if (!res.ok) {
        const retriable = res.status >= 500 || res.status === 429;
        throw registryError(retriable, `Schema registry rejected subject '${subject}' (HTTP ${res.status}): ${body.slice(0, 300)}`,
          res.status === 409 ? 'The new schema is incompatible with the subject\'s compatibility setting; change the setting or the table.'
            : 'Check the registry URL, credentials and subject.');
      }
      const id = (JSON.parse(body) as { id?: unknown }).id;
      if (typeof id !== 'number') throw registryError(false, `Schema registry answered without an id for '${subject}'.`, 'Check that the URL points at a Confluent-compatible registry.');
      return id;
    },
  };
}

function registryError(retriable: boolean, message: string, fix: string): SchemaDataError {
  return new SchemaDataError(retriable ? 'SCHEMA_REGISTRY_UNAVAILABLE' : 'SCHEMA_REGISTRY_REJECTED', message, fix, retriable);
}
