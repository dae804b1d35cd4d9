/**
 * The PostgreSQL connector end to end (real worker process, PostgreSQL, Kafka) against its ceilings.
 *
 *   npx tsc -p . && node dist/bench/postgres.js [rows=1000000]
 *   BENCH_COMPRESSION=none,lz4 ...   the compressions to run the connector phases with (the default: both)
 *   BENCH_SCHEMAS=false ...   the same with JSON without schemas (smaller records)
 *   BENCH_CONFIG='{"max.queue.size.in.bytes":"8388608"}' ...   extra connector config
 *   BENCH_WORKER_NODE_OPTIONS='--max-semi-space-size=4' ...   Node options of the worker process
 *   KAFKA_LIBS, KAFKA_TOOLS_LIBS, BENCH_JAVA_OPTS ...   Kafka's Java producer (see java-producer.ts)
 *
 * Prints:
 *  - the raw keyset SELECT rate of `pg` (text values, 10 240 rows a query) and COPY ... TO STDOUT (bytes only,
 *    no row parsing); the raw pgoutput decode rate of our replication stream over the first round's changes
 *    (decode only), and decode + mapping + JSON conversion in-process without Kafka (the connector's own CPU
 *    ceiling): the database side's ceilings;
 *  - per compression (a fresh worker and connector each, `producer.override.compression.type`): snapshot rows/s
 *    into Kafka and streaming events/s (catching up one update event per row after a stop), with the worker's
 *    CPU seconds and peak RSS (VmHWM) per phase;
 *  - the Kafka side's ceilings for the connector's own records (sampled from a 2000-row table of the same shape,
 *    snapshotted and updated alongside), same compression, one partition: Kafka's Java producer
 *    (ProducerPerformance, acks=all, idempotent, one request in flight, 1 MiB batches, linger.ms=0) and our
 *    adapter sending as the delivery loop does;
 *  - commit → Kafka latency p50/p99 of single-row transactions (first round).
 * Drops what it created. Numbers depend on the machine and on whatever else it is running.
 */
import pg from 'pg';
import { pino } from 'pino';
import { createSlot, loadTypeRegistry, startReplicationStream, type Lsn } from '../binlog/postgres/index.js';
import { createJsonConverter } from '../schemas/index.js';
import { compileTableFilters } from '../snapshot/index.js';
import { parseConfig, type RecordSink } from '../src/connect-api/index.js';
import { createStreamDispatcher, createTableResolver, pgSettings, postgresConfigDef } from '../src/connectors/postgres/index.js';
import {
  benchCompressions, connectorOverrides, kafkaCeilings, line, measurePhase, now, printConnectorStored, printLatency, printSummary, recordsIn,
  stopOnceStreaming, timeSnapshot, type Round,
} from './common.js';
import { benchWorkerEnv } from './worker-env.js';
import { testServices } from '../scripts/testbed/providers.js';
import { uniqueName, waitFor } from '../scripts/testbed/util.js';
import { api, cleanupWorkerTopics, closeTestKafka, newWorkerSettings, spawnWorker } from '../scripts/testbed/worker.js';
import { createChangeEmitter } from '../src/connectors/shared/change-emitter.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);

