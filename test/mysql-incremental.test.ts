/**
 * Ad-hoc (incremental) snapshots of the MySQL/MariaDB connector against real MariaDB and Kafka: an
 * `execute-snapshot` row in the signal table (excluded by table.include.list, yet read from the binlog) re-reads
 * a table in chunks while streaming goes on and a writer changes it. Each chunk is deduplicated against the
 * binlog with watermarks, so the topic still equals the table at the end. A BEFORE INSERT trigger on the signal
 * table makes in-window changes certain: on every close watermark it deletes and updates a row of the chunk
 * being closed, i.e. after the chunk's SELECT and before its rows are emitted; such a deleted key must stay
 * deleted (its last event a delete or tombstone).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, spawnWorker, startInProcessWorker, testKafka, waitForStatus,
  type InProcessWorker, type SpawnedWorker, type WorkerSettings,
} from './harness/worker.js';
import {
  adminConnection, createSignalTable, decodedTopic, diffStates, insertSignal, materialise, mysqlConnectorConfig, tableState,
  type Decoded,
} from './mysql-helpers.js';

const COMPLETED = 'incremental snapshot completed';
const count = (text: string, needle: string): number => text.split(needle).length - 1;
const isIncremental = (d: Decoded): boolean => d.value?.op === 'r' && (d.value.source as { snapshot: string }).snapshot === 'incremental';
/**
 * The topic's incremental reads once there are at least `n`: "completed" is logged when the last window is
 * emitted, before Kafka has acknowledged it.
 */
async function incrementalReads(topic: string, n: number): Promise<Decoded[]> {
  let reads: Decoded[] = [];
  await waitFor(async () => (reads = (await decodedTopic(topic)).filter(isIncremental)).length >= n,
    { timeoutMs: 30_000, message: `${n} incremental reads on ${topic}` }).catch(() => undefined);
  return reads;
}

async function seedItems(conn: mysql.Connection, db: string, table: string, rows: number): Promise<void> {
  await conn.query(`CREATE TABLE \`${db}\`.\`${table}\` (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40))`);
  for (let from = 0; from < rows; from += 2000) {
    const ids = Array.from({ length: Math.min(2000, rows - from) }, (_, i) => from + i + 1);
    await conn.query(`INSERT INTO \`${db}\`.\`${table}\` VALUES ?`, [ids.map((id) => [id, id, `s${id}`])]);
  }
}

/** On every close watermark: delete one row and update another of the chunk being closed (keys are dense 1..n). */
async function inWindowTrigger(conn: mysql.Connection, db: string, table: string, chunkSize: number): Promise<void> {
  await conn.query(`CREATE TABLE \`${db}\`.deleted_in_window (id INT)`);
  await conn.query(`CREATE TRIGGER \`${db}\`.in_window BEFORE INSERT ON \`${db}\`.debezium_signal FOR EACH ROW
    BEGIN
      DECLARE k INT;
      IF NEW.type = 'snapshot-window-close' THEN
        SET k = (SELECT COUNT(*) FROM \`${db}\`.debezium_signal WHERE type = 'snapshot-window-close');
        SET @cdc_d = k * ${chunkSize} + 1 + FLOOR(RAND() * ${chunkSize});
        DELETE FROM \`${db}\`.\`${table}\` WHERE id = @cdc_d;
        INSERT INTO \`${db}\`.deleted_in_window VALUES (@cdc_d);
        UPDATE \`${db}\`.\`${table}\` SET v = v + 1000000 WHERE id = k * ${chunkSize} + 1 + FLOOR(RAND() * ${chunkSize});
      END IF;
    END`);
}

/** Random updates, deletes and inserts of keys 1..keyRange until stopped. */
function startWriter(conn: mysql.Connection, table: string, keyRange: number) {
  let stopping = false;
  let ops = 0;
  const done = (async () => {
    while (!stopping) {
      const k = 1 + Math.floor(Math.random() * keyRange);
      const op = Math.random();
      if (op < 0.5) await conn.query(`UPDATE ${table} SET v = v + 1, s = ? WHERE id = ?`, [`w${ops}`, k]);
      else if (op < 0.8) await conn.query(`DELETE FROM ${table} WHERE id = ?`, [k]);
      else await conn.query(`INSERT INTO ${table} VALUES (?, 0, 'ins') ON DUPLICATE KEY UPDATE s = 'upsert'`, [k]);
      ops++;
    }
  })();
  return { ops: () => ops, async stop() { stopping = true; await done; } };
}

