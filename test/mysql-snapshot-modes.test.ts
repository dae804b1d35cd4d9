/**
 * Each snapshot.mode against the real MariaDB and Kafka, including when_needed after the stored binlog position
 * was purged (and initial failing with the fix in its trace in the same situation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readTopic, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, decodedTopic, diffStates, materialise, mysqlConnectorConfig, tableState } from './mysql-helpers.js';

describe('MySQL connector: snapshot modes', () => {
  let conn: mysql.Connection;
  let settings: WorkerSettings;
  let worker: InProcessWorker;
  const topics: string[] = [];
  const dbs: string[] = [];

  before(async () => {
    conn = await adminConnection();
    settings = newWorkerSettings('mysqlmodes');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    await worker?.stop();
    for (const db of dbs) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    await conn?.end();
    if (settings) await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  /** A database with table `t` holding ids 1..rows, a connector on it, and the topic name. */
  async function start(tag: string, mode: string, rows = 20, extra: Record<string, string> = {}) {
    const db = uniqueName(`modes_${tag}`);
    const prefix = uniqueName(`modes_${tag}`);
    const name = uniqueName(tag);
    dbs.push(db);
    const topic = `${prefix}.${db}.t`;
    topics.push(topic, prefix, `__debezium-heartbeat.${prefix}`);
    await conn.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v VARCHAR(20))`);
    if (rows > 0) await conn.query(`INSERT INTO \`${db}\`.t VALUES ?`, [Array.from({ length: rows }, (_, i) => [i + 1, `v${i + 1}`])]);
    const res = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, { 'snapshot.mode': mode, ...extra }),
    });
    assert.equal(res.status, 201, res.text);
    return { db, prefix, name, topic };
  }

  const phase = async (name: string) => (await api(worker.url).get(`/connectors/${name}/status`)).body?.tasks?.[0]?.progress?.phase;
  const ops = async (topic: string) => (await decodedTopic(topic)).filter((d) => d.value !== null).map((d) => `${d.value!.op}:${(d.value!.after as any)?.id ?? (d.value!.before as any)?.id}`);

  it('initial: snapshot of existing rows, then changes', async () => {
    const { db, name, topic } = await start('initial', 'initial', 5);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await waitFor(async () => (await phase(name)) === 'streaming', { message: 'streaming' });
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (6, 'new')`);
    await waitFor(async () => (await ops(topic)).length === 6, { message: '6 events' });
    assert.deepEqual(await ops(topic), ['r:1', 'r:2', 'r:3', 'r:4', 'r:5', 'c:6']);
    const markers = (await decodedTopic(topic)).slice(0, 5).map((d) => (d.value!.source as any).snapshot);
    assert.deepEqual(markers, ['first', 'true', 'true', 'true', 'last']);
  });

  it('initial_only: snapshot, then the task has finished and reads no changes', async () => {
    const { name, topic } = await start('initonly', 'initial_only', 3);
    await waitFor(async () => (await phase(name)) === 'done', { message: 'task done' });
    assert.deepEqual(await ops(topic), ['r:1', 'r:2', 'r:3']);
    const offsets = (await api(worker.url).get(`/connectors/${name}/offsets`)).body.offsets;
    assert.equal(offsets[0].offset.snapshot_completed, true);
  });

  for (const mode of ['no_data', 'schema_only', 'never']) {
    it(`${mode}: no snapshot records, only changes after the start`, async () => {
      const { db, name, topic, prefix } = await start(mode, mode, 4, { 'heartbeat.interval.ms': '100' });
      await waitFor(async () => (await phase(name)) === 'streaming', { message: 'streaming' });
      await conn.query(`UPDATE \`${db}\`.t SET v = 'changed' WHERE id = 2; INSERT INTO \`${db}\`.t VALUES (10, 'x')`);
      await waitFor(async () => (await ops(topic)).length === 2, { message: '2 events' });
      assert.deepEqual(await ops(topic), ['u:2', 'c:10']);
      // Heartbeats: Debezium's key and value, also while the captured table is idle
      const beats = await waitFor(async () => { const d = await decodedTopic(`__debezium-heartbeat.${prefix}`); return d.length >= 2 ? d : undefined; },
        { message: 'heartbeats' });
      assert.deepEqual(beats[0]!.key, { serverName: prefix });
      assert.equal(typeof (beats[0]!.value as any).ts_ms, 'number');
    });
  }

  it('always: a new snapshot at every start', async () => {
    const { name, topic } = await start('always', 'always', 2);
    await waitFor(async () => (await ops(topic)).length === 2, { message: 'first snapshot' });
    await waitFor(async () => (await phase(name)) === 'streaming', { message: 'streaming' });
    const r = await api(worker.url).post(`/connectors/${name}/restart?includeTasks=true`);
    assert.ok(r.status < 300, r.text);
    await waitFor(async () => (await ops(topic)).length === 4, { message: 'second snapshot' });
    assert.deepEqual(await ops(topic), ['r:1', 'r:2', 'r:1', 'r:2']);
  });

  /** Stops the connector, writes while it is down, then purges every binlog file but a new one. */
  async function purgeWhileStopped(name: string, db: string) {
    // The server keeps binlog files a reader still reads: end every other connector's reader first
    for (const other of (await api(worker.url).get('/connectors')).body as string[]) {
      if (other !== name) assert.ok((await api(worker.url).delete(`/connectors/${other}`)).status < 300);
    }
    assert.equal((await api(worker.url).put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(worker.url, name, (s) => s.connector.state === 'STOPPED');
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (100, 'while down'); DELETE FROM \`${db}\`.t WHERE id = 1; UPDATE \`${db}\`.t SET v = 'upd' WHERE id = 2`);
    await conn.query('FLUSH BINARY LOGS');
    const [[status]] = await conn.query('SHOW MASTER STATUS') as any;
    await waitFor(async () => {
      await conn.query('PURGE BINARY LOGS TO ?', [status.File]);
      const [logs] = await conn.query('SHOW BINARY LOGS') as any;
      return logs[0].Log_name === status.File;
    }, { message: 'older binlogs purged (a file still read by a replica is kept)' });
    assert.equal((await api(worker.url).put(`/connectors/${name}/resume`)).status, 202);
  }

  it('when_needed: takes a new snapshot when the stored binlog position was purged', async () => {
    const { db, name, topic } = await start('whenneeded', 'when_needed', 10);
    await waitFor(async () => (await phase(name)) === 'streaming', { message: 'streaming' });
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (11, 'streamed')`);
    await waitFor(async () => (await ops(topic)).includes('c:11'), { message: 'streamed insert' });
    await purgeWhileStopped(name, db);
    await waitFor(async () => (await ops(topic)).filter((o) => o.startsWith('r:')).length >= 20, { message: 'second snapshot' });
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    // Every row of the table is in the topic with its current value, including changes made while stopped.
    // A row deleted while the binlog was lost cannot be known as deleted (as in Debezium): its key keeps its last value.
    const expected = await tableState(conn, db, 't', ['id']);
    const stale = new Set(['{"id":1}']);
    await waitFor(async () => {
      const actual = await materialise(topic);
      for (const k of stale) actual.delete(k);
      return diffStates(expected, actual).length === 0;
    }, { message: 'topic holds every row of the table' });
    assert.equal((await materialise(topic)).get('{"id":2}')?.v, 'upd');
    assert.equal((await materialise(topic)).get('{"id":100}')?.v, 'while down');
    // Changes after the new snapshot still stream
    await waitFor(async () => (await phase(name)) === 'streaming', { message: 'streaming again' });
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (12, 'after')`);
    await waitFor(async () => (await ops(topic)).includes('c:12'), { message: 'insert after re-snapshot' });
  });

  it('initial: fails with POSITION_LOST and the fix when the stored binlog position was purged', async () => {
    const { db, name, topic } = await start('lost', 'initial', 3);
    await waitFor(async () => (await phase(name)) === 'streaming', { message: 'streaming' });
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (4, 'x')`);
    await waitFor(async () => (await readTopic(topic)).length === 4, { message: 'streamed insert' });
    await purgeWhileStopped(name, db);
    const status = await waitForStatus(worker.url, name, (s) => s.tasks[0]?.state === 'FAILED');
    const trace: string = status.tasks[0].trace;
    assert.match(trace, /^POSITION_LOST: The server cannot send the binlog from the stored position \(/);
    assert.match(trace, /Fix: The binlog files this connector needs were purged from the server\. Reset the connector's offsets to take a new snapshot, or set snapshot\.mode=when_needed/);
  });
});
