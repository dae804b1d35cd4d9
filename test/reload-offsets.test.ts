/**
 * Reloading a whole connector through Kafka Connect's offsets API (KIP-875), for MariaDB and PostgreSQL:
 * stop → DELETE /offsets → resume takes a new snapshot (op "r") and streaming goes on, with a writer changing
 * the table throughout; the topic materialised equals the table. PATCH /offsets moves the connector
 * (MariaDB: back to an earlier binlog position, re-delivering from there; PostgreSQL: forward, skipping) and
 * refuses positions the server no longer has.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import * as my from './mysql-helpers.js';
import * as pgh from './pg-helpers.js';

type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

/** Updates, deletes and re-inserts on keys 1..keys until stopped; deterministic per seed. */
function startWriter(exec: Exec, sql: { update: string; del: string; insert: string }, keys: number, seed: number) {
  let x = seed;
  const next = (n: number) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
  let stopping = false;
  let ops = 0;
  const done = (async () => {
    while (!stopping) {
      const id = 1 + next(keys);
      const op = next(10);
      if (op < 6) await exec(sql.update, [`w${ops}`, id]);
      else if (op < 8) await exec(sql.del, [id]);
      else await exec(sql.insert, [id, `i${ops}`]);
      ops++;
    }
  })();
  return {
    ops: () => ops,
    async stop() { stopping = true; await done; },
  };
}

const RESET_MESSAGE = 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';

function harness(prefix: string) {
  const h = {
    settings: null as unknown as WorkerSettings,
    worker: null as unknown as InProcessWorker,
    topics: [] as string[],
    http: () => api(h.worker.url),
    async start() {
      h.settings = newWorkerSettings(prefix);
      h.worker = await startInProcessWorker(h.settings);
    },
    async stopConnector(name: string) {
      assert.equal((await h.http().put(`/connectors/${name}/stop`)).status, 204);
      await waitForStatus(h.worker.url, name, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0);
    },
    async resume(name: string) {
      assert.equal((await h.http().put(`/connectors/${name}/resume`)).status, 202);
      await waitForStatus(h.worker.url, name, (s) => isRunning(s));
    },
    async offsets(name: string): Promise<Array<{ partition: any; offset: any }>> {
      return (await h.http().get(`/connectors/${name}/offsets`)).body.offsets;
    },
    async close() {
      await h.worker?.stop().catch(() => undefined);
      await cleanupWorkerTopics(h.settings, h.topics).catch(() => undefined);
    },
  };
  return h;
}

