/**
 * THE invariant for PostgreSQL: while a writer inserts, updates (also primary keys) and deletes rows of
 * several tables, the connector snapshots and then streams; each topic materialised (latest value per key, a
 * delete or tombstone removes it) equals its table — also when the worker process is SIGKILLed during the
 * snapshot and during streaming. All along, the slot's confirmed_flush_lsn never passes the flush position
 * of the offsets Kafka holds; and while producing to Kafka is blocked, the slot does not move at all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { pino } from 'pino';
import { postgresConnectorPlugin } from '../src/connectors/postgres/index.js';
import { parseConfig } from '../src/connect-api/index.js';
import { createKafkaClient, plaintextConnection, type RecordProducer } from '../src/kafka/index.js';
import { startSourceTask } from '../src/runtime/source-task-runner.js';
import { createKafkaOffsetStore } from '../src/storage/index.js';
import { createJsonConverter } from '../schemas/index.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readTopic, spawnWorker, testKafka, waitForStatus,
  type SpawnedWorker, type WorkerSettings,
} from './harness/worker.js';
import {
  committedFlushLsn, diffStates, lsnValue, materialise, pgClient, pgConnectorConfig, scratchDatabase, slotState, tableState, watchSlot,
  type ScratchDb,
} from './pg-helpers.js';

const TABLES = {
  t_int: { ddl: 'id int PRIMARY KEY, v int NOT NULL, s text', key: ['id'], select: 'SELECT id, v, s FROM t_int' },
  t_comp: { ddl: 'a int NOT NULL, b text NOT NULL, v int, PRIMARY KEY (a, b)', key: ['a', 'b'], select: 'SELECT a, b, v FROM t_comp' },
  t_str: { ddl: 'code text PRIMARY KEY, n bigint, d numeric(10,2)', key: ['code'], select: 'SELECT code, n::float8 AS n, d::text AS d FROM t_str' },
  t_full: { ddl: 'id int PRIMARY KEY, payload text', key: ['id'], select: 'SELECT id, payload FROM t_full' },
} as const;
type TableName = keyof typeof TABLES;
const NAMES = Object.keys(TABLES) as TableName[];

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

async function seed(c: pg.Client, rows: number): Promise<void> {
  for (const name of NAMES) await c.query(`CREATE TABLE ${name} (${TABLES[name].ddl})`);
  await c.query('ALTER TABLE t_full REPLICA IDENTITY FULL');
  await c.query(`INSERT INTO t_int SELECT g, g * 3, 's' || g FROM generate_series(1, $1) g`, [rows]);
  await c.query(`INSERT INTO t_comp SELECT g % 500, 'b' || (g / 500), g FROM generate_series(1, $1) g`, [rows]);
  await c.query(`INSERT INTO t_str SELECT 'c' || g, g * 1000, round(g / 4.0, 2) FROM generate_series(1, $1) g`, [rows]);
  // Wide values are TOASTed: updates that do not touch them send them as unchanged.
  await c.query(`INSERT INTO t_full SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, $1 / 10) g`, [rows]);
}

interface Writer {
  ops(): number;
  done: Promise<void>;
  stop(): Promise<void>;
}

function startWriter(c: pg.Client, seedValue: number, keyRange: number, limit: number): Writer {
  const r = rng(seedValue);
  let ops = 0;
  let stopping = false;
  const statement = (): [string, unknown[]] => {
    const table = NAMES[r(NAMES.length)]!;
    const k = 1 + r(keyRange);
    const op = r(10);
    switch (table) {
      case 't_int':
        if (op < 3) return ['INSERT INTO t_int VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [k, r(1000), `w${k}`]];
        if (op < 6) return ['UPDATE t_int SET v = v + 1, s = $2 WHERE id = $1', [k, `u${r(100)}`]];
        if (op < 8) return ['DELETE FROM t_int WHERE id = $1', [k]];
        return ['UPDATE t_int SET id = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM t_int WHERE id = $2)', [k, 1 + r(keyRange)]];
      case 't_comp':
        if (op < 4) return ['INSERT INTO t_comp VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [k % 500, `b${r(60)}`, r(1000)]];
        if (op < 7) return ['UPDATE t_comp SET v = coalesce(v, 0) + 1 WHERE a = $1', [k % 500]];
        return ['DELETE FROM t_comp WHERE a = $1 AND b = $2', [k % 500, `b${r(60)}`]];
      case 't_str':
        if (op < 4) return ['INSERT INTO t_str VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET n = EXCLUDED.n', [`c${k}`, r(1_000_000), (r(100000) / 100).toFixed(2)]];
        if (op < 7) return ['UPDATE t_str SET d = d + 0.01 WHERE code = $1', [`c${k}`]];
        return ['DELETE FROM t_str WHERE code = $1', [`c${k}`]];
      case 't_full':
        if (op < 3) return ['INSERT INTO t_full VALUES ($1, repeat(md5($2), 200)) ON CONFLICT DO NOTHING', [k % (keyRange / 10), String(k)]];
        // Leaves the TOASTed payload unchanged: pgoutput sends it as 'unchanged', the old image (FULL) has it.
        if (op < 8) return ['UPDATE t_full SET id = id WHERE id = $1', [k % (keyRange / 10)]];
        return ['DELETE FROM t_full WHERE id = $1', [k % (keyRange / 10)]];
    }
  };
  const done = (async () => {
    while (!stopping && ops < limit) {
      const inTx = r(4) === 0;
      if (inTx) await c.query('BEGIN');
      const n = inTx ? 2 + r(8) : 1;
      for (let i = 0; i < n; i++) {
        const [sql, params] = statement();
        await c.query(sql, params);
        ops++;
      }
      if (inTx) await c.query(r(8) === 0 ? 'ROLLBACK' : 'COMMIT');
    }
  })();
  return { ops: () => ops, done, async stop() { stopping = true; await done; } };
}

async function assertTopicsEqualTables(c: pg.Client, prefix: string): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(async () => {
      last = [];
      for (const name of NAMES) {
        const t = TABLES[name];
        const diff = diffStates(await tableState(c, t.select, [...t.key]), await materialise(`${prefix}.public.${name}`), 5);
        last.push(...diff.map((d) => `${name}: ${d}`));
      }
      return last.length === 0;
    }, { timeoutMs: 180_000, intervalMs: 1000, message: 'topics to converge to the tables' });
  } catch (err) {
    assert.fail(`${(err as Error).message}\n${last.join('\n')}`);
  }
}

describe('PostgreSQL connector: nothing lost (snapshot + streaming + crashes)', () => {
  const cleanups: Array<() => Promise<void>> = [];

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await closeTestKafka();
  });

  async function setup(tag: string, rows: number) {
    const db = await scratchDatabase(`pginv_${tag}`);
    const prefix = uniqueName(`pginv_${tag}`);
    const slot = uniqueName(`pginv_${tag}`);
    const settings: WorkerSettings = newWorkerSettings(`pginv_${tag}`);
    cleanups.push(async () => {
      await db.drop();
      await cleanupWorkerTopics(settings, NAMES.map((t) => `${prefix}.public.${t}`));
    });
    await seed(db.client, rows);
    const config = await pgConnectorConfig(db.name, prefix, slot, {
      'snapshot.fetch.size': '300', 'decimal.handling.mode': 'string', 'slot.retry.delay.ms': '500', 'slot.max.retries': '60',
    });
    return { db, prefix, slot, settings, config };
  }

  it('snapshot under concurrent writes, then streaming: every topic equals its table', async () => {
    const { db, prefix, slot, settings, config } = await setup('plain', 3000);
    const worker = await spawnWorker(settings);
    cleanups.push(async () => { await worker.kill(); });
    const writerConn = await pgClient(db.name);
    const writer = startWriter(writerConn, 42, 4000, 3000);
    const name = uniqueName('pginv');
    const res = await api(worker.url).post('/connectors', { name, config });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    const watch = watchSlot(db.client, slot, settings.offsetTopic, prefix);
    await writer.done;
    await writerConn.end();
    await assertTopicsEqualTables(db.client, prefix);
    await watch.stop();
    assert.deepEqual(watch.violations, []);
    const records = await readTopic(`${prefix}.public.t_int`);
    const deletes = records.filter((r) => r.value !== null && r.value.includes('"op":"d"')).length;
    assert.ok(deletes > 0);
    assert.equal(records.filter((r) => r.value === null).length, deletes, 'one tombstone per delete');
    await worker.stop();
  });

  it('stays exact when the worker is killed (SIGKILL) during the snapshot and during streaming', async () => {
    const { db, prefix, slot, settings, config } = await setup('crash', 20_000);
    let worker: SpawnedWorker = await spawnWorker(settings);
    cleanups.push(async () => { await worker.kill(); });
    const writerConn = await pgClient(db.name);
    const writer = startWriter(writerConn, 7, 25_000, 1_000_000);
    const name = uniqueName('pginv');
    const res = await api(worker.url).post('/connectors', { name, config });
    assert.equal(res.status, 201, res.text);
    const restart = async () => {
      await worker.kill();
      worker = await spawnWorker(settings);
    };
    const committed = async () => {
      const r = await api(worker.url).get(`/connectors/${name}/offsets`);
      return r.body?.offsets?.[0]?.offset as Record<string, unknown> | undefined;
    };
    const watch = watchSlot(db.client, slot, settings.offsetTopic, prefix);

    // 1. Mid-snapshot: part of the first table is in Kafka and its progress committed
    await waitFor(async () => (await readTopic(`${prefix}.public.t_comp`)).length >= 2000 && (await committed())?.snapshot === true,
      { timeoutMs: 120_000, message: 'snapshot under way' });
    await restart();
    // 2. Again, later in the snapshot
    await waitFor(async () => (await readTopic(`${prefix}.public.t_str`)).length >= 1000 && (await committed())?.snapshot === true,
      { timeoutMs: 180_000, message: 'snapshot of a later table under way' });
    await restart();
    // 3., 4. While streaming: the snapshot is done and the writer's changes flow
    for (let round = 0; round < 2; round++) {
      const opsBefore = writer.ops();
      const flushedBefore = await committedFlushLsn(settings.offsetTopic, prefix) ?? 0n;
      await waitFor(async () => {
        const offset = await committed();
        const flushed = await committedFlushLsn(settings.offsetTopic, prefix) ?? 0n;
        return writer.ops() > opsBefore + 500 && offset !== undefined && offset.snapshot === undefined && flushed > flushedBefore;
      }, { timeoutMs: 180_000, message: 'streaming under way' });
      await restart();
    }
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await writer.stop();
    await writerConn.end();
    await assertTopicsEqualTables(db.client, prefix);
    await watch.stop();
    assert.ok(watch.samples() > 0);
    assert.deepEqual(watch.violations, []);
    await worker.stop();
  });
});

const SENT_LSN = `SELECT r.sent_lsn::text AS sent_lsn FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = $1`;
const REPLY_TIME = `SELECT r.reply_time FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = $1`;

describe('PostgreSQL connector: the slot never passes what Kafka holds', () => {
  let db: ScratchDb;
  const cleanups: Array<() => Promise<void>> = [];
  before(async () => {
    db = await scratchDatabase('pgblock');
    cleanups.push(() => db.drop());
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await closeTestKafka();
  });

  it('while producing is blocked the slot stays put, and catches up afterwards', async () => {
    const services = await testServices();
    const prefix = uniqueName('pgblock');
    const slot = uniqueName('pgblock');
    const offsetTopic = uniqueName('pgblock_offsets');
    await db.client.query('CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)');
    await db.client.query('INSERT INTO t SELECT g, g FROM generate_series(1, 100) g');

    const kafka = createKafkaClient({ connection: plaintextConnection(services.kafkaBrokers), clientId: 'pgblock', logger: pino({ level: 'silent' }) });
    const real = kafka.createProducer();
    let release: (() => void) | null = null;
    let gate: Promise<void> = Promise.resolve();
    let inFlight = 0; // sends past the gate and not yet answered
    const producer: RecordProducer = {
      async send(messages) {
        await gate;
        inFlight++;
        try { return await real.send(messages); } finally { inFlight--; }
      },
      disconnect: () => real.disconnect(),
    };
    const offsetStore = createKafkaOffsetStore(kafka, { topic: offsetTopic, partitions: 1, replicationFactor: -1 });
    await offsetStore.start();
    const props = await pgConnectorConfig(db.name, prefix, slot, { 'heartbeat.interval.ms': '100' });
    delete props['connector.class'];
    delete props['tasks.max'];
    const parsed = parseConfig(postgresConnectorPlugin.configDef, props);
    assert.deepEqual(parsed.errors, {});
    const logger = pino({ level: process.env.PGTEST_LOG ?? 'warn' });
    const task = startSourceTask({
      connectorName: 'pgblock', taskId: 0, task: postgresConnectorPlugin.createTask(), config: props, settings: parsed.settings,
      producer, offsetStore, statusStore: null, keyConverter: createJsonConverter({ schemasEnable: true, isKey: true }),
      valueConverter: createJsonConverter({ schemasEnable: true, isKey: false }), topicCreation: null, logger,
      offsetFlushIntervalMs: 50, maxQueueBytes: 64 * 1024,
    });
    cleanups.push(async () => {
      await task.stop();
      await real.disconnect();
      await offsetStore.stop();
      await (await testKafka()).deleteTopics([offsetTopic, `${prefix}.public.t`, `__debezium-heartbeat.${prefix}`]).catch(() => undefined);
      await kafka.close();
    });
    const committedFlush = (): bigint => BigInt((offsetStore.offset('pgblock', { server: prefix })?.lsn_proc as number | undefined) ?? 0);

    // Flowing: the snapshot and a first change are committed and confirmed.
    await db.client.query('INSERT INTO t VALUES (1000, 1)');
    const lsn1 = lsnValue((await db.client.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l);
    await waitFor(async () => (await materialise(`${prefix}.public.t`)).has('{"id":1000}'), { timeoutMs: 60_000, message: 'first change in Kafka' });
    await waitFor(async () => {
      const s = await slotState(db.client, slot);
      return s !== null && s.active && (s.confirmedFlushLsn ?? 0n) >= lsn1 && committedFlush() >= lsn1;
    }, { timeoutMs: 60_000, message: 'slot confirmed after the first change' });

    // Block producing. Everything confirmed from now on must be covered by committed offsets.
    gate = new Promise<void>((r) => (release = r));
    // A send (a heartbeat, say) already past the gate may still be acknowledged and committed: settle it first.
    await waitFor(async () => inFlight === 0 && task.stats().committed === task.stats().acked
      && ((await slotState(db.client, slot))?.confirmedFlushLsn ?? 0n) >= committedFlush(), { timeoutMs: 30_000, message: 'sends before the block settled and confirmed' });
    const confirmedAtBlock = (await slotState(db.client, slot))!.confirmedFlushLsn!;
    const flushAtBlock = committedFlush();
    const sentAtBlock = task.stats().sent;
    for (let i = 0; i < 20; i++) await db.client.query(`INSERT INTO t SELECT g, g FROM generate_series($1::int, $1::int + 499) g`, [2000 + i * 500]);
    const endLsn = lsnValue((await db.client.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l);
    const replyBefore = (await db.client.query(REPLY_TIME, [slot])).rows[0]?.reply_time as Date;
    // The connector received the new changes and kept answering the server (heartbeat pings) while blocked.
    await waitFor(async () => {
      const r = (await db.client.query(SENT_LSN, [slot])).rows[0];
      return task.stats().sent > sentAtBlock && r?.sent_lsn && lsnValue(r.sent_lsn) >= endLsn;
    }, { timeoutMs: 60_000, message: 'changes received while blocked' });
    let answers = 0;
    await waitFor(async () => {
      const r = (await db.client.query(REPLY_TIME, [slot])).rows[0];
      if (r && (r.reply_time as Date).getTime() > replyBefore.getTime()) answers++;
      return answers >= 5;
    }, { timeoutMs: 60_000, intervalMs: 200, message: 'status updates sent while blocked' });
    const blocked = (await slotState(db.client, slot))!.confirmedFlushLsn!;
    assert.ok(blocked <= committedFlush(), `slot ${blocked} beyond committed ${committedFlush()}`);
    assert.equal(committedFlush(), flushAtBlock, 'nothing new can be committed while producing is blocked');
    assert.equal(blocked, confirmedAtBlock, 'the slot did not move while producing was blocked');

    release!();
    gate = Promise.resolve();
    await waitFor(async () => ((await slotState(db.client, slot))?.confirmedFlushLsn ?? 0n) >= endLsn, { timeoutMs: 60_000, message: 'slot catches up after unblocking' });
    const rows = await materialise(`${prefix}.public.t`);
    assert.equal(rows.size, 100 + 1 + 20 * 500);
  });
});
