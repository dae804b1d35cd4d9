import type { ConnectSchema } from './connect-schema.js';
import { SplicedBytes } from './converter.js';
import type { RegistryConverter } from './avro-converter.js';
import { SchemaDataError } from './errors.js';
import { createJsonConverter } from './json-converter.js';
import { jsonSchemaMismatch, jsonSchemaRecordName, jsonSchemaText, type JsonSchemaOptions } from './json-schema-schema.js';
import { createRegistryConverter, type RegistrySettings } from './registry-converter.js';

export interface JsonSchemaConverterOptions extends RegistrySettings {
  /** `decimal.format` (default base64, as JsonSchemaDataConfig). */
  decimalFormat?: 'base64' | 'numeric';
  /** `object.additional.properties` (default true). */
  additionalProperties?: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * Confluent's JsonSchemaConverter, serialising side: magic byte 0, the schema id, then the value as JSON text
 * (JsonSchemaData's values are JsonConverter's payload but for maps with non-string keys, written as
 * `{"key":..,"value":..}` objects). The registered schema is the JSON Schema of json-schema-schema.ts.
 */
export function createJsonSchemaConverter(options: JsonSchemaConverterOptions): RegistryConverter {
  // The payload is the JSON converter's without the envelope: values only, and a Buffer-free SplicedBytes.
  const payload = createJsonConverter({ schemasEnable: false, isKey: false, decimalFormat: options.decimalFormat ?? 'base64', mapEncoding: 'entries' });
  const text = (schema: ConnectSchema, value: unknown) => payload.fromConnectData('', schema, value) as SplicedBytes;
  const schemaOptions: JsonSchemaOptions = {
    additionalProperties: options.additionalProperties ?? true,
    writeDefault: (s) => text({ ...s, optional: true, default: undefined }, s.default).text,
  };
  return createRegistryConverter({
    label: 'JSON Schema',
    schemaType: 'JSON',
    derive: (schema) => ({ text: jsonSchemaText(schema, schemaOptions), recordName: jsonSchemaRecordName(schema) }),
    writer(schema, header, registered) {
      if (registered) checkRegistered(schema, registered);
      return (value) => {
        const t = text(schema, value);
        const bytes = new SplicedBytes(header, t.text, t.textBytes, EMPTY);
        // Keys are plain Buffers (the partitioner hashes them), as the JSON converter's.
        return options.isKey ? bytes.toBuffer() : bytes;
      };
    },
  }, options);
}

function checkRegistered(schema: ConnectSchema, registered: { id: number; text: string }): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(registered.text);
  } catch {
    throw new SchemaDataError('REGISTRY_SCHEMA_INCOMPATIBLE', `Schema id ${registered.id} from the registry is not a JSON Schema.`,
      'Check that the registry holds JSON Schemas under the subject (not Avro or Protobuf).');
  }
  const why = jsonSchemaMismatch(schema, parsed);
  if (why) {
    throw new SchemaDataError('REGISTRY_SCHEMA_INCOMPATIBLE', `Schema id ${registered.id} from the registry cannot hold the records: ${why}.`,
      'Register a version with every field of the records, or set auto.register.schemas=true.');
  }
}
