/**
 * End-to-end basics of the PostgreSQL connector in a worker: snapshot, streaming of inserts/updates/deletes,
 * Debezium envelope and source block, the slot's confirmed LSN following what Kafka committed, and the slot
 * dropped on delete with slot.drop.on.stop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { decodedTopic, diffStates, lsnValue, materialise, pgConnectorConfig, scratchDatabase, slotState, tableState, type ScratchDb } from './pg-helpers.js';

describe('PostgreSQL connector: snapshot then streaming', () => {
  let db: ScratchDb;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const prefix = uniqueName('pgs');
  const slot = uniqueName('pgs_slot');
  const topic = `${prefix}.public.items`;

  before(async () => {
    db = await scratchDatabase('pgs');
    await db.client.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int)`);
    await db.client.query(`INSERT INTO items SELECT g, 'item' || g, g * 10 FROM generate_series(1, 500) g`);
    settings = newWorkerSettings('pgs');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    await worker?.stop().catch(() => undefined);
    await db?.drop();
    await cleanupWorkerTopics(settings, [topic]).catch(() => undefined);
    await closeTestKafka();
  });

  it('captures the snapshot and later changes, and advances the slot only to committed positions', async () => {
    const name = uniqueName('pgs');
    const res = await api(worker.url).post('/connectors', {
      name, config: await pgConnectorConfig(db.name, prefix, slot, { 'slot.drop.on.stop': 'true', 'snapshot.fetch.size': '100' }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await waitFor(async () => (await materialise(topic)).size === 500, { timeoutMs: 60_000, message: 'snapshot rows' });

    await db.client.query(`INSERT INTO items VALUES (1000, 'new', 1)`);
    await db.client.query(`UPDATE items SET qty = qty + 1 WHERE id <= 10`);
    await db.client.query(`DELETE FROM items WHERE id BETWEEN 11 AND 20`);
    await db.client.query(`BEGIN; UPDATE items SET name = 'tx' WHERE id = 30; INSERT INTO items VALUES (1001, 'tx', null); COMMIT`);

    const expected = await tableState(db.client, 'SELECT id, name, qty FROM items', ['id']);
    let diff: string[] = [];
    await waitFor(async () => (diff = diffStates(expected, await materialise(topic))).length === 0, { timeoutMs: 60_000, message: 'topic equals table' })
      .catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}`));

    const events = await decodedTopic(topic);
    const snap = events.filter((e) => e.value?.op === 'r');
    assert.equal(snap.length, 500);
    assert.equal(snap[0]!.value.source.snapshot, 'first');
    assert.equal(snap.at(-1)!.value.source.snapshot, 'last');
    const ins = events.find((e) => e.value?.op === 'c')!;
    assert.deepEqual(ins.key, { id: 1000 });
    assert.deepEqual(ins.value.after, { id: 1000, name: 'new', qty: 1 });
    assert.equal(ins.value.before, null);
    const src = ins.value.source;
    assert.equal(src.connector, 'postgresql');
    assert.equal(src.name, prefix);
    assert.equal(src.db, db.name);
    assert.equal(src.schema, 'public');
    assert.equal(src.table, 'items');
    assert.equal(src.snapshot, 'false');
    assert.equal(typeof src.txId, 'number');
    assert.equal(typeof src.lsn, 'number');
    const seq = JSON.parse(src.sequence);
    assert.equal(seq.length, 2);
    const del = events.find((e) => e.value?.op === 'd')!;
    assert.deepEqual(del.value.before, { id: 11, name: '', qty: null }, 'REPLICA IDENTITY DEFAULT: key-only before image');
    const tombstoneAfterDelete = events[events.indexOf(del) + 1]!;
    assert.deepEqual([tombstoneAfterDelete.key, tombstoneAfterDelete.value], [{ id: 11 }, null]);

    // The slot confirms what is committed: eventually at least the last transaction's end.
    await waitFor(async () => {
      const s = await slotState(db.client, slot);
      return s !== null && s.active && s.confirmedFlushLsn !== null && s.confirmedFlushLsn >= BigInt(src.lsn);
    }, { timeoutMs: 30_000, message: 'slot confirmed LSN to pass the committed events' });

    assert.equal((await api(worker.url).delete(`/connectors/${name}`)).status, 204);
    await waitFor(async () => (await slotState(db.client, slot)) === null, { timeoutMs: 30_000, message: 'slot dropped (slot.drop.on.stop)' });
  });
});

describe('PostgreSQL connector: heartbeats, reconnects, filters', () => {
  let db: ScratchDb;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const topics: string[] = [];
  const names: string[] = [];

  before(async () => {
    db = await scratchDatabase('pgs2');
    await db.client.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, secret text, qty int)`);
    await db.client.query(`CREATE TABLE other (id serial PRIMARY KEY, v text)`);
    await db.client.query(`CREATE TABLE hb_log (at timestamptz NOT NULL)`);
    await db.client.query(`INSERT INTO items SELECT g, 'item' || g, 'pw' || g, g FROM generate_series(1, 20) g`);
    settings = newWorkerSettings('pgs2');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    for (const n of names) await api(worker.url).delete(`/connectors/${n}`).catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await db?.drop();
    await cleanupWorkerTopics(settings, topics).catch(() => undefined);
    await closeTestKafka();
  });

  async function start(extra: Record<string, string>) {
    const name = uniqueName('pgs2');
    const prefix = uniqueName('pgs2');
    const slot = uniqueName('pgs2');
    topics.push(`${prefix}.public.items`, `__debezium-heartbeat.${prefix}`);
    names.push(name);
    const res = await api(worker.url).post('/connectors', {
      name, config: await pgConnectorConfig(db.name, prefix, slot, { 'slot.drop.on.stop': 'true', 'table.include.list': 'public.items', ...extra }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await waitFor(async () => (await slotState(db.client, slot))?.active === true, { timeoutMs: 30_000, message: 'streaming' });
    return { name, prefix, slot, topic: `${prefix}.public.items` };
  }
  const walNow = async () => lsnValue((await db.client.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l);

  it('heartbeats move the slot while captured tables are quiet, and run heartbeat.action.query', async () => {
    const c = await start({ 'heartbeat.interval.ms': '200', 'heartbeat.action.query': 'INSERT INTO hb_log VALUES (now())' });
    for (let i = 0; i < 20; i++) await db.client.query(`INSERT INTO other (v) VALUES ('not captured')`);
    const target = await walNow();
    await waitFor(async () => ((await slotState(db.client, c.slot))?.confirmedFlushLsn ?? 0n) >= target,
      { timeoutMs: 30_000, message: 'slot confirmed past writes to uncaptured tables' });
    const hb = await decodedTopic(`__debezium-heartbeat.${c.prefix}`);
    assert.ok(hb.length > 0);
    assert.deepEqual(hb[0]!.key, { serverName: c.prefix });
    assert.equal(typeof hb[0]!.value.ts_ms, 'number');
    assert.ok(Number((await db.client.query('SELECT count(*) AS n FROM hb_log')).rows[0].n) > 0, 'heartbeat.action.query ran');
    const status = await waitForStatus(worker.url, c.name, (s) => typeof s.tasks[0]?.progress?.retainedWalBytes === 'number', 'retained WAL reported');
    assert.equal(status.tasks[0].progress.phase, 'streaming');
    assert.ok(status.tasks[0].progress.retainedWalBytes >= 0);
  });

  it('reconnects after the server ends its connections, losing nothing', async () => {
    const c = await start({ 'slot.retry.delay.ms': '200' });
    await waitFor(async () => (await materialise(c.topic)).size === 20, { timeoutMs: 30_000, message: 'snapshot' });
    for (let round = 0; round < 3; round++) {
      await db.client.query(`UPDATE items SET qty = qty + 1 WHERE id % 3 = $1`, [round]);
      // What a server restart does to our sessions: the walsender and the SQL connections end (57P01).
      await db.client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'tscdc%' AND pid <> pg_backend_pid()`, [db.name]);
      await db.client.query(`INSERT INTO items VALUES ($1, 'after kill', null, $1)`, [100 + round]);
    }
    const expected = await tableState(db.client, 'SELECT id, name, secret, qty FROM items', ['id']);
    let diff: string[] = [];
    let lastStatus: unknown = null;
    await waitFor(async () => {
      lastStatus = (await api(worker.url).get(`/connectors/${c.name}/status`)).body;
      return (diff = diffStates(expected, await materialise(c.topic))).length === 0;
    }, { timeoutMs: 60_000, message: 'topic equals table' })
      .catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}\nstatus: ${JSON.stringify(lastStatus)}`));
    assert.ok(isRunning((await api(worker.url).get(`/connectors/${c.name}/status`)).body));
  });

  it('accepts a config update while its own task holds the slot', async () => {
    const c = await start({});
    const current = (await api(worker.url).get(`/connectors/${c.name}/config`)).body as Record<string, string>;
    const res = await api(worker.url).put(`/connectors/${c.name}/config`, { ...current, 'heartbeat.interval.ms': '1000' });
    assert.equal(res.status, 200, res.text);
    await db.client.query(`UPDATE items SET qty = 7 WHERE id = 2`);
    await waitFor(async () => (await materialise(c.topic)).get('{"id":2}')?.qty === 7, { timeoutMs: 30_000, message: 'change after the update' });
  });

  it('applies column.exclude.list and message.key.columns to snapshot and streaming alike', async () => {
    const c = await start({ 'column.exclude.list': 'public.items.secret', 'message.key.columns': 'public.items:name' });
    await db.client.query(`UPDATE items SET qty = -1 WHERE id = 1`);
    const events = await waitFor(async () => {
      const e = await decodedTopic(c.topic);
      return e.some((x) => x.value?.op === 'u') ? e : undefined;
    }, { timeoutMs: 30_000, message: 'update event' });
    const snap = events.find((e) => e.value?.op === 'r' && e.value.after.id === 1)!;
    const upd = events.find((e) => e.value?.op === 'u')!;
    assert.deepEqual(snap.key, { name: 'item1' });
    assert.deepEqual(upd.key, { name: 'item1' });
    assert.deepEqual(Object.keys(snap.value.after), ['id', 'name', 'qty']);
    assert.deepEqual(upd.value.after, { id: 1, name: 'item1', qty: -1 });
  });
});
