/**
 * What transforms and the Avro converter cost: the MySQL/MariaDB connector end to end (real worker process,
 * MariaDB, Kafka, the test bed's schema registry) with several record formats, each against Kafka's Java producer
 * sending that format's own records (same settings: acks=all, idempotent, one request in flight, no compression).
 *
 *   npx tsc -p . && node dist/bench/converters.js [rows=200000]
 *   BENCH_VARIANTS=json,avro-unwrap ...   the variants to run (default: json, json-unwrap, avro, avro-unwrap,
 *     string, jsonschema, protobuf; any of json/string/avro/jsonschema/protobuf with or without -unwrap)
 *
 * Variants: `json` (the envelope, JSON with schemas: Connect's default), `json-unwrap` (ExtractNewRecordState,
 * JSON with schemas), `avro` (the envelope, Confluent's AvroConverter), `avro-unwrap` (Debezium's tutorial
 * pipeline: unwrap + Avro), `string` (Connect's StringConverter: Struct.toString() text), `jsonschema` and
 * `protobuf` (Confluent's JsonSchemaConverter and ProtobufConverter; Protobuf with decimal.handling.mode=string). Per variant (a fresh worker and connector each): snapshot rows/s and streaming
 * catch-up events/s (one update per row after a stop), the worker's CPU seconds per 100k records and peak RSS,
 * the average record size, and the Java producer's rate for 200k of the variant's records (sampled from its topic;
 * for the registry formats, text values of the same lengths, as ProducerPerformance reads text lines).
 * Drops what it created, including the registry subjects.
 */
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { line, measurePhase, now, recordsIn, stopOnceStreaming, timeSnapshot, type Phase } from './common.js';
import { javaProduceRate, sampleTopic, type JavaProduceResult } from './produce-same.js';
import { benchWorkerEnv } from './worker-env.js';
import { testServices } from '../scripts/testbed/providers.js';
import { uniqueName, waitFor } from '../scripts/testbed/util.js';
import { api, cleanupWorkerTopics, closeTestKafka, newWorkerSettings, spawnWorker, testKafka } from '../scripts/testbed/worker.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const AVRO = 'io.confluent.connect.avro.AvroConverter';

/** Converter classes of the registry variants (they need SCHEMA_REGISTRY_URL). */
const REGISTRY_CONVERTERS: Record<string, string> = {
  avro: AVRO,
  jsonschema: 'io.confluent.connect.json.JsonSchemaConverter',
  protobuf: 'io.confluent.connect.protobuf.ProtobufConverter',
};

