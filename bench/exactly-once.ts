/**
 * The cost of exactly-once delivery: the MySQL/MariaDB connector end to end (real worker process, MariaDB,
 * Kafka), the same table snapshotted and then streamed, once per delivery mode, side by side:
 *  - at-least-once (exactly.once.source.support=disabled, the default);
 *  - exactly-once, transaction.boundary=poll (a transaction per batch the task hands over);
 *  - exactly-once, transaction.boundary=interval with transaction.boundary.interval.ms=1000.
 *
 *   npx tsc -p . && node dist/bench/exactly-once.js [rows=200000]
 *
 * Each mode: a fresh worker and connector; snapshot rows/s into Kafka; then the connector is stopped, every
 * row updated once, and the catch-up of those events timed. Topic end offsets count transaction markers too
 * (one per transaction and partition, about 0.1 % of the records here), so exactly-once figures read a little
 * high. Numbers depend on the machine and on whatever else it is running.
 */
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { line, now, recordsIn, stopOnceStreaming, timeSnapshot } from './common.js';
import { benchWorkerEnv } from './worker-env.js';
import { testServices } from '../scripts/testbed/providers.js';
import { uniqueName, waitFor } from '../scripts/testbed/util.js';
import { api, cleanupWorkerTopics, closeTestKafka, newWorkerSettings, spawnWorker } from '../scripts/testbed/worker.js';

const ROWS = Number(process.argv[2] ?? 200_000);

const MODES: Array<{ name: string; worker: Record<string, string>; connector: Record<string, string> }> = [
  { name: 'at-least-once', worker: {}, connector: {} },
  { name: 'exactly-once, boundary poll', worker: { 'exactly.once.source.support': 'enabled' }, connector: {} },
  {
    name: 'exactly-once, boundary interval 1 s', worker: { 'exactly.once.source.support': 'enabled' },
    connector: { 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '1000' },
  },
];

async function main(): Promise<void> {
  const s = await testServices();
  const conn = await mysql.createConnection({ ...s.mysql });
  const db = uniqueName('bench_eos');
  await conn.query(`CREATE DATABASE \`${db}\``);
  await conn.query(`CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(20),
    note VARCHAR(100), price DECIMAL(10,2), created DATETIME(6), paid TINYINT(1) NOT NULL)`);
  const results: Array<{ mode: string; snapshot: number; streaming: number }> = [];
  try {
    for (let from = 0; from < ROWS; from += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, ROWS - from) }, (_, i) => {
        const id = from + i + 1;
        return [id, 1000 + (id % 997), 'shipped', `order note number ${id}`, `${id % 10000}.99`, '2025-02-12 10:10:04.123456', id & 1];
      });
      await conn.query(`INSERT INTO \`${db}\`.orders VALUES ?`, [rows]);
    }
    for (const mode of MODES) {
      console.log(`\n— ${mode.name} —`);
      const prefix = uniqueName('bench_eos');
      const topic = `${prefix}.${db}.orders`;
      const settings = newWorkerSettings('bencheos', { 'log.level': 'info', ...mode.worker });
      const worker = await spawnWorker(settings, benchWorkerEnv());
      const name = uniqueName('bench');
      try {
        const snapStart = now();
        const res = await api(worker.url).post('/connectors', {
          name,
          config: {
            'connector.class': 'mysql', 'database.hostname': s.mysql.host, 'database.port': String(s.mysql.port),
            'database.user': s.mysql.user, ...(s.mysql.password ? { 'database.password': s.mysql.password } : {}),
            'topic.prefix': prefix, 'database.include.list': db, 'snapshot.fetch.size': '10000', ...mode.connector,
          },
        });
        if (res.status !== 201) throw new Error(res.text);
        const snapshot = await timeSnapshot(topic, ROWS, snapStart);
        await stopOnceStreaming(worker.url, name);
        const before = await recordsIn(topic);
        for (let from = 0; from < ROWS; from += 50_000) {
          await conn.query(`UPDATE \`${db}\`.orders SET paid = 1 - paid WHERE id > ? AND id <= ?`, [from, from + 50_000]);
        }
        const streamStart = now();
        await api(worker.url).put(`/connectors/${name}/resume`);
        await waitFor(async () => (await recordsIn(topic)) >= before + ROWS, { timeoutMs: 3_600_000, intervalMs: 200, message: 'updates in Kafka' });
        line('streaming → Kafka (connector)', ROWS, now() - streamStart, 'events');
        results.push({ mode: mode.name, snapshot, streaming: (ROWS / (now() - streamStart)) * 1000 });
        await api(worker.url).delete(`/connectors/${name}`);
      } finally {
        await worker.stop();
        await cleanupWorkerTopics(settings, [topic, prefix]);
      }
    }
    const base = results[0]!;
    console.log(`\nsummary (${ROWS} rows; share of at-least-once in the same run)`);
    console.log('| mode | snapshot rows/s | streaming events/s |');
    console.log('|---|---|---|');
    for (const r of results) {
      const pct = (v: number, b: number) => `${Math.round((v / b) * 100)} %`;
      console.log(`| ${r.mode} | ${Math.round(r.snapshot)} (${pct(r.snapshot, base.snapshot)}) | ${Math.round(r.streaming)} (${pct(r.streaming, base.streaming)}) |`);
    }
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await conn.end();
    await closeTestKafka();
  }
}

main().catch((err) => {
  pino().error({ err }, 'bench failed');
  process.exit(1);
});