async function converged(what: string, expected: () => Promise<Map<string, unknown>>, actual: () => Promise<Map<string, unknown>>) {
  let diff: string[] = [];
  await waitFor(async () => (diff = my.diffStates(await expected() as never, await actual() as never)).length === 0,
    { timeoutMs: 90_000, message: `${what}: topic equals table` }).catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}`));
}

describe('reload through the offsets API: MariaDB', () => {
  const h = harness('reload_my');
  let conn: mysql.Connection;
  const db = uniqueName('reload_my');
  const prefix = uniqueName('rmy');
  const topic = `${prefix}.${db}.t`;
  const name = uniqueName('reload_my');
  const table = () => my.tableState(conn, db, 't', ['id']);
  // Rows deleted while the connector was stopped are not in the new snapshot, so their old events stay in the
  // topic: consumers rebuild from the new snapshot's first record (documented in docs/reloading.md).
  let reloadStart = 0;
  const sinceReload = async () => pgh.materialiseRecords((await my.decodedTopic(topic)).slice(reloadStart));
  const ops = async () => (await my.decodedTopic(topic)).filter((d) => d.value !== null).map((d) => ({ op: d.value!.op as string, key: d.key as { id: number } }));

  before(async () => {
    conn = await my.adminConnection();
    await conn.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v VARCHAR(40))`);
    await conn.query(`INSERT INTO \`${db}\`.t VALUES ?`, [Array.from({ length: 2000 }, (_, i) => [i + 1, `v${i + 1}`])]);
    await h.start();
    h.topics.push(topic, prefix);
    const res = await h.http().post('/connectors', { name, config: await my.mysqlConnectorConfig(db, prefix, { 'snapshot.fetch.size': '50' }) });
    assert.equal(res.status, 201, res.text);
    await converged('first snapshot', table, () => my.materialise(topic));
  });

  after(async () => {
    await h.http().delete(`/connectors/${name}`).catch(() => undefined);
    await h.close();
    await conn?.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    await conn?.end();
    await closeTestKafka();
  });

  it('stop → DELETE /offsets → resume: a new snapshot under a concurrent writer, then streaming; topic equals table', async () => {
    const snapshotReads = (await ops()).filter((o) => o.op === 'r').length;
    const exec: Exec = (sql, params) => conn.query(sql, params);
    const writer = startWriter(exec, {
      update: `UPDATE \`${db}\`.t SET v = ? WHERE id = ?`,
      del: `DELETE FROM \`${db}\`.t WHERE id = ?`,
      insert: `INSERT INTO \`${db}\`.t VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)`,
    }, 2500, 7);
    try {
      await h.stopConnector(name);
      const reset = await h.http().delete(`/connectors/${name}/offsets`);
      assert.deepEqual([reset.status, reset.body], [200, { message: RESET_MESSAGE }]);
      assert.deepEqual(await h.offsets(name), []);
      reloadStart = (await my.decodedTopic(topic)).length;
      await h.resume(name);
      await waitFor(async () => (await ops()).filter((o) => o.op === 'r').length >= snapshotReads + 1500, { timeoutMs: 90_000, message: 'a second snapshot' });
      await waitFor(async () => (await h.offsets(name))[0]?.offset.snapshot_completed === true, { timeoutMs: 90_000, message: 'snapshot completed' });
    } finally {
      await writer.stop();
    }
    assert.ok(writer.ops() > 0);
    await conn.query(`UPDATE \`${db}\`.t SET v = 'after reload' WHERE id = (SELECT MIN(id) FROM \`${db}\`.t)`);
    await converged('after reset', table, sinceReload);
    const fresh = (await my.decodedTopic(topic)).slice(reloadStart);
    assert.equal(fresh[0]!.value!.op, 'r', 'consumers see the new snapshot first');
    assert.equal((fresh[0]!.value!.source as any).snapshot, 'first', 'marked as the first record of a snapshot, where consumers rebuild');
    const after = await ops();
    assert.equal(after.at(-1)!.op, 'u', 'streaming continued after the new snapshot');
  });

  it('PATCH /offsets to an earlier binlog position re-delivers the changes from there', async () => {
    const [[before]] = await conn.query('SHOW MASTER STATUS') as any;
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (9001, 'a'), (9002, 'b'); UPDATE \`${db}\`.t SET v = 'c' WHERE id = 9001`);
    const count = async () => (await ops()).filter((o) => o.key.id === 9001 || o.key.id === 9002).length;
    await waitFor(async () => (await count()) === 3, { message: 'changes streamed once' });
    await h.stopConnector(name);
    const partition = (await h.offsets(name))[0]!.partition;
    assert.deepEqual(partition, { server: prefix });
    const moved = await h.http().patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: { file: before.File, pos: Number(before.Position) } }] });
    assert.equal(moved.status, 200, moved.text);
    await h.resume(name);
    await waitFor(async () => (await count()) === 6, { message: 'the 3 changes delivered again' });
    const again = (await ops()).filter((o) => o.key.id === 9001 || o.key.id === 9002).map((o) => `${o.op}:${o.key.id}`);
    assert.deepEqual(again, ['c:9001', 'c:9002', 'u:9001', 'c:9001', 'c:9002', 'u:9001']);
    await converged('after PATCH', table, sinceReload);
  });

  it('PATCH /offsets to a position the server no longer has is refused with the reason, offsets unchanged', async () => {
    await h.stopConnector(name);
    const current = await h.offsets(name);
    const partition = current[0]!.partition;
    const [logs] = await conn.query('SHOW BINARY LOGS') as any;
    const oldest: string = logs[0].Log_name;
    const m = /^(.*\.)(\d+)$/.exec(oldest)!;
    const purged = `${m[1]}${String(Number(m[2]) - 1).padStart(m[2]!.length, '0')}`;
    const patch = (offset: unknown) => h.http().patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset }] });

    const gone = await patch({ file: purged, pos: 4 });
    assert.equal(gone.status, 400);
    assert.match(gone.body.message, new RegExp(`binlog file ${purged.replace(/\./g, '\\.')} is not on the server \\(purged or never existed; the server has ${oldest.replace(/\./g, '\\.')} to`));
    const beyond = await patch({ file: oldest, pos: Number(logs[0].File_size) + 1000 });
    assert.equal(beyond.status, 400);
    assert.match(beyond.body.message, /is beyond the end of/);
    const [[state]] = await conn.query('SELECT BINLOG_GTID_POS(?, 4) AS g', [oldest]) as any;
    if (state.g) {
      const [domain, server] = String(state.g).split(',')[0]!.split('-');
      const purgedGtid = await patch({ file: oldest, pos: 4, gtids: `${domain}-${server}-0` });
      assert.equal(purgedGtid.status, 400);
      assert.match(purgedGtid.body.message, /GTID position .* was purged/);
    }
    assert.deepEqual(await h.offsets(name), current, 'a refused PATCH changes nothing');
    await h.resume(name);
  });
});