async function assertTopicEqualsTable(conn: mysql.Connection, db: string, table: string, topic: string): Promise<void> {
  let diff: string[] = [];
  await waitFor(async () => (diff = diffStates(await tableState(conn, db, table, ['id']), await materialise(topic))).length === 0,
    { timeoutMs: 90_000, intervalMs: 500, message: `${topic} to equal its table` })
    .catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}`));
}

/** Keys the trigger deleted and that are still gone: their last event must be a delete or tombstone. */
async function assertDeletedStayDeleted(conn: mysql.Connection, db: string, table: string, topic: string): Promise<number> {
  const [rows] = await conn.query(`SELECT DISTINCT d.id FROM \`${db}\`.deleted_in_window d LEFT JOIN \`${db}\`.\`${table}\` t ON t.id = d.id WHERE t.id IS NULL`);
  const gone = (rows as Array<{ id: number }>).map((r) => r.id);
  const last = new Map<number, Decoded>();
  for (const d of await decodedTopic(topic)) last.set((d.key as { id: number }).id, d);
  for (const id of gone) {
    const e = last.get(id);
    assert.ok(e === undefined || e.value === null || e.value.op === 'd', `key ${id}, deleted inside a window, was resurrected: ${JSON.stringify(e?.value)}`);
  }
  return gone.length;
}

