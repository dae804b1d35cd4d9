/**
 * Kafka Connect's converters without schemas in their bytes: StringConverter (the value's Java text in a
 * charset), ByteArrayConverter (bytes as they are) and the number converters (Kafka's serializers' big-endian
 * forms). A value they cannot write fails as Connect's DataException says it; null stays null (a tombstone).
 */
import type { ConnectSchema } from './connect-schema.js';
import type { Converter } from './converter.js';
import { SchemaDataError } from './errors.js';
import { javaClass, javaText, schemalessType } from './java-text.js';

const INCOMPATIBLE_FIX = 'Use a converter that can write this record (JsonConverter, AvroConverter, StringConverter), or a transform that makes the key/value the type this converter takes; errors.tolerance=all skips such records.';

function incompatible(message: string): SchemaDataError {
  return new SchemaDataError('CONVERTER_INCOMPATIBLE', message, INCOMPATIBLE_FIX);
}

/** Charsets of `converter.encoding` (Java's names and common aliases, any case) → how to write them. */
export type StringEncoding = 'UTF-8' | 'ISO-8859-1' | 'US-ASCII' | 'UTF-16' | 'UTF-16BE' | 'UTF-16LE';
const ENCODINGS: Readonly<Record<string, StringEncoding>> = {
  'utf-8': 'UTF-8', utf8: 'UTF-8', 'unicode-1-1-utf-8': 'UTF-8',
  'iso-8859-1': 'ISO-8859-1', iso8859_1: 'ISO-8859-1', 'iso_8859-1': 'ISO-8859-1', 'iso-latin-1': 'ISO-8859-1', latin1: 'ISO-8859-1', l1: 'ISO-8859-1', '8859_1': 'ISO-8859-1', cp819: 'ISO-8859-1',
  'us-ascii': 'US-ASCII', ascii: 'US-ASCII', us: 'US-ASCII', 'iso646-us': 'US-ASCII', ascii7: 'US-ASCII', default: 'US-ASCII',
  'utf-16': 'UTF-16', utf_16: 'UTF-16', utf16: 'UTF-16', unicode: 'UTF-16',
  'utf-16be': 'UTF-16BE', utf_16be: 'UTF-16BE', 'x-utf-16be': 'UTF-16BE', unicodebigunmarked: 'UTF-16BE',
  'utf-16le': 'UTF-16LE', utf_16le: 'UTF-16LE', 'x-utf-16le': 'UTF-16LE', unicodelittleunmarked: 'UTF-16LE',
};

/** The charset a `converter.encoding` names, or undefined when we cannot write it. */
export function stringEncoding(name: string): StringEncoding | undefined {
  return ENCODINGS[name.trim().toLowerCase()];
}
export const STRING_ENCODINGS: readonly StringEncoding[] = ['UTF-8', 'ISO-8859-1', 'US-ASCII', 'UTF-16', 'UTF-16BE', 'UTF-16LE'];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `String.getBytes(charset)`: what a charset cannot hold (and a lone surrogate) becomes `?`, as Java's encoders do. */
export function encodeString(text: string, encoding: StringEncoding): Buffer {
  switch (encoding) {
    case 'UTF-8': return Buffer.from(text.replace(LONE_SURROGATE, '?'), 'utf8');
    case 'ISO-8859-1': return Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, '?'), 'latin1');
    case 'US-ASCII': return Buffer.from(text.replace(/[^\u0000-\u007f]/gu, '?'), 'latin1');
    case 'UTF-16LE': return Buffer.from(text, 'utf16le');
    case 'UTF-16BE': return Buffer.from(text, 'utf16le').swap16();
    case 'UTF-16': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  }
}

export function createStringConverter(options: { encoding: StringEncoding }): Converter {
  return {
    fromConnectData(_topic, schema, value) {
      if (value === null || value === undefined) return null;
      return encodeString(javaText(schema, value), options.encoding);
    },
  };
}

/** ByteArrayConverter: bytes (schema BYTES or none) as they are; anything else is Connect's DataException. */
export function createByteArrayConverter(): Converter {
  return {
    fromConnectData(_topic, schema, value) {
      if (schema !== null && schema.type !== 'bytes') throw incompatible(`Invalid schema type for ByteArrayConverter: ${schema.type.toUpperCase()}`);
      if (value === null || value === undefined) return null;
      if (!(value instanceof Uint8Array) || schema?.name === 'org.apache.kafka.connect.data.Decimal') {
        throw incompatible(`ByteArrayConverter is not compatible with objects of type ${javaClass(schema, value)}`);
      }
      return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    },
  };
}

export type NumberConverterType = 'integer' | 'long' | 'short' | 'double' | 'float' | 'boolean';

const NUMBER_CONNECT_TYPE: Record<NumberConverterType, string> = {
  integer: 'int32', long: 'int64', short: 'int16', double: 'float64', float: 'float32', boolean: 'boolean',
};

function javaTypeOf(schema: ConnectSchema | null, value: unknown): string {
  const cls = javaClass(schema, value);
  if (cls !== 'class java.util.Date' && cls !== 'class java.math.BigDecimal') return schema?.type ?? schemalessType(value);
  return cls;
}

/**
 * Connect's Integer/Long/Short/Double/FloatConverter (Kafka's serializers: big-endian two's complement, IEEE 754)
 * and BooleanConverter (one byte, 1 or 0). The number converters check the value's Java class only, as Connect;
 * BooleanConverter also checks the schema type.
 */
export function createNumberConverter(type: NumberConverterType): Converter {
  const want = NUMBER_CONNECT_TYPE[type];
  return {
    fromConnectData(_topic, schema, value) {
      if (type === 'boolean' && schema !== null && schema.type !== 'boolean') throw incompatible(`Invalid schema type for BooleanConverter: ${schema.type.toUpperCase()}`);
      if (value === null || value === undefined) return null;
      if (javaTypeOf(schema, value) !== want) {
        throw incompatible(type === 'boolean'
          ? `BooleanConverter is not compatible with objects of type ${javaClass(schema, value)}`
          : `Failed to serialize to ${type} (was ${javaClass(schema, value)}): `);
      }
      switch (type) {
        case 'integer': { const b = Buffer.alloc(4); b.writeInt32BE(Number(value)); return b; }
        case 'short': { const b = Buffer.alloc(2); b.writeInt16BE(Number(value)); return b; }
        case 'long': { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(value as number | bigint)); return b; }
        case 'double': { const b = Buffer.alloc(8); b.writeDoubleBE(Number(value)); return b; }
        case 'float': { const b = Buffer.alloc(4); b.writeFloatBE(Number(value)); return b; }
        case 'boolean': return Buffer.from([value === true ? 1 : 0]);
      }
    },
  };
}
