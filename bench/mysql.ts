/**
 * The MySQL/MariaDB connector end to end (real worker process, MariaDB, Kafka) against its ceilings.
 *
 *   npx tsc -p . && node dist/bench/mysql.js [rows=1000000]
 *   BENCH_COMPRESSION=none,lz4 ...   the compressions to run the connector phases with (the default: both)
 *   BENCH_SCHEMAS=false ...   the same with JSON without schemas (smaller records)
 *   BENCH_CONFIG='{"max.queue.size.in.bytes":"8388608"}' ...   extra connector config
 *   BENCH_WORKER_NODE_OPTIONS='--max-semi-space-size=4' ...   Node options of the worker process
 *   KAFKA_LIBS, KAFKA_TOOLS_LIBS, BENCH_JAVA_OPTS ...   Kafka's Java producer (see java-producer.ts)
 *
 * Prints:
 *  - the raw keyset SELECT rate of mysql2 (rowsAsArray, 10 000 rows a query) and the raw binlog decode rate of
 *    zongji over the first round's update events: the database side's ceilings;
 *  - per compression (a fresh worker and connector each, `producer.override.compression.type`): snapshot rows/s
 *    into Kafka and streaming events/s (catching up 1 row event per row after a stop), with the worker's CPU
 *    seconds and peak RSS (VmHWM) per phase;
 *  - the Kafka side's ceilings for the connector's own records (sampled from a 2000-row table of the same shape,
 *    snapshotted and updated alongside), same compression, one partition: Kafka's Java producer
 *    (ProducerPerformance, acks=all, idempotent, one request in flight, 1 MiB batches, linger.ms=0) and our
 *    adapter sending as the delivery loop does;
 *  - commit → Kafka latency p50/p99 of single-row transactions (first round).
 * Drops what it created. Numbers depend on the machine and on whatever else it is running.
 */
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { startWireStream } from '../binlog/mysql/zongji-adapter.js';
import {
  benchCompressions, connectorOverrides, kafkaCeilings, line, measurePhase, now, printConnectorStored, printLatency, printSummary, recordsIn,
  stopOnceStreaming, timeSnapshot, type Round,
} from './common.js';
import { benchWorkerEnv } from './worker-env.js';
import { testServices } from '../scripts/testbed/providers.js';
import { uniqueName, waitFor } from '../scripts/testbed/util.js';
import { api, cleanupWorkerTopics, closeTestKafka, newWorkerSettings, spawnWorker } from '../scripts/testbed/worker.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);

