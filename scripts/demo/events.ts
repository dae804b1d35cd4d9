/**
 * Showing change events as they arrive: `topic  op  key  → after`, tombstones as `(tombstone)`.
 *
 * The project's Kafka API (src/kafka) can only read a topic from its beginning to its current end
 * (`readToEnd`), so tailing polls the end offsets and re-reads a topic when it grew, skipping what was already
 * shown. That is cheap for the small sample tables; a topic longer than `rereadLimit` is not re-read: its new
 * records are only counted.
 */
import type { KafkaClient } from '../../src/kafka/index.js';

export interface ChangeEvent {
  kind: 'event';
  topic: string;
  /** c, u, d, r (t for truncate); '-' for a tombstone. */
  op: string;
  key: unknown;
  /** The row after the change; null for deletes; undefined for tombstones. */
  after: unknown;
  tombstone: boolean;
}

export interface SkippedRecords {
  kind: 'skipped';
  topic: string;
  count: number;
}

export type TailItem = ChangeEvent | SkippedRecords;

/** JsonConverter writes `{schema, payload}` when schemas are enabled, the payload alone otherwise. */
function payloadOf(buf: Buffer | null): unknown {
  if (buf === null) return null;
  const text = buf.toString('utf8');
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && 'payload' in v && 'schema' in v ? (v as { payload: unknown }).payload : v;
  } catch {
    return text;
  }
}

export function decodeEvent(topic: string, key: Buffer | null, value: Buffer | null): ChangeEvent {
  const k = payloadOf(key);
  if (value === null) return { kind: 'event', topic, op: '-', key: k, after: undefined, tombstone: true };
  const v = payloadOf(value) as { op?: unknown; after?: unknown } | null;
  const op = typeof v?.op === 'string' ? v.op : '?';
  return { kind: 'event', topic, op, key: k, after: v?.after ?? null, tombstone: false };
}

const compact = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function formatEvent(e: ChangeEvent, topicWidth = 0, maxWidth = Infinity): string {
  const line = `${e.topic.padEnd(topicWidth)}  ${e.op}  ${compact(e.key)}  ${e.tombstone ? '(tombstone)' : `→ ${compact(e.after)}`}`;
  return line.length > maxWidth ? `${line.slice(0, Math.max(0, maxWidth - 1))}…` : line;
}

export interface TopicTail {
  /** Reads what arrived since the last call in the wanted topics; items per topic in offset order. */
  poll(): Promise<TailItem[]>;
}

export function createTopicTail(kafka: KafkaClient, wanted: (topic: string) => boolean, rereadLimit = 5000): TopicTail {
  /** Next unseen offset per topic and partition. */
  const seen = new Map<string, Map<number, number>>();

  async function readNew(topic: string, ends: Map<number, number>): Promise<TailItem[]> {
    const from = seen.get(topic) ?? new Map<number, number>();
    let total = 0;
    let fresh = 0;
    for (const [p, end] of ends) {
      total += end;
      fresh += Math.max(0, end - (from.get(p) ?? 0));
    }
    seen.set(topic, new Map(ends));
    if (fresh === 0) return [];
    if (total > rereadLimit) return [{ kind: 'skipped', topic, count: fresh }];
    const records: Array<{ partition: number; offset: number; event: ChangeEvent }> = [];
    await kafka.readToEnd(topic, (key, value, partition, offset) => {
      if (offset >= (from.get(partition) ?? 0) && offset < (ends.get(partition) ?? 0)) records.push({ partition, offset, event: decodeEvent(topic, key, value) });
    });
    records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    return records.map((r) => r.event);
  }

  return {
    async poll() {
      const topics = (await kafka.listTopics()).filter(wanted).sort();
      const ends = await Promise.all(topics.map((t) => kafka.highWatermarks(t)));
      const changed = topics.flatMap((t, i) => {
        const before = seen.get(t);
        return [...ends[i]!].some(([p, end]) => end !== (before?.get(p) ?? 0)) ? [[t, ends[i]!] as const] : [];
      });
      const items = await Promise.all(changed.map(([t, e]) => readNew(t, e)));
      return items.flat();
    },
  };
}

/** Records currently in the topics (sum of end offsets), e.g. snapshot rows delivered so far; missing topics count 0. */
export async function recordCount(kafka: KafkaClient, topics: readonly string[]): Promise<number> {
  const existing = new Set(await kafka.listTopics());
  let sum = 0;
  for (const t of topics) {
    if (!existing.has(t)) continue;
    for (const end of (await kafka.highWatermarks(t)).values()) sum += end;
  }
  return sum;
}
