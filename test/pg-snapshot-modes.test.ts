/**
 * snapshot.mode: initial, initial_only, no_data (and its aliases schema_only, never), when_needed, always; and what each
 * does when the replication slot is dropped behind the connector's back: when_needed re-snapshots, the others
 * fail with POSITION_LOST and the fix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { decodedTopic, diffStates, materialise, pgConnectorConfig, scratchDatabase, slotState, tableState, type ScratchDb } from './pg-helpers.js';

describe('PostgreSQL snapshot modes', () => {
  let db: ScratchDb;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const topics: string[] = [];
  const connectors: string[] = [];

  before(async () => {
    db = await scratchDatabase('pgmodes');
    await db.client.query(`CREATE TABLE items (id int PRIMARY KEY, v text)`);
    await db.client.query(`INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 50) g`);
    settings = newWorkerSettings('pgmodes');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    for (const name of connectors) await api(worker.url).delete(`/connectors/${name}`).catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await db?.drop();
    await cleanupWorkerTopics(settings, topics).catch(() => undefined);
    await closeTestKafka();
  });

  async function start(mode: string, extra: Record<string, string> = {}) {
    const name = uniqueName(`m_${mode}`);
    const prefix = uniqueName(`pgm_${mode}`);
    const slot = uniqueName(`pgm_${mode}`);
    topics.push(`${prefix}.public.items`);
    connectors.push(name);
    const res = await api(worker.url).post('/connectors', {
      name, config: await pgConnectorConfig(db.name, prefix, slot, { 'snapshot.mode': mode, 'slot.drop.on.stop': 'true', ...extra }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    return { name, prefix, slot, topic: `${prefix}.public.items` };
  }

  const streaming = (slot: string) =>
    waitFor(async () => (await slotState(db.client, slot))?.active === true, { timeoutMs: 30_000, message: `slot ${slot} streaming` });
  const ops = async (topic: string) => (await decodedTopic(topic)).filter((e) => e.value !== null).map((e) => e.value.op as string);
  const committedOffset = async (name: string) => (await api(worker.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset;
  const converged = async (topic: string) => {
    let diff: string[] = [];
    await waitFor(async () => (diff = diffStates(await tableState(db.client, 'SELECT id, v FROM items', ['id']), await materialise(topic))).length === 0,
      { timeoutMs: 60_000, message: `${topic} equals the table` }).catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}`));
  };
  /** Terminates the slot's reader and drops the slot (retrying while the reader reconnects). */
  const dropSlotBehindBack = (slot: string) => waitFor(async () => {
    await db.client.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL`, [slot]);
    await db.client.query(`SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
    return (await slotState(db.client, slot)) === null;
  }, { timeoutMs: 30_000, intervalMs: 50, message: 'slot dropped behind the connector' });

  it('initial: snapshot of existing rows, then changes', async () => {
    const c = await start('initial');
    await streaming(c.slot);
    await db.client.query(`UPDATE items SET v = 'initial' WHERE id = 1`);
    await converged(c.topic);
    const o = await ops(c.topic);
    assert.equal(o.filter((x) => x === 'r').length, 50);
    assert.ok(o.includes('u'));
    await db.client.query(`UPDATE items SET v = 'v1' WHERE id = 1`);
  });

  it('initial_only: snapshot, no slot, then idle', async () => {
    const c = await start('initial_only');
    await waitFor(async () => (await committedOffset(c.name))?.last_snapshot_record === true, { timeoutMs: 60_000, message: 'snapshot completed' });
    const o = await ops(c.topic);
    assert.deepEqual([o.length, o.every((x) => x === 'r')], [50, true]);
    assert.equal(await slotState(db.client, c.slot), null, 'no replication slot for a snapshot-only connector');
    assert.equal((await db.client.query(`SELECT 1 FROM pg_publication WHERE pubname = $1`, [`${c.slot}_pub`])).rowCount, 0);
  });

  for (const mode of ['no_data', 'schema_only', 'never']) {
    it(`${mode}: no snapshot, only changes made after the start`, async () => {
      const c = await start(mode);
      await streaming(c.slot);
      await db.client.query(`INSERT INTO items VALUES (1000, 'after start'); UPDATE items SET v = 'x' WHERE id = 1000`);
      await waitFor(async () => (await ops(c.topic)).length === 2, { timeoutMs: 30_000, message: 'changes' });
      assert.deepEqual(await ops(c.topic), ['c', 'u']);
      await db.client.query(`DELETE FROM items WHERE id = 1000`);
    });
  }

  it('always: a new snapshot at every start, then changes, nothing lost', async () => {
    const c = await start('always');
    await streaming(c.slot);
    await waitFor(async () => (await ops(c.topic)).length === 50, { timeoutMs: 60_000, message: 'first snapshot' });
    await db.client.query(`UPDATE items SET v = 'always' WHERE id = 2`);
    await waitFor(async () => (await ops(c.topic)).includes('u'), { timeoutMs: 30_000, message: 'change after the first snapshot' });
    const r = await api(worker.url).post(`/connectors/${c.name}/restart?includeTasks=true`);
    assert.ok(r.status < 300, r.text);
    await waitFor(async () => (await ops(c.topic)).filter((x) => x === 'r').length === 100, { timeoutMs: 60_000, message: 'second snapshot' });
    await streaming(c.slot);
    await db.client.query(`UPDATE items SET v = 'v2' WHERE id = 2`);
    await converged(c.topic);
  });

  it('when_needed: the slot dropped behind its back → a new slot and a new snapshot, nothing lost', async () => {
    const c = await start('when_needed', { 'slot.retry.delay.ms': '200' });
    await streaming(c.slot);
    await waitFor(async () => (await ops(c.topic)).length === 50, { timeoutMs: 30_000, message: 'first snapshot' });
    await db.client.query(`UPDATE items SET v = 'before drop' WHERE id = 2`);
    await waitFor(async () => (await ops(c.topic)).includes('u'), { timeoutMs: 30_000, message: 'update streamed' });
    await dropSlotBehindBack(c.slot);
    // Changes while there is no slot are not in any WAL stream we can read: only a new snapshot has them.
    await db.client.query(`UPDATE items SET v = 'while gone' WHERE id = 3; DELETE FROM items WHERE id = 4`);
    await waitFor(async () => (await ops(c.topic)).filter((x) => x === 'r').length >= 50 + 49, { timeoutMs: 60_000, message: 'second snapshot' });
    await streaming(c.slot);
    await db.client.query(`UPDATE items SET v = 'after' WHERE id = 5`);
    // Row 4 was deleted while no slot existed: the re-snapshot cannot emit a delete for it, as in Debezium.
    let diff: string[] = [];
    await waitFor(async () => {
      const expected = await tableState(db.client, 'SELECT id, v FROM items', ['id']);
      const actual = await materialise(c.topic);
      actual.delete(JSON.stringify({ id: 4 }));
      return (diff = diffStates(expected, actual)).length === 0;
    }, { timeoutMs: 60_000, message: 'topic equals table after re-snapshot' }).catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}`));
    assert.ok((await api(worker.url).get(`/connectors/${c.name}/status`)).body.tasks[0].state === 'RUNNING');
  });

  it('initial: the slot dropped behind its back → FAILED with POSITION_LOST and the fix', async () => {
    const c = await start('initial', { 'slot.retry.delay.ms': '200' });
    await streaming(c.slot);
    await db.client.query(`UPDATE items SET v = 'committed' WHERE id = 6`);
    // An offset must exist: before the first commit there is none, and the slot is active during the snapshot too.
    await waitFor(async () => {
      const offset = await committedOffset(c.name);
      return offset !== undefined && offset.snapshot === undefined;
    }, { timeoutMs: 30_000, message: 'streaming offset committed' });
    await dropSlotBehindBack(c.slot);
    const status = await waitForStatus(worker.url, c.name, (s) => s.tasks[0]?.state === 'FAILED', 'task FAILED');
    const trace: string = status.tasks[0].trace;
    assert.match(trace, /POSITION_LOST: Replication slot "[a-z0-9_]+" (no longer exists|does not exist)/);
    assert.match(trace, /snapshot\.mode=when_needed/);
  });
});