describe('MySQL connector: ad-hoc snapshots', () => {
  let conn: mysql.Connection;
  let settings: WorkerSettings;
  let worker: InProcessWorker;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    conn = await adminConnection();
    settings = newWorkerSettings('mysqlinc', { 'rest.snapshots.additional.conditions.allow': 'true' });
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    await worker?.stop();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await conn?.end();
    await closeTestKafka();
  });

  async function setup(tag: string) {
    const db = uniqueName(`inc_${tag}`);
    const prefix = uniqueName(`inc_${tag}`);
    await conn.query(`CREATE DATABASE \`${db}\``);
    const signals = await createSignalTable(conn, db);
    cleanups.push(async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await cleanupWorkerTopics(settings, [`${prefix}.${db}.items`, `${prefix}.${db}.other`, `${prefix}.${db}.comp`, prefix,
        `${prefix}_b.${db}.items`, `${prefix}_b.${db}.other`, `${prefix}_b`]);
    });
    return { db, prefix, signals };
  }

  it('re-snapshots a table from a signal-table row while it changes: the topic still equals the table', async () => {
    const { db, prefix, signals } = await setup('sig');
    const chunk = 100;
    await seedItems(conn, db, 'items', 3000);
    await inWindowTrigger(conn, db, 'items', chunk);
    const name = uniqueName('inc');
    const topic = `${prefix}.${db}.items`;
    const res = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, {
        'table.include.list': `${db}\\.items`, 'signal.data.collection': signals, 'incremental.snapshot.chunk.size': String(chunk),
      }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await waitFor(async () => (await decodedTopic(topic)).length >= 3000, { timeoutMs: 60_000, message: 'initial snapshot' });

    const writerConn = await adminConnection();
    const writer = startWriter(writerConn, `\`${db}\`.items`, 3000);
    await waitFor(async () => (await decodedTopic(topic)).some((d) => d.value?.op === 'u'), { timeoutMs: 30_000, message: 'streaming' });
    const done = count(worker.logs(), COMPLETED);
    await insertSignal(conn, signals, 'execute-snapshot', { 'data-collections': [`${db}.items`], type: 'incremental' });
    const running = await waitForStatus(worker.url, name, (s) => s.tasks?.[0]?.progress?.incrementalSnapshot?.table === `${db}.items`);
    assert.equal(running.tasks[0].progress.incrementalSnapshot.paused, false);
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 120_000, message: 'incremental snapshot to complete' });
    await writer.stop();
    await writerConn.end();
    assert.ok(writer.ops() > 0);

    await assertTopicEqualsTable(conn, db, 'items', topic);
    assert.ok(await assertDeletedStayDeleted(conn, db, 'items', topic) > 0, 'the trigger deleted keys inside windows');
    const events = await decodedTopic(topic);
    const firstIncremental = events.findIndex(isIncremental);
    const firstUpdate = events.findIndex((d) => d.value?.op === 'u');
    assert.ok(firstIncremental > firstUpdate && firstUpdate >= 0, 'incremental op r events follow the streaming events');
    const incremental = events.filter(isIncremental).length;
    assert.ok(incremental > 1000 && incremental <= 3000, `incremental rows: ${incremental}`);
    // The signal table's own changes (watermarks, the command) are never emitted.
    assert.deepEqual(await decodedTopic(`${prefix}.${db}.debezium_signal`), []);
    const status = await waitForStatus(worker.url, name, (s) => s.tasks?.[0]?.progress?.phase === 'streaming');
    assert.ok(!status.tasks[0].progress.incrementalSnapshot, 'no incremental snapshot in the progress once done');
    // Offsets carry no incremental context once it completed
    await waitFor(async () => {
      const o = (await api(worker.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset ?? {};
      return o.file !== undefined && !Object.keys(o).some((k) => k.startsWith('incremental_snapshot'));
    }, { timeoutMs: 30_000, message: 'offset without incremental context' });
    await api(worker.url).delete(`/connectors/${name}`);
  });

  it('REST and signal table: additional conditions, pause/resume, composite keys; refused without signal.data.collection', async () => {
    const { db, prefix, signals } = await setup('cond');
    await seedItems(conn, db, 'items', 50);
    await seedItems(conn, db, 'other', 500);
    // Composite key: chunk bounds in MariaDB's expanded (a = ? AND b > ?) form
    await conn.query(`CREATE TABLE \`${db}\`.comp (a INT NOT NULL, b VARCHAR(8) NOT NULL, v INT, PRIMARY KEY (a, b))`);
    const compRows = Array.from({ length: 300 }, (_, i) => [i % 7, `b${String(i).padStart(3, '0')}`, i]);
    await conn.query(`INSERT INTO \`${db}\`.comp VALUES ?`, [compRows]);
    const name = uniqueName('inc');
    const bare = uniqueName('incbare');
    const config = await mysqlConnectorConfig(db, prefix, {
      'table.include.list': `${db}\\.items,${db}\\.other,${db}\\.comp`, 'signal.data.collection': signals, 'incremental.snapshot.chunk.size': '64',
    });
    assert.equal((await api(worker.url).post('/connectors', { name, config })).status, 201);
    const { 'signal.data.collection': _omit, ...noSignals } = config;
    assert.equal((await api(worker.url).post('/connectors', { name: bare, config: { ...noSignals, 'topic.prefix': `${prefix}_b`, 'database.server.id': String(Number(config['database.server.id']) + 1) } })).status, 201);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await waitForStatus(worker.url, bare, (s) => isRunning(s));
    const topic = `${prefix}.${db}.other`;
    await waitFor(async () => (await decodedTopic(topic)).length >= 500, { timeoutMs: 60_000, message: 'initial snapshot' });

    const refused = await api(worker.url).post(`/connectors/${bare}/snapshots`, { 'data-collections': [`${db}.other`] });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.text, /signal\.data\.collection/);
    const unknown = await api(worker.url).post(`/connectors/${name}/snapshots`, { 'data-collections': [`${db}.nope`] });
    assert.equal(unknown.status, 400, `${unknown.text} ${JSON.stringify((await api(worker.url).get(`/connectors/${name}/status`)).body)}`);
    assert.match(unknown.text, /nope/);

    // A missing signal table is reported on the key by config validation
    const checked = await api(worker.url).put('/connector-plugins/MySqlConnector/config/validate', {
      name: 'validate-me', ...config, 'signal.data.collection': `${db}.no_signals`,
    });
    const signalErrors = checked.body.configs.find((c: any) => c.value.name === 'signal.data.collection')?.value.errors ?? [];
    assert.match(signalErrors.join(' '), /does not exist.*CREATE TABLE/);

    const done = count(worker.logs(), COMPLETED);
    const ok = await api(worker.url).post(`/connectors/${name}/snapshots`, {
      'data-collections': [`${db}.other`], 'additional-conditions': [{ 'data-collection': `${db}.other`, filter: 'id % 7 = 0 OR id > 490' }],
    });
    assert.equal(ok.status, 202, ok.text);
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 60_000, message: 'incremental snapshot to complete' });
    const expected = Array.from({ length: 500 }, (_, i) => i + 1).filter((id) => id % 7 === 0 || id > 490);
    const ids = (await incrementalReads(topic, expected.length)).map((d) => (d.key as { id: number }).id);
    assert.deepEqual(ids, expected);
    assert.equal((await decodedTopic(`${prefix}.${db}.items`)).filter(isIncremental).length, 0, 'only the named table');

    // Signal-table pause/resume: execute and pause in one statement, so no chunk can start before the pause.
    const items = `${prefix}.${db}.items`;
    await conn.query(`INSERT INTO \`${db}\`.debezium_signal VALUES ('p-1', 'execute-snapshot', ?), ('p-2', 'pause-snapshot', NULL)`,
      [JSON.stringify({ 'data-collections': [`${db}.items`] })]);
    const paused = await waitForStatus(worker.url, name, (st) => st.tasks?.[0]?.progress?.incrementalSnapshot?.paused === true);
    assert.equal(paused.tasks[0].progress.incrementalSnapshot.chunks, 0);
    assert.equal((await decodedTopic(items)).filter(isIncremental).length, 0);
    const resumed = count(worker.logs(), COMPLETED);
    await insertSignal(conn, signals, 'resume-snapshot');
    await waitFor(() => count(worker.logs(), COMPLETED) > resumed, { timeoutMs: 60_000, message: 'resumed snapshot to complete' });
    assert.equal((await incrementalReads(items, 50)).length, 50);

    const before = count(worker.logs(), COMPLETED);
    assert.equal((await api(worker.url).post(`/connectors/${name}/snapshots`, { 'data-collections': [`${db}.comp`] })).status, 202);
    await waitFor(() => count(worker.logs(), COMPLETED) > before, { timeoutMs: 60_000, message: 'composite-key snapshot to complete' });
    const keys = (await incrementalReads(`${prefix}.${db}.comp`, compRows.length)).map((d) => d.key as { a: number; b: string });
    const sorted = compRows.map(([a, b]) => ({ a, b })).sort((x, y) => (x.a as number) - (y.a as number) || String(x.b).localeCompare(String(y.b)));
    assert.deepEqual(keys, sorted, 'every row once, in key order');

    // A filter the server rejects drops that table (logged, never fails the task); the next command still runs.
    const failedBefore = count(worker.logs(), 'incremental snapshot of the table failed');
    const bad = await api(worker.url).post(`/connectors/${name}/snapshots`, {
      'data-collections': [`${db}.other`], 'additional-conditions': [{ 'data-collection': `${db}.other`, filter: 'no_such_column = 1' }],
    });
    assert.equal(bad.status, 202, bad.text);
    await waitFor(() => count(worker.logs(), 'incremental snapshot of the table failed') > failedBefore, { timeoutMs: 30_000, message: 'bad filter reported' });
    await waitForStatus(worker.url, name, (st) => isRunning(st) && !st.tasks[0].progress?.incrementalSnapshot)
      .catch(async (e) => assert.fail(`${e.message}: ${JSON.stringify((await api(worker.url).get(`/connectors/${name}/status`)).body)}`));
    await api(worker.url).delete(`/connectors/${name}`);
    await api(worker.url).delete(`/connectors/${bare}`);
  });

  it('takes execute-snapshot from the Kafka signal topic (signal.enabled.channels=source,kafka)', async () => {
    const { db, prefix, signals } = await setup('kafka');
    await seedItems(conn, db, 'items', 300);
    const name = uniqueName('inc');
    const signalTopic = `${prefix}-signal`;
    cleanups.push(async () => { await (await testKafka()).deleteTopics([signalTopic]).catch(() => undefined); });
    const res = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, {
        'table.include.list': `${db}\\.items`, 'signal.data.collection': signals, 'incremental.snapshot.chunk.size': '64',
        'signal.enabled.channels': 'source,kafka', 'signal.kafka.groupId': uniqueName('inc_group'),
      }),
    });
    assert.equal(res.status, 201, res.text);
    const topic = `${prefix}.${db}.items`;
    await waitFor(async () => (await decodedTopic(topic)).length >= 300, { timeoutMs: 60_000, message: 'initial snapshot' });
    // The channel opens once the task streams and creates the default topic <topic.prefix>-signal.
    await waitFor(async () => (await (await testKafka()).listTopics()).includes(signalTopic), { timeoutMs: 60_000, message: 'signal topic' });
    await waitFor(() => worker.logs().includes('Kafka signal channel listening') && worker.logs().includes(signalTopic), { timeoutMs: 30_000, message: 'signal channel listening' });
    const done = count(worker.logs(), COMPLETED);
    const producer = (await testKafka()).createProducer({ idempotent: false });
    try {
      await producer.send([{
        topic: signalTopic, key: Buffer.from(prefix),
        value: Buffer.from(JSON.stringify({ id: 'k-1', type: 'execute-snapshot', data: { 'data-collections': [`${db}.items`], type: 'incremental' } })),
      }]);
    } finally {
      await producer.disconnect();
    }
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 60_000, message: 'incremental snapshot from the Kafka signal' });
    const ids = (await incrementalReads(topic, 300)).map((d) => (d.key as { id: number }).id);
    assert.deepEqual(ids, Array.from({ length: 300 }, (_, k) => k + 1));
    await api(worker.url).delete(`/connectors/${name}`);
  });
});

