import type { ConnectSchema } from './connect-schema.js';

/**
 * Kafka Connect's Converter, record side only: turns a schema + value into the bytes written to Kafka.
 * `null` value → `null` bytes (a tombstone stays a tombstone).
 */
export interface Converter {
  fromConnectData(topic: string, schema: ConnectSchema | null, value: unknown): Buffer | null;
  /**
   * Optional. Converters that need I/O per schema (Avro: registering it) do it here; `fromConnectData` is then
   * synchronous. Returns null when nothing is pending, so callers await only for a schema seen the first time.
   */
  prepare?(topic: string, schema: ConnectSchema | null): Promise<void> | null;
}
