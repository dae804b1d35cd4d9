/**
 * The body of a Produce request (v3; v4–v7 have the same body), encoded into one buffer with the same bytes as
 * kafkajs's encoder, which spreads a copy of every message, sorts the batch's timestamps (as strings, as
 * `Array.prototype.sort` does by default) and copies every batch twice more into growing buffers.
 */
import { prepareRecordBatch, type BatchRecord, type Int64Like, type PreparedBatch } from './record-batch.js';
import { frameOverhead, writeFrameHead, type RequestHeader } from './request-frame.js';

export interface ProduceMessage extends Omit<BatchRecord, 'offsetDelta' | 'timestampDelta'> {
  timestamp?: number | string | null;
}

export interface ProduceRequestFields {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: Int64Like;
  producerEpoch?: number;
  compression?: number;
  topicData: ReadonlyArray<{
    topic: string;
    partitions: ReadonlyArray<{ partition: number; firstSequence?: number; messages: readonly ProduceMessage[] }>;
  }>;
}

/**
 * The request body; with `frame`, the whole request as sent (size and header first), so the batches are written
 * once, straight into the buffer that goes to the socket.
 */
export async function encodeProduceRequest(f: ProduceRequestFields, compress: (records: Buffer) => Promise<Buffer>, frame?: RequestHeader): Promise<Buffer> {
  const transactionalId = f.transactionalId ?? null;
  const parts: PreparedBatch[] = [];
  let size = 2 + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  const topicNames: Buffer[] = [];
  for (const t of f.topicData) {
    const name = Buffer.from(t.topic, 'utf8');
    topicNames.push(name);
    size += 2 + name.length + 4;
    for (const p of t.partitions) {
      const batch = await encodeBatch(f, p.messages, p.firstSequence, !!transactionalId, compress);
      parts.push(batch);
      size += 8 + batch.length;
    }
  }
  const out = Buffer.allocUnsafe((frame ? frameOverhead(frame) : 0) + size);
  let o = frame ? writeFrameHead(out, frame, size) : 0;
  if (transactionalId === null) o = out.writeInt16BE(-1, o);
  else {
    o = out.writeInt16BE(Buffer.byteLength(transactionalId, 'utf8'), o);
    o += out.write(transactionalId, o, 'utf8');
  }
  o = out.writeInt16BE(f.acks, o);
  o = out.writeInt32BE(f.timeout, o);
  o = out.writeInt32BE(f.topicData.length, o);
  let part = 0;
  f.topicData.forEach((t, i) => {
    const name = topicNames[i]!;
    o = out.writeInt16BE(name.length, o);
    o += name.copy(out, o);
    o = out.writeInt32BE(t.partitions.length, o);
    for (const p of t.partitions) {
      const batch = parts[part++]!;
      o = out.writeInt32BE(p.partition, o);
      o = out.writeInt32BE(batch.length, o);
      batch.writeTo(out, o);
      o += batch.length;
    }
  });
  return out;
}

function encodeBatch(f: ProduceRequestFields, messages: readonly ProduceMessage[], firstSequence: number | undefined,
  transactional: boolean, compress: (records: Buffer) => Promise<Buffer>): Promise<PreparedBatch> {
  const now = Date.now();
  const [first, max] = timestampRange(messages, now);
  const records: BatchRecord[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    records[i] = { key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: ((m.timestamp || now) as number) - (first as number) };
  }
  return prepareRecordBatch({
    compression: f.compression, records, firstTimestamp: first, maxTimestamp: max, producerId: f.producerId ?? -1,
    producerEpoch: f.producerEpoch ?? 0, firstSequence, transactional, lastOffsetDelta: messages.length - 1,
  }, compress);
}

/**
 * The first and last of the messages' timestamps in kafkajs's order: `Array.prototype.sort` without a comparator,
 * i.e. by their strings. For millisecond timestamps of 13 digits (2001–2286) that is numeric order.
 */
function timestampRange(messages: readonly ProduceMessage[], now: number): [number | string, number | string] {
  let min: number | undefined;
  let max: number | undefined;
  let numeric = true;
  for (let i = 0; i < messages.length && numeric; i++) {
    const ts = messages[i]!.timestamp;
    if (ts === null || ts === undefined) continue;
    if (typeof ts !== 'number' || !Number.isInteger(ts) || ts < 1e12 || ts >= 1e13) {
      numeric = false;
    } else if (min === undefined) {
      min = max = ts;
    } else {
      if (ts < min) min = ts;
      if (ts > max!) max = ts;
    }
  }
  if (!numeric) {
    // Not all alike: fall back to the exact string order over all of them.
    const sorted = messages.map((m) => m.timestamp).filter((ts): ts is number | string => ts !== null && ts !== undefined).sort();
    return [sorted[0]!, sorted[sorted.length - 1]!];
  }
  return min === undefined ? [now, now] : [min, max!];
}
