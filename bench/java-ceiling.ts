/**
 * The produce path alone: Kafka's own Java producer (ProducerPerformance) next to our Kafka adapter, same
 * synthetic records, compression none and lz4, runs interleaved, medians printed at the end.
 *
 *   npx tsc -p . && node dist/bench/java-ceiling.js [records=200000] [rounds=3]
 *
 * Records: 2000 distinct Debezium-style change events with schemas (JSON, ≈ 3.5 KB, the shape a connector
 * writes with the default JSON converter), null keys for both producers (ProducerPerformance has no keys).
 * Our adapter sends them the way the delivery loop does: ≤ 1000 records / ≤ 1 MB (uncompressed) per produce call,
 * one in flight, idempotent, acks=all. The Java producer: acks=all, enable.idempotence=true,
 * max.in.flight.requests.per.connection=1, batch.size=1 MiB, max.request.size=1 MiB, linger.ms 0 and 5 (the
 * same thing as our delivery loop is linger 0: it sends what is queued as soon as the previous request is
 * acknowledged). With lz4, batch.size bounds a batch's *estimated compressed* size; the estimate starts at the
 * uncompressed size and moves towards the real ratio by 0.005 per batch, so a run starts with batches of ~1 MB
 * uncompressed (as our delivery loop's) and ends with far fuller ones: records/request shows where it got to.
 * Creates a topic per run and deletes it. Numbers depend on the machine and whatever else it is running.
 */
import { pino } from 'pino';
import { createKafkaClient, plaintextConnection, type CompressionType } from '../src/kafka/index.js';
import { testServices } from '../scripts/testbed/providers.js';
import { jvmOpts, type JavaProducerSettings } from './java-producer.js';
import { javaProduceRate, rawProduceRate, type SampledRecord } from './produce-same.js';

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const MiB = 1_048_576;