async function main(): Promise<void> {
  const s = await testServices();
  const base = { host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password || undefined };
  const admin = new pg.Client({ ...base, database: s.pg.database });
  await admin.connect();
  const db = uniqueName('pgbench');
  const rawSlot = uniqueName('pgbench_raw');
  const slots = [rawSlot];
  const ceilings: Record<string, number> = {};
  const rounds: Round[] = [];
  await admin.query(`CREATE DATABASE "${db}"`);
  const conn = new pg.Client({ ...base, database: db });
  await conn.connect();
  const connection = { ...base, database: db };
  try {
    const t0 = now();
    await conn.query(`CREATE TABLE orders (id int PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20), note varchar(100),
      price numeric(10,2), created timestamp(6), paid bool NOT NULL)`);
    await conn.query(`INSERT INTO orders SELECT g, 1000 + g % 997, 'shipped', 'order note number ' || g, (g % 10000) + 0.99,
      '2025-02-12 10:10:04.123456', g % 2 = 1 FROM generate_series(1, $1) g`, [ROWS]);
    await conn.query('CREATE TABLE sample (LIKE orders INCLUDING ALL)');
    await conn.query('INSERT INTO sample SELECT * FROM orders ORDER BY id LIMIT 2000');
    await conn.query('VACUUM ANALYZE orders');
    console.log(`setup: ${ROWS} rows in ${Math.round(now() - t0)} ms`);

    // Raw keyset SELECT ceiling, values as text (what the connector reads)
    {
      const raw = new pg.Client({ ...connection, types: { getTypeParser: () => (v: string) => v } as never });
      await raw.connect();
      const start = now();
      let n = 0;
      let after = '0';
      for (;;) {
        const res = await raw.query({ text: 'SELECT * FROM orders WHERE id > $1 ORDER BY id LIMIT 10240', values: [after], rowMode: 'array' });
        if (res.rows.length === 0) break;
        n += res.rows.length;
        after = res.rows[res.rows.length - 1][0];
      }
      line('raw keyset SELECT (pg, text)', n, now() - start);
      ceilings.select = (n / (now() - start)) * 1000;
      const copyStart = now();
      await raw.query('COPY orders TO STDOUT');
      line('raw COPY TO STDOUT (pg, unparsed)', ROWS, now() - copyStart);
      await raw.end();
    }

    // The raw pgoutput decode of the first round's changes (our stream adapter + decoder, no mapping, no Kafka),
    // then the same through the connector's dispatcher and the JSON converter, records dropped instead of produced
    const decodeCeilings = async (cp: Lsn, publication: string, prefix: string): Promise<void> => {
      {
        const start = now();
        const stream = await startReplicationStream({ connection, slotName: rawSlot, publicationNames: [publication], startLsn: cp, initialFlushLsn: cp });
        let n = 0;
        while (n < ROWS) {
          const b = await stream.next();
          if (!b) break;
          for (const m of b.messages) if (m.tag === 'update') n++;
        }
        line('raw pgoutput decode (stream adapter)', n, now() - start, 'events');
        ceilings.decode = (n / (now() - start)) * 1000;
        await stream.close();
      }
      const props = { 'database.hostname': s.pg.host, 'database.user': s.pg.user, 'database.dbname': db, 'topic.prefix': prefix };
      const settingsPg = pgSettings(parseConfig(postgresConfigDef, props).settings);
      const registry = await loadTypeRegistry(conn);
      const tables = createTableResolver({ client: async () => conn, registry, filters: compileTableFilters({}), settings: settingsPg });
      const schemas = process.env.BENCH_SCHEMAS !== 'false';
      const keyConv = createJsonConverter({ schemasEnable: schemas, isKey: true });
      const valueConv = createJsonConverter({ schemasEnable: schemas, isKey: false });
      let n = 0;
      let bytes = 0;
      const sink: RecordSink = {
        async send(records) {
          for (const r of records) {
            bytes += keyConv.fromConnectData(r.topic, r.keySchema, r.key)?.length ?? 0;
            bytes += valueConv.fromConnectData(r.topic, r.valueSchema, r.value)?.length ?? 0;
            if (r.value !== null) n++;
          }
        },
        flush: async () => {},
        commitOffset: async () => {},
      };
      const d = createStreamDispatcher({
        sink, tables, topicPrefix: prefix, database: db, emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }),
        resume: { flushLsn: cp, commitLsn: null, lsn: cp }, heartbeatIntervalMs: 0, heartbeatTopic: 'hb', logger: pino({ level: 'silent' }),
      });
      const start = now();
      const stream = await startReplicationStream({ connection, slotName: rawSlot, publicationNames: [publication], startLsn: cp, initialFlushLsn: cp });
      while (n < ROWS) {
        const b = await stream.next();
        if (!b) break;
        await d.handle(b);
      }
      line('decode + map + JSON, no Kafka (in-process)', n, now() - start, 'events');
      console.log(`${''.padEnd(46)} average record ${Math.round(bytes / Math.max(1, n))} bytes (key + value, schemas ${schemas ? 'on' : 'off'})`);
      await stream.close();
      await admin.query('SELECT pg_drop_replication_slot($1)', [rawSlot]);
    };

    for (const compression of benchCompressions()) {
      const first = rounds.length === 0;
      console.log(`\n— connector with compression ${compression} —`);
      const prefix = uniqueName('pgbench');
      const slot = uniqueName('pgbench');
      slots.push(slot);
      const topic = `${prefix}.public.orders`;
      const sampleTopicName = `${prefix}.public.sample`;
      const settings = newWorkerSettings('benchpg', { 'log.level': 'info', 'offset.flush.interval.ms': '1000' });
      const worker = await spawnWorker(settings, benchWorkerEnv());
      const name = uniqueName('bench');
      try {
        const snapshot = await measurePhase(worker.pid, ROWS, async () => {
          const snapStart = now();
          const res = await api(worker.url).post('/connectors', {
            name,
            config: {
              'connector.class': 'postgres', 'database.hostname': s.pg.host, 'database.port': String(s.pg.port),
              'database.user': s.pg.user, ...(s.pg.password ? { 'database.password': s.pg.password } : {}),
              'database.dbname': db, 'topic.prefix': prefix, 'slot.name': slot, 'publication.name': `${slot}_pub`,
              'snapshot.fetch.size': '10240', 'slot.drop.on.stop': 'true',
              ...connectorOverrides(ROWS, compression),
            },
          });
          if (res.status !== 201) throw new Error(res.text);
          return timeSnapshot(topic, ROWS, snapStart);
        });
        await waitFor(async () => (await recordsIn(sampleTopicName)) >= 2000, { timeoutMs: 600_000, message: 'sample snapshot in Kafka' });
        const snapshotCeilings = await kafkaCeilings(sampleTopicName, 'r', Math.min(ROWS, 200_000), compression, rounds.length % 2 === 1);
        const stored = await printConnectorStored(topic, ROWS, snapshotCeilings.avgBytes, compression);

        // Streaming catch-up: stop, write one update event per row, measure raw decode (first round), resume
        await stopOnceStreaming(worker.url, name);
        const created = first ? await createSlot(connection, rawSlot, false) : undefined;
        for (let from = 0; from < ROWS; from += 50_000) {
          await conn.query('UPDATE orders SET paid = NOT paid WHERE id > $1 AND id <= $2', [from, from + 50_000]);
        }
        await conn.query('UPDATE sample SET paid = NOT paid');
        if (created) await decodeCeilings(created.consistentPoint, `${slot}_pub`, prefix);

        const streaming = await measurePhase(worker.pid, ROWS, async () => {
          const streamStart = now();
          await api(worker.url).put(`/connectors/${name}/resume`);
          await waitFor(async () => (await recordsIn(topic)) >= 2 * ROWS, { timeoutMs: 3_600_000, intervalMs: 200, message: 'updates in Kafka' });
          line('streaming → Kafka (connector)', ROWS, now() - streamStart, 'events');
          return (ROWS / (now() - streamStart)) * 1000;
        });
        await waitFor(async () => (await recordsIn(sampleTopicName)) >= 4000, { timeoutMs: 600_000, message: 'sample updates in Kafka' });
        const streamingCeilings = await kafkaCeilings(sampleTopicName, 'u', Math.min(ROWS, 200_000), compression, rounds.length % 2 === 0);

        if (first) await printLatency(topic, (i) => conn.query('UPDATE orders SET note = $1 WHERE id = $2', [`latency ${i}`, i + 1]));
        rounds.push({ compression, snapshot, streaming, snapshotCeilings, streamingCeilings, stored });
        await api(worker.url).delete(`/connectors/${name}`);
        await waitFor(async () => (await admin.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 0,
          { timeoutMs: 30_000, message: 'slot dropped' }).catch(() => undefined);
      } finally {
        await worker.stop();
        await cleanupWorkerTopics(settings, [topic, sampleTopicName]);
      }
    }
    printSummary('pgoutput', rounds, { select: ceilings.select!, decode: ceilings.decode! });
  } finally {
    await conn.end();
    await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active', [slots]).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
    await closeTestKafka();
  }
}

main().catch((err) => {
  pino().error({ err }, 'bench failed');
  process.exit(1);
});
