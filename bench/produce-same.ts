/**
 * The raw produce ceiling for a connector's own records: the same keys and values (sampled from a topic the
 * connector wrote), produced with our Kafka adapter (kafkajs underneath) the way the dispatcher sends them:
 * batches of at most 1000 records / 1 MB, one batch in flight, idempotent, acks=all, to a 1-partition topic.
 * Nothing is converted or queued: the rate a connector could reach if everything before Kafka were free.
 */
import type { KafkaClient, OutgoingMessage } from '../src/kafka/index.js';
import { uniqueName } from '../test/harness/services.js';

export interface SampledRecord {
  key: Buffer | null;
  value: Buffer | null;
}

/** Up to `max` records of `topic` (read from its beginning) for which `keep` is true. */
export async function sampleTopic(kafka: KafkaClient, topic: string, max: number, keep: (value: Buffer | null) => boolean): Promise<SampledRecord[]> {
  const out: SampledRecord[] = [];
  await kafka.readToEnd(topic, (key, value) => {
    if (out.length < max && keep(value)) out.push({ key, value });
  });
  if (out.length === 0) throw new Error(`no sample records in ${topic}`);
  return out;
}

/** Produces `n` records cycling through `samples`; returns records/s. */
export async function rawProduceRate(kafka: KafkaClient, samples: readonly SampledRecord[], n: number): Promise<{ rate: number; avgBytes: number }> {
  const topic = uniqueName('bench_produce');
  await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: -1 });
  const producer = kafka.createProducer();
  try {
    const messages: OutgoingMessage[] = samples.map((s) => ({ topic, key: s.key, value: s.value }));
    const avgBytes = messages.reduce((a, m) => a + (m.key?.length ?? 0) + (m.value?.length ?? 0), 0) / messages.length;
    await producer.send(messages.slice(0, 1)); // connect and fetch metadata outside the timing
    const start = performance.now();
    let sent = 0;
    let i = 0;
    while (sent < n) {
      const batch: OutgoingMessage[] = [];
      let bytes = 0;
      while (batch.length < 1000 && sent + batch.length < n && bytes < 1_000_000) {
        const m = messages[i++ % messages.length]!;
        batch.push(m);
        bytes += 64 + topic.length + avgBytes;
      }
      await producer.send(batch);
      sent += batch.length;
    }
    return { rate: (n / (performance.now() - start)) * 1000, avgBytes };
  } finally {
    await producer.disconnect();
    await kafka.deleteTopics([topic]).catch(() => undefined);
  }
}