/** A change event as the JSON converter writes it with schemas: the schema block, then varying payload. */
function syntheticValue(i: number): Buffer {
  const col = (field: string, type: string, optional = true, extra = {}) => ({ type, optional, field, ...extra });
  const row = (name: string) => ({
    type: 'struct', optional: true, name: `bench.db.orders.Value`, field: name, fields: [
      col('id', 'int32', false), col('customer_id', 'int64', false), col('status', 'string'), col('note', 'string'),
      col('price', 'bytes', true, { name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } }),
      col('created', 'int64', true, { name: 'io.debezium.time.MicroTimestamp', version: 1 }), col('paid', 'int16', false),
    ],
  });
  const source = {
    type: 'struct', optional: false, name: 'io.debezium.connector.mysql.Source', field: 'source', fields: [
      col('version', 'string', false), col('connector', 'string', false), col('name', 'string', false), col('ts_ms', 'int64', false),
      col('snapshot', 'string', true, { name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,last,false,incremental' }, default: 'false' }),
      col('db', 'string', false), col('sequence', 'string'), col('table', 'string'), col('server_id', 'int64', false), col('gtid', 'string'),
      col('file', 'string', false), col('pos', 'int64', false), col('row', 'int32', false), col('thread', 'int64'), col('query', 'string'),
    ],
  };
  const schema = {
    type: 'struct', optional: false, name: 'bench.db.orders.Envelope', version: 1, fields: [row('before'), row('after'), source,
      col('op', 'string', false), col('ts_ms', 'int64'),
      { type: 'struct', optional: true, name: 'event.block', version: 1, field: 'transaction', fields: [col('id', 'string', false), col('total_order', 'int64', false), col('data_collection_order', 'int64', false)] }],
  };
  const after = { id: i, customer_id: 1000 + (i % 997), status: 'shipped', note: `order note number ${i}`, price: 'AfE=', created: 1739355004123456 + i, paid: i & 1 };
  const payload = {
    before: { ...after, paid: 1 - (i & 1) }, after,
    source: { version: '2.7.0.Final', connector: 'mysql', name: 'bench', ts_ms: 1739355004000 + i, snapshot: 'false', db: 'bench', sequence: null, table: 'orders', server_id: 1, gtid: null, file: 'mysql-bin.000003', pos: 4096 + i * 312, row: 0, thread: 42, query: null },
    op: 'u', ts_ms: 1739355004100 + i, transaction: null,
  };
  return Buffer.from(JSON.stringify({ schema, payload }));
}

interface Run {
  name: string;
  rate: number;
  line: string;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '?');

async function main(): Promise<void> {
  const services = await testServices();
  const brokers = services.kafkaBrokers;
  const kafka = createKafkaClient({ connection: plaintextConnection(brokers), clientId: 'bench', logger: pino({ level: 'warn' }) });
  const samples: SampledRecord[] = Array.from({ length: 2000 }, (_, i) => ({ key: null, value: syntheticValue(i + 1) }));
  const avg = samples.reduce((a, s) => a + s.value!.length, 0) / samples.length;
  console.log(`${samples.length} distinct synthetic values of ${Math.round(avg)} B on average, ${N} records a run, ${ROUNDS} rounds; JVM: ${jvmOpts().join(' ')}`);
  console.log(`our delivery loop: ${Math.min(1000, Math.floor(1_000_000 / (64 + 20 + avg)))} of these records (≤ 1 MB uncompressed) per produce request, one in flight\n`);
  const runs: Run[] = [];
  const adapter = async (compression: CompressionType) => {
    const name = `adapter, ${compression}`;
    try {
      const r = await rawProduceRate(kafka, samples, N, compression, brokers);
      runs.push({ name, rate: r.rate, line: `${fmt(r.rate).padStart(7)} records/s ${fmt((r.rate * avg) / 1e6, 1).padStart(6)} MB/s  ${r.perRequest} records/request` +
        `  CPU ${fmt((r.cpuSeconds / N) * 100_000, 2)} s/100k (this process)${r.stored ? `  ${r.stored}` : ''}` });
    } catch (err) {
      runs.push({ name, rate: NaN, line: `failed: ${(err as Error).message.split('\n')[0]}` });
    }
  };
  const java = async (name: string, settings: JavaProducerSettings) => {
    const r = await javaProduceRate(kafka, brokers, samples, N, settings);
    runs.push({
      name, rate: r.rate,
      line: `${fmt(r.rate).padStart(7)} records/s ${fmt(r.mbPerSec, 1).padStart(6)} MB/s  ${fmt(r.metrics['records-per-request-avg'] ?? NaN)} records/request` +
        `  request ${fmt(r.metrics['request-latency-avg'] ?? NaN, 1)} ms  compressed to ${fmt((r.metrics['compression-rate-avg'] ?? NaN) * 100)} %` +
        `  batch ${fmt((r.metrics['batch-size-avg'] ?? NaN) / 1024)} KiB  CPU ${fmt((r.netCpuSeconds / r.records) * 100_000, 2)} s/100k (JVM start-up ${fmt(r.cpuSeconds - r.netCpuSeconds, 1)} s)` +
        `  peak RSS ${fmt(r.peakRssBytes / MiB)} MiB${r.stored ? `  ${r.stored}` : ''}`,
    });
    return r;
  };
  try {
    const steps = [
      () => adapter('none'),
      () => java('Java, none, linger.ms=0', { compression: 'none', lingerMs: 0 }),
      () => java('Java, none, linger.ms=5', { compression: 'none', lingerMs: 5 }),
      () => adapter('lz4'),
      () => java('Java, lz4, linger.ms=0', { compression: 'lz4', lingerMs: 0 }),
      () => java('Java, lz4, linger.ms=5', { compression: 'lz4', lingerMs: 5 }),
    ];
    for (let round = 1; round <= ROUNDS; round++) {
      const from = runs.length;
      // Every other round in reverse order: a run's Kafka log write-back and deletion weigh on the run after it.
      for (const step of round % 2 === 1 ? steps : [...steps].reverse()) await step();
      console.log(`round ${round}${round % 2 === 1 ? '' : ' (reverse order)'}:`);
      for (const r of runs.slice(from)) console.log(`  ${r.name.padEnd(38)} ${r.line}`);
    }
  } finally {
    await kafka.close();
  }
  console.log('\nmedians:');
  for (const name of [...new Set(runs.map((r) => r.name))]) {
    const rates = runs.filter((r) => r.name === name && Number.isFinite(r.rate)).map((r) => r.rate).sort((a, b) => a - b);
    console.log(`  ${name.padEnd(38)} ${rates.length ? fmt(rates[Math.floor(rates.length / 2)]!).padStart(7) : '      ?'} records/s`);
  }
}

await main();
