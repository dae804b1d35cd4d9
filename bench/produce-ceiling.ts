/**
 * How close the source task runner gets to the raw produce rate of our Kafka adapter (@platformatic/kafka underneath).
 *
 *   npx tsc -p . && node dist/bench/produce-ceiling.js [records=200000] [valueBytes=200]
 *
 *  - raw: pre-built messages (~valueBytes values, 1-partition topic) sent with `RecordProducer.send` in
 *    batches of 250 / 1000 / 4000, one batch in flight (idempotent, acks=all), as the runner sends;
 *  - runner: `startSourceTask` with a task that emits ChangeRecords carrying offsets, converted by the JSON
 *    converter (schemas disabled), queued, batched, produced and offsets committed; timed until `flush()`.
 * Creates its topics and deletes them afterwards. Numbers depend on the machine and whatever else runs on it.
 */
import { pino } from 'pino';
import { createJsonConverter } from '../schemas/json-converter.js';
import type { ChangeRecord, SourceTask } from '../src/connect-api/index.js';
import { createKafkaClient, plaintextConnection, type OutgoingMessage } from '../src/kafka/index.js';
import { startSourceTask } from '../src/runtime/index.js';
import { createKafkaOffsetStore } from '../src/storage/index.js';
import { testServices } from '../scripts/testbed/providers.js';
import { uniqueName } from '../scripts/testbed/util.js';

const N = Number(process.argv[2] ?? 200_000);
const VALUE_BYTES = Number(process.argv[3] ?? 200);
const logger = pino({ level: 'warn' });

function report(name: string, records: number, ms: number): void {
  console.log(`${name.padEnd(40)} ${String(records).padStart(8)} records ${String(Math.round(ms)).padStart(7)} ms ${String(Math.round((records / ms) * 1000)).padStart(8)} records/s`);
}

async function main(): Promise<void> {
  const services = await testServices();
  const kafka = createKafkaClient({ connection: plaintextConnection(services.kafkaBrokers), clientId: 'bench', logger });
  const topics: string[] = [];
  const newTopic = async (prefix: string) => {
    const t = uniqueName(prefix);
    topics.push(t);
    await kafka.ensureTopic(t, { partitions: 1, replicationFactor: -1 });
    return t;
  };
  const filler = 'x'.repeat(Math.max(0, VALUE_BYTES - 40));
  try {
    for (const batchSize of [250, 1000, 4000]) {
      const topic = await newTopic('bench_raw');
      const messages: OutgoingMessage[] = [];
      for (let i = 0; i < N; i++) {
        messages.push({ topic, key: Buffer.from(`{"id":${i % 1000}}`), value: Buffer.from(`{"n":${i},"payload":"${filler}"}`) });
      }
      const producer = kafka.createProducer();
      await producer.send(messages.slice(0, 1)); // connect and fetch metadata outside the timing
      const start = performance.now();
      for (let i = 1; i < N; i += batchSize) await producer.send(messages.slice(i, i + batchSize));
      report(`raw send, batches of ${batchSize}`, N - 1, performance.now() - start);
      await producer.disconnect();
    }

    for (const maxBatchRecords of [500, 1000, 2000]) {
      const topic = await newTopic('bench_runner');
      const offsetsTopic = uniqueName('bench_offsets');
      topics.push(offsetsTopic);
      const offsetStore = createKafkaOffsetStore(kafka, { topic: offsetsTopic, partitions: 1, replicationFactor: -1 });
      await offsetStore.start();
      const partition = { server: 'bench' };
      let elapsed = 0;
      const task: SourceTask = {
        async run(ctx) {
          const start = performance.now();
          for (let i = 0; i < N; i += 500) {
            const batch: ChangeRecord[] = [];
            for (let j = i; j < Math.min(N, i + 500); j++) {
              batch.push({ topic, keySchema: null, key: { id: j % 1000 }, valueSchema: null, value: { n: j, payload: filler }, partition, offset: { pos: j } });
            }
            await ctx.sink.send(batch);
          }
          await ctx.sink.flush();
          elapsed = performance.now() - start;
        },
      };
      const producer = kafka.createProducer();
      const running = startSourceTask({
        connectorName: 'bench', taskId: 0, task, config: {}, settings: {}, producer, offsetStore, statusStore: null,
        keyConverter: createJsonConverter({ schemasEnable: false, isKey: true }),
        valueConverter: createJsonConverter({ schemasEnable: false, isKey: false }),
        topicCreation: null, logger, maxBatchRecords, offsetFlushIntervalMs: 1000,
      });
      const outcome = await running.done;
      if (outcome.outcome !== 'finished') throw outcome.error;
      report(`runner, maxBatchRecords ${maxBatchRecords}`, N, elapsed);
      await producer.disconnect();
      await offsetStore.stop();
    }
  } finally {
    const existing = new Set(await kafka.listTopics());
    await kafka.deleteTopics(topics.filter((t) => existing.has(t)));
    await kafka.close();
  }
}

await main();