describe('MySQL connector: ad-hoc snapshot across a crash', () => {
  let conn: mysql.Connection;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    conn = await adminConnection();
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await conn?.end();
    await closeTestKafka();
  });

  it('a worker killed (SIGKILL) mid-re-snapshot resumes it from the committed chunk and the topic still equals the table', async () => {
    const db = uniqueName('inc_crash');
    const prefix = uniqueName('inc_crash');
    const settings = newWorkerSettings('mysqlinccrash');
    await conn.query(`CREATE DATABASE \`${db}\``);
    const signals = await createSignalTable(conn, db);
    const topic = `${prefix}.${db}.items`;
    cleanups.push(async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await cleanupWorkerTopics(settings, [topic, prefix]);
    });
    const rows = 10_000;
    const chunk = 200;
    await seedItems(conn, db, 'items', rows);
    await inWindowTrigger(conn, db, 'items', chunk);
    let worker: SpawnedWorker = await spawnWorker(settings);
    cleanups.push(async () => { await worker.kill(); });
    const name = uniqueName('inc');
    const res = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, {
        'table.include.list': `${db}\\.items`, 'signal.data.collection': signals, 'incremental.snapshot.chunk.size': String(chunk),
      }),
    });
    assert.equal(res.status, 201, res.text);
    await waitFor(async () => (await decodedTopic(topic)).length >= rows, { timeoutMs: 90_000, message: 'initial snapshot' });
    const writerConn = await adminConnection();
    const writer = startWriter(writerConn, `\`${db}\`.items`, rows);
    await insertSignal(conn, signals, 'execute-snapshot', { 'data-collections': [`${db}.items`] });

    // Kill once a few chunks are committed (the committed offset carries the context) but well before the end.
    const committed = async () => (await api(worker.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset as Record<string, string> | undefined;
    const at = await waitFor(async () => {
      const o = await committed();
      const key = o?.incremental_snapshot_primary_key ? (JSON.parse(o.incremental_snapshot_primary_key) as number[])[0]! : 0;
      return key >= 3 * chunk ? key : null;
    }, { timeoutMs: 90_000, intervalMs: 200, message: 'incremental snapshot under way, committed' });
    assert.ok(at < rows, `killed at key ${at}, before the end`);
    await worker.kill();
    worker = await spawnWorker(settings);
    await waitFor(() => worker.output().includes('incremental snapshot resumed from the offset'), { timeoutMs: 60_000, message: 'resumed from the offset' });
    await waitFor(() => worker.output().includes(COMPLETED), { timeoutMs: 180_000, message: 'resumed incremental snapshot to complete' });
    await writer.stop();
    await writerConn.end();
    await waitForStatus(worker.url, name, (s) => isRunning(s));

    await assertTopicEqualsTable(conn, db, 'items', topic);
    assert.ok(await assertDeletedStayDeleted(conn, db, 'items', topic) > 0);
    await waitFor(async () => (await decodedTopic(topic)).some((d) => isIncremental(d) && (d.key as { id: number }).id > at),
      { timeoutMs: 30_000, message: 'rows after the committed chunk to be read after the restart' });
    await worker.stop();
  });
});
