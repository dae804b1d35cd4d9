import { bytes, string, type SchemaOptions } from './builders.js';
import type { ConnectSchema } from './connect-schema.js';

export type BinaryHandlingMode = 'bytes' | 'base64' | 'base64-url-safe' | 'hex';

export interface BinaryMapping {
  schema: ConnectSchema;
  encode(value: Uint8Array): Buffer | string;
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Java's `Base64.getUrlEncoder()`: URL-safe alphabet, padding kept (Node's `base64url` drops it). */
export function base64UrlSafe(value: Uint8Array): string {
  return asBuffer(value).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * BINARY/VARBINARY/BLOB/BYTEA under `binary.handling.mode`: bytes, or a string in base64 (padded), URL-safe
 * base64 (padded, as Java) or lower-case hex (Debezium's HexConverter).
 */
export function binaryMapping(mode: BinaryHandlingMode, o?: SchemaOptions): BinaryMapping {
  switch (mode) {
    case 'base64': return { schema: string(o), encode: (v) => asBuffer(v).toString('base64') };
    case 'base64-url-safe': return { schema: string(o), encode: base64UrlSafe };
    case 'hex': return { schema: string(o), encode: (v) => asBuffer(v).toString('hex') };
    default: return { schema: bytes(o), encode: asBuffer };
  }
}
