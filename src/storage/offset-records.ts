/**
 * Records of Kafka Connect's offsets topic (OffsetStorageWriter + JsonConverter, schemas disabled):
 *   key   ["<connector>",{<source partition>}]   compact, partition keys in the connector's order
 *   value {<source offset>}                       compact; null (tombstone) = offset reset
 * Connect looks offsets up by the key's exact bytes, so the same partition must always give the same bytes.
 */
import { parseJson, sortedJson, writeJson } from './connect-json.js';
import type { SourceOffset, SourcePartition } from '../connect-api/index.js';

export function encodeOffsetKey(connector: string, partition: SourcePartition): Buffer {
  return Buffer.from(writeJson([connector, partition]), 'utf8');
}

export function encodeOffsetValue(offset: SourceOffset | null): Buffer | null {
  return offset === null ? null : Buffer.from(writeJson(offset), 'utf8');
}

/**
 * Identifies a partition independently of key order, so keys written by real Connect (whose partition maps may
 * iterate in hash order) still match the partitions our connectors build.
 */
export function partitionIdentity(connector: string, partition: SourcePartition): string {
  return sortedJson([connector, partition]);
}

export interface DecodedOffset {
  connector: string;
  partition: SourcePartition;
  offset: SourceOffset | null;
}

/** Decodes one offsets-topic record; undefined when it is not in Connect's format (Connect skips those too). */
export function decodeOffsetRecord(rawKey: Buffer | null, rawValue: Buffer | null): DecodedOffset | undefined {
  if (rawKey === null) return undefined;
  let key: unknown;
  let offset: unknown = null;
  try {
    key = parseJson(rawKey.toString('utf8'));
    if (rawValue !== null) offset = parseJson(rawValue.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string') return undefined;
  const partition = key[1] as unknown;
  if (partition === null || typeof partition !== 'object' || Array.isArray(partition)) return undefined;
  if (offset !== null && (typeof offset !== 'object' || Array.isArray(offset))) return undefined;
  return { connector: key[0], partition: partition as SourcePartition, offset: offset as SourceOffset | null };
}