async function main(): Promise<void> {
  const s = await testServices();
  const conn = await mysql.createConnection({ ...s.mysql, multipleStatements: true });
  const db = uniqueName('bench');
  const ceilings: Record<string, number> = {};
  const rounds: Round[] = [];
  await conn.query(`CREATE DATABASE \`${db}\``);
  await conn.query(`CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(20),
    note VARCHAR(100), price DECIMAL(10,2), created DATETIME(6), paid TINYINT(1) NOT NULL)`);
  await conn.query(`CREATE TABLE \`${db}\`.sample LIKE \`${db}\`.orders`);
  try {
    const t0 = now();
    for (let from = 0; from < ROWS; from += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, ROWS - from) }, (_, i) => {
        const id = from + i + 1;
        return [id, 1000 + (id % 997), 'shipped', `order note number ${id}`, `${id % 10000}.99`, '2025-02-12 10:10:04.123456', id & 1];
      });
      await conn.query(`INSERT INTO \`${db}\`.orders VALUES ?`, [rows]);
    }
    await conn.query(`INSERT INTO \`${db}\`.sample SELECT * FROM \`${db}\`.orders ORDER BY id LIMIT 2000`);
    console.log(`setup: ${ROWS} rows in ${Math.round(now() - t0)} ms`);

    // Raw keyset SELECT ceiling
    {
      const start = now();
      let n = 0;
      let after = 0;
      for (;;) {
        const [rows] = await conn.query({ sql: `SELECT * FROM \`${db}\`.orders WHERE id > ? ORDER BY id LIMIT 10000`, rowsAsArray: true }, [after]);
        const list = rows as unknown[][];
        if (list.length === 0) break;
        n += list.length;
        after = list[list.length - 1]![0] as number;
      }
      line('raw keyset SELECT (mysql2)', n, now() - start);
      ceilings.select = (n / (now() - start)) * 1000;
    }

    for (const compression of benchCompressions()) {
      const first = rounds.length === 0;
      console.log(`\n— connector with compression ${compression} —`);
      const prefix = uniqueName('bench');
      const topic = `${prefix}.${db}.orders`;
      const sampleTopicName = `${prefix}.${db}.sample`;
      const settings = newWorkerSettings('benchmysql', { 'log.level': 'info', 'offset.flush.interval.ms': '1000' });
      const worker = await spawnWorker(settings, benchWorkerEnv());
      const name = uniqueName('bench');
      try {
        const snapshot = await measurePhase(worker.pid, ROWS, async () => {
          const snapStart = now();
          const res = await api(worker.url).post('/connectors', {
            name,
            config: {
              'connector.class': 'mysql', 'database.hostname': s.mysql.host, 'database.port': String(s.mysql.port),
              'database.user': s.mysql.user, ...(s.mysql.password ? { 'database.password': s.mysql.password } : {}),
              'topic.prefix': prefix, 'database.include.list': db, 'snapshot.fetch.size': '10000',
              ...connectorOverrides(ROWS, compression),
            },
          });
          if (res.status !== 201) throw new Error(res.text);
          return timeSnapshot(topic, ROWS, snapStart);
        });
        await waitFor(async () => (await recordsIn(sampleTopicName)) >= 2000, { timeoutMs: 600_000, message: 'sample snapshot in Kafka' });
        const snapshotCeilings = await kafkaCeilings(sampleTopicName, 'r', Math.min(ROWS, 200_000), compression, rounds.length % 2 === 1);
        const stored = await printConnectorStored(topic, ROWS, snapshotCeilings.avgBytes, compression);

        // Streaming catch-up: stop, write one row event per row, resume
        await stopOnceStreaming(worker.url, name);
        const [[before]] = await conn.query('SHOW MASTER STATUS') as any;
        for (let from = 0; from < ROWS; from += 50_000) {
          await conn.query(`UPDATE \`${db}\`.orders SET paid = 1 - paid WHERE id > ? AND id <= ?`, [from, from + 50_000]);
        }
        await conn.query(`UPDATE \`${db}\`.sample SET paid = 1 - paid`);

        // Raw zongji decode of the same binlog range (first round)
        if (first) {
          const start = now();
          let n = 0;
          let stream: ReturnType<typeof startWireStream> | undefined;
          await new Promise<void>((resolve, reject) => {
            stream = startWireStream({
              connection: { host: s.mysql.host, port: s.mysql.port, user: s.mysql.user, password: s.mysql.password },
              serverId: 990001, start: { file: before.File, pos: Number(before.Position) },
              includeTable: (d) => d === db,
              onEvent: (e) => {
                if (e.type === 'rows') n += e.rows.length;
                if (n >= ROWS) resolve();
              },
              onError: reject,
            });
          });
          await stream!.stop();
          line('raw binlog decode (zongji)', n, now() - start, 'events');
          ceilings.decode = (n / (now() - start)) * 1000;
        }

        const streaming = await measurePhase(worker.pid, ROWS, async () => {
          const streamStart = now();
          await api(worker.url).put(`/connectors/${name}/resume`);
          await waitFor(async () => (await recordsIn(topic)) >= 2 * ROWS, { timeoutMs: 3_600_000, intervalMs: 200, message: 'updates in Kafka' });
          line('streaming → Kafka (connector)', ROWS, now() - streamStart, 'events');
          return (ROWS / (now() - streamStart)) * 1000;
        });
        await waitFor(async () => (await recordsIn(sampleTopicName)) >= 4000, { timeoutMs: 600_000, message: 'sample updates in Kafka' });
        const streamingCeilings = await kafkaCeilings(sampleTopicName, 'u', Math.min(ROWS, 200_000), compression, rounds.length % 2 === 0);

        if (first) await printLatency(topic, (i) => conn.query(`UPDATE \`${db}\`.orders SET note = ? WHERE id = ?`, [`latency ${i}`, i + 1]));
        rounds.push({ compression, snapshot, streaming, snapshotCeilings, streamingCeilings, stored });
        await api(worker.url).delete(`/connectors/${name}`);
      } finally {
        await worker.stop();
        await cleanupWorkerTopics(settings, [topic, sampleTopicName, prefix]);
      }
    }
    printSummary('zongji', rounds, { select: ceilings.select!, decode: ceilings.decode! });
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
