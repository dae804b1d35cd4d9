/**
 * The raw produce ceilings for a connector's own records: the same keys and values (sampled from a topic the
 * connector wrote), produced to a fresh 1-partition topic
 *  - with our Kafka adapter (@platformatic/kafka underneath) the way the delivery loop sends them: batches of at most 1000
 *    records / 1 MB, one batch in flight, idempotent, acks=all;
 *  - with Kafka's own Java producer (ProducerPerformance, see java-producer.ts) set up the same way; it sends the
 *    values only (its keys are null).
 * Nothing is converted or queued: the rate a connector could reach if everything before Kafka were free.
 */
import type { CompressionType, KafkaClient, OutgoingMessage } from '../src/kafka/index.js';
import { uniqueName } from '../scripts/testbed/util.js';
import { describeStored, runJavaProducer, storedBytes, writePayloadFile, type JavaProducerResult, type JavaProducerSettings } from './java-producer.js';

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

export interface AdapterProduceResult {
  rate: number;
  avgBytes: number;
  /** Records per produce call (the last one aside). */
  perRequest: number;
  /** CPU seconds of this process while producing (the adapter runs in it). */
  cpuSeconds: number;
  /** For a compression other than none: what the broker stored, e.g. "stored 97 % of the raw bytes (NOT compressed)". */
  stored?: string;
}

/**
 * Produces `n` records cycling through `samples` with `compression`; returns records/s. Rejects if the adapter
 * rejects the compression; `stored` tells whether it actually compressed.
 */
export async function rawProduceRate(kafka: KafkaClient, samples: readonly SampledRecord[], n: number, compression: CompressionType = 'none', brokers: readonly string[] = []): Promise<AdapterProduceResult> {
  const topic = uniqueName('bench_produce');
  await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: -1 });
  const producer = kafka.createProducer({ compression });
  try {
    const messages: OutgoingMessage[] = samples.map((s) => ({ topic, key: s.key, value: s.value }));
    const avgBytes = messages.reduce((a, m) => a + (m.key?.length ?? 0) + (m.value?.length ?? 0), 0) / messages.length;
    await producer.send(messages.slice(0, 1)); // connect and fetch metadata outside the timing
    // As the record queue's take(1000, 1_000_000): sizes counted as recordSize() does (64 B overhead + topic).
    const perRequest = Math.max(1, Math.min(1000, Math.floor(1_000_000 / (64 + topic.length + avgBytes))));
    const cpu = process.cpuUsage();
    const start = performance.now();
    let i = 0;
    for (let sent = 0; sent < n; sent += perRequest) {
      const batch: OutgoingMessage[] = [];
      for (let j = 0; j < perRequest && sent + j < n; j++) batch.push(messages[i++ % messages.length]!);
      await producer.send(batch);
    }
    const rate = (n / (performance.now() - start)) * 1000;
    const used = process.cpuUsage(cpu);
    const stored = compression === 'none' || brokers.length === 0 ? undefined : describeStored(await storedBytes(brokers, topic), n * avgBytes);
    return { rate, avgBytes, perRequest, cpuSeconds: (used.user + used.system) / 1e6, stored };
  } finally {
    await producer.disconnect();
    await kafka.deleteTopics([topic]).catch(() => undefined);
  }
}

export interface JavaProduceResult extends JavaProducerResult {
  avgValueBytes: number;
  stored?: string;
}

/** The same values through Kafka's Java producer (`n` records, values picked at random from `samples`). */
export async function javaProduceRate(kafka: KafkaClient, brokers: readonly string[], samples: readonly SampledRecord[], n: number, settings: JavaProducerSettings): Promise<JavaProduceResult> {
  const values = samples.flatMap((s) => (s.value === null ? [] : [s.value]));
  const avgValueBytes = values.reduce((a, v) => a + v.length, 0) / values.length;
  const payload = writePayloadFile(values);
  const topic = uniqueName('bench_java');
  await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: -1 });
  try {
    const r = await runJavaProducer(brokers, topic, payload.path, n, settings);
    const stored = settings.compression === 'none' ? undefined : describeStored(await storedBytes(brokers, topic), r.records * avgValueBytes);
    return { ...r, avgValueBytes, stored };
  } finally {
    payload.remove();
    await kafka.deleteTopics([topic]).catch(() => undefined);
  }
}