function variantConfig(variant: string, registryUrl: string | undefined): Record<string, string> {
  const [format = '', unwrapped] = variant.split('-');
  const unwrap: Record<string, string> = unwrapped === 'unwrap'
    ? { transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState' }
    : {};
  if (format === 'json') return unwrap;
  // Connect's StringConverter: the value as Struct.toString() text, the key too.
  if (format === 'string') {
    const cls = 'org.apache.kafka.connect.storage.StringConverter';
    return { ...unwrap, 'key.converter': cls, 'value.converter': cls };
  }
  const cls = REGISTRY_CONVERTERS[format];
  if (!cls) throw new Error(`unknown variant ${variant}: use json, string, avro, jsonschema or protobuf, each optionally with -unwrap`);
  if (!registryUrl) throw new Error('the registry variants need SCHEMA_REGISTRY_URL (npm run services:up starts a registry)');
  return {
    ...unwrap,
    // The Protobuf converter has no mapping for Connect's Decimal yet (README): the price column goes as text.
    ...(format === 'protobuf' ? { 'decimal.handling.mode': 'string' } : {}),
    'key.converter': cls, 'key.converter.schema.registry.url': registryUrl,
    'value.converter': cls, 'value.converter.schema.registry.url': registryUrl,
  };
}

interface Result {
  variant: string;
  snapshot: Phase;
  streaming: Phase;
  avgBytes: number;
  java: JavaProduceResult;
}

async function main(): Promise<void> {
  const s = await testServices();
  const variants = (process.env.BENCH_VARIANTS ?? 'json,json-unwrap,avro,avro-unwrap,string,jsonschema,protobuf').split(',').map((v) => v.trim()).filter(Boolean);
  const conn = await mysql.createConnection({ ...s.mysql, multipleStatements: true });
  const db = uniqueName('benchconv');
  const subjects: string[] = [];
  const results: Result[] = [];
  await conn.query(`CREATE DATABASE \`${db}\``);
  await conn.query(`CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(20),
    note VARCHAR(100), price DECIMAL(10,2), created DATETIME(6), paid TINYINT(1) NOT NULL)`);
  try {
    for (let from = 0; from < ROWS; from += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, ROWS - from) }, (_, i) => {
        const id = from + i + 1;
        return [id, 1000 + (id % 997), 'shipped', `order note number ${id}`, `${id % 10000}.99`, '2025-02-12 10:10:04.123456', id & 1];
      });
      await conn.query(`INSERT INTO \`${db}\`.orders VALUES ?`, [rows]);
    }
    for (const variant of variants) {
      console.log(`\n— ${variant} —`);
      const prefix = uniqueName('benchconv');
      const topic = `${prefix}.${db}.orders`;
      subjects.push(`${topic}-key`, `${topic}-value`);
      const settings = newWorkerSettings('benchconv', { 'log.level': 'info', 'offset.flush.interval.ms': '1000' });
      const worker = await spawnWorker(settings, benchWorkerEnv());
      const name = uniqueName('benchconv');
      try {
        const snapshot = await measurePhase(worker.pid, ROWS, async () => {
          const start = now();
          const res = await api(worker.url).post('/connectors', {
            name,
            config: {
              'connector.class': 'mysql', 'database.hostname': s.mysql.host, 'database.port': String(s.mysql.port),
              'database.user': s.mysql.user, ...(s.mysql.password ? { 'database.password': s.mysql.password } : {}),
              'topic.prefix': prefix, 'database.include.list': db, 'snapshot.fetch.size': '10000',
              ...variantConfig(variant, s.schemaRegistryUrl),
            },
          });
          if (res.status !== 201) throw new Error(res.text);
          return timeSnapshot(topic, ROWS, start);
        });
        await stopOnceStreaming(worker.url, name);
        for (let from = 0; from < ROWS; from += 50_000) {
          await conn.query(`UPDATE \`${db}\`.orders SET paid = 1 - paid WHERE id > ? AND id <= ?`, [from, from + 50_000]);
        }
        const streaming = await measurePhase(worker.pid, ROWS, async () => {
          const start = now();
          await api(worker.url).put(`/connectors/${name}/resume`);
          await waitFor(async () => (await recordsIn(topic)) >= 2 * ROWS, { timeoutMs: 3_600_000, intervalMs: 200, message: 'updates in Kafka' });
          line('streaming → Kafka (connector)', ROWS, now() - start, 'events');
          return (ROWS / (now() - start)) * 1000;
        });
        const samples = await sampleTopic(await testKafka(), topic, 2000, (v) => v !== null);
        const avgBytes = samples.reduce((a, r) => a + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0) / samples.length;
        // ProducerPerformance reads its payloads as lines of text: wire-format values (binary id, Avro, Protobuf) go in as text of the same
        // lengths, which without compression puts the same bytes on the wire.
        const payloads = variant in REGISTRY_CONVERTERS || variant.split('-')[0]! in REGISTRY_CONVERTERS ? samples.map((r) => ({ ...r, value: r.value && Buffer.alloc(r.value.length, 0x61) })) : samples;
        const java = await javaProduceRate(await testKafka(), s.kafkaBrokers, payloads, Math.min(ROWS, 200_000), { compression: 'none' });
        console.log(`${'Java producer: the same records'.padEnd(46)} ${String(Math.round(java.rate)).padStart(34)} records/s ${Math.round(avgBytes)} B key+value`);
        results.push({ variant, snapshot, streaming, avgBytes, java });
        await api(worker.url).delete(`/connectors/${name}`);
      } finally {
        await worker.stop();
        await cleanupWorkerTopics(settings, [topic, prefix]);
      }
    }
    const k = (rate: number) => `${(rate / 1000).toFixed(1)}k/s`;
    const pct = (a: number, b: number) => `${Math.round((a / b) * 100)} %`;
    const cpu = (p: Phase) => ((p.cpuSeconds / p.records) * 100_000).toFixed(2);
    console.log(`\n${ROWS} rows, compression none`);
    console.log('| variant | record B | snapshot | streaming | Java producer (same records) | snapshot share | streaming share | worker CPU s/100k (snapshot / streaming) | worker peak RSS |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.variant} | ${Math.round(r.avgBytes)} | ${k(r.snapshot.rate)} | ${k(r.streaming.rate)} | ${k(r.java.rate)} | ` +
        `${pct(r.snapshot.rate, r.java.rate)} | ${pct(r.streaming.rate, r.java.rate)} | ${cpu(r.snapshot)} / ${cpu(r.streaming)} | ` +
        `${Math.round(Math.max(r.snapshot.peakRss, r.streaming.peakRss) / 1024 / 1024)} MiB |`);
    }
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await conn.end();
    if (s.schemaRegistryUrl) {
      for (const subject of subjects) await fetch(`${s.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' }).catch(() => undefined);
    }
    await closeTestKafka();
  }
}

main().catch((err) => {
  pino().error({ err }, 'bench failed');
  process.exit(1);
});