describe('reload through the offsets API: PostgreSQL', () => {
  const h = harness('reload_pg');
  let db: pgh.ScratchDb;
  const prefix = uniqueName('rpg');
  const slot = uniqueName('rpg');
  const topic = `${prefix}.public.t`;
  const name = uniqueName('reload_pg');
  const table = () => pgh.tableState(db.client, 'SELECT id, v FROM t', ['id']);
  let reloadStart = 0;
  const sinceReload = async () => pgh.materialiseRecords((await pgh.decodedTopic(topic)).slice(reloadStart));
  const ops = async () => (await pgh.decodedTopic(topic)).filter((d) => d.value !== null).map((d) => ({ op: d.value.op as string, key: d.key as { id: number } }));
  const currentLsn = async (c: pg.Client) => pgh.lsnValue((await c.query(`SELECT pg_current_wal_lsn()::text AS l`)).rows[0].l);

  before(async () => {
    db = await pgh.scratchDatabase('reload_pg');
    await db.client.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 2000) g`);
    await h.start();
    h.topics.push(topic, prefix);
    const res = await h.http().post('/connectors', {
      name, config: await pgh.pgConnectorConfig(db.name, prefix, slot, { 'slot.drop.on.stop': 'true', 'snapshot.fetch.size': '50' }),
    });
    assert.equal(res.status, 201, res.text);
    await converged('first snapshot', table, () => pgh.materialise(topic));
  });

  after(async () => {
    await h.http().delete(`/connectors/${name}`).catch(() => undefined);
    await h.close();
    await db?.drop();
    await closeTestKafka();
  });

  it('stop → DELETE /offsets → resume: the slot is recreated, a new snapshot under a concurrent writer, then streaming; topic equals table', async () => {
    const snapshotReads = (await ops()).filter((o) => o.op === 'r').length;
    const writerClient = await pgh.pgClient(db.name);
    const writer = startWriter((sql, params) => writerClient.query(sql, params), {
      update: 'UPDATE t SET v = $1 WHERE id = $2',
      del: 'DELETE FROM t WHERE id = $1',
      insert: 'INSERT INTO t VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v',
    }, 2500, 11);
    try {
      await h.stopConnector(name);
      const oldSlot = await pgh.slotState(db.client, slot);
      assert.ok(oldSlot && !oldSlot.active, 'the slot outlives a stop');
      // Changes while stopped: the new snapshot has their result; replaying them from the old slot after it would not be consistent.
      await db.client.query(`INSERT INTO t VALUES (9100, 'gap'); UPDATE t SET v = 'final' WHERE id = 9100`);
      const reset = await h.http().delete(`/connectors/${name}/offsets`);
      assert.deepEqual([reset.status, reset.body], [200, { message: RESET_MESSAGE }]);
      assert.deepEqual(await h.offsets(name), []);
      const lsnAtReset = await currentLsn(db.client);
      reloadStart = (await pgh.decodedTopic(topic)).length;
      await h.resume(name);
      await waitFor(async () => (await ops()).filter((o) => o.op === 'r').length >= snapshotReads + 1500, { timeoutMs: 90_000, message: 'a second snapshot' });
      await waitFor(async () => {
        const o = (await h.offsets(name))[0]?.offset;
        return o && o.snapshot === undefined;
      }, { timeoutMs: 90_000, message: 'streaming offsets after the snapshot' });
      const newSlot = await pgh.slotState(db.client, slot);
      assert.ok(newSlot && newSlot.confirmedFlushLsn! >= lsnAtReset, 'a new slot, created after the reset, starts where the new snapshot was taken');
    } finally {
      await writer.stop();
      await writerClient.end();
    }
    await db.client.query(`UPDATE t SET v = 'after reload' WHERE id = (SELECT min(id) FROM t)`);
    await converged('after reset', table, sinceReload);
    const fresh = (await pgh.decodedTopic(topic)).slice(reloadStart);
    assert.equal(fresh[0]!.value.op, 'r', 'consumers see the new snapshot first');
    assert.equal(fresh[0]!.value.source.snapshot, 'first', 'marked as the first record of a snapshot, where consumers rebuild');
    const gap = fresh.filter((d) => d.key.id === 9100).map((d) => `${d.value.op}:${d.value.after.v}`);
    assert.deepEqual(gap, ['r:final'], 'the new snapshot is consistent with where streaming starts: no replay of older changes after it');
    assert.equal((await ops()).at(-1)!.op, 'u', 'streaming continued after the new snapshot');
  });

  it('PATCH /offsets moves the connector forward (changes before the position are skipped); a position before the slot is refused', async () => {
    await h.stopConnector(name);
    const current = await h.offsets(name);
    const partition = current[0]!.partition;
    assert.deepEqual(partition, { server: prefix });
    await db.client.query(`INSERT INTO t VALUES (9001, 'skipped')`);
    const target = Number(await currentLsn(db.client));

    const back = await h.http().patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: { lsn: 1, lsn_proc: 1, ts_usec: 0 } }] });
    assert.equal(back.status, 400);
    assert.match(back.body.message, new RegExp(`The offsets cannot be used: LSN 0/1 is before the replication slot "${slot}" position`));
    const future = await h.http().patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: { lsn: target * 4, lsn_proc: target * 4, ts_usec: 0 } }] });
    assert.equal(future.status, 400);
    assert.match(future.body.message, /beyond the server's current WAL end/);
    assert.deepEqual(await h.offsets(name), current, 'a refused PATCH changes nothing');

    const moved = await h.http().patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: { lsn: target, lsn_proc: target, ts_usec: 0 } }] });
    assert.equal(moved.status, 200, moved.text);
    await h.resume(name);
    await db.client.query(`INSERT INTO t VALUES (9002, 'streamed')`);
    await waitFor(async () => (await ops()).some((o) => o.key.id === 9002), { message: 'a change after the position' });
    assert.ok(!(await ops()).some((o) => o.key.id === 9001), 'the change before the new position was skipped');
    await db.client.query(`DELETE FROM t WHERE id = 9001`);
  });
});
