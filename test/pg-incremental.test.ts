/**
 * Ad-hoc (incremental) snapshots of the PostgreSQL connector against real PostgreSQL and Kafka: an
 * `execute-snapshot` row in the signal table re-reads a table in chunks while streaming goes on and a writer
 * changes it. Each chunk is deduplicated against the stream with watermarks, so at the end the topic still
 * equals the table: a key deleted or updated while its chunk was in flight is neither resurrected nor
 * overwritten with an older value. A trigger on the signal table makes such in-window changes certain: on every
 * close watermark it deletes and updates random rows in the same transaction, i.e. after the chunk was read
 * and before its rows are emitted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { parseConfig, type SnapshotCommand } from '../src/connect-api/index.js';
import { postgresConnectorPlugin } from '../src/connectors/postgres/index.js';
import { createKafkaClient, plaintextConnection } from '../src/kafka/index.js';
import { startSourceTask, type RunningTask } from '../src/runtime/source-task-runner.js';
import { createKafkaOffsetStore } from '../src/storage/index.js';
import { createJsonConverter } from '../schemas/index.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, memoryLogger, newWorkerSettings, spawnWorker, startInProcessWorker, testKafka, waitForStatus,
  type InProcessWorker, type SpawnedWorker, type WorkerSettings,
} from './harness/worker.js';
import {
  createSignalTable, decodedTopic, diffStates, insertSignal, materialise, materialiseRecords, pgClient, pgConnectorConfig,
  scratchDatabase, schemaOf, slotState, tableState, watchSlot, type Decoded, type ScratchDb,
} from './pg-helpers.js';

const SIGNALS = 'public.debezium_signal';
const COMPLETED = 'incremental snapshot completed';

/** Random updates, deletes and inserts of `items`-shaped tables until stopped. */
function startWriter(c: pg.Client, table: string, keyRange: number, touches: (id: number) => boolean = () => true) {
  let stopping = false;
  let ops = 0;
  const key = (): number => {
    for (;;) {
      const k = 1 + Math.floor(Math.random() * keyRange);
      if (touches(k)) return k;
    }
  };
  const done = (async () => {
    while (!stopping) {
      const k = key();
      const op = Math.random();
      if (op < 0.45) await c.query(`UPDATE ${table} SET qty = qty + 1, name = 'w' || $2 WHERE id = $1`, [k, ops]);
      else if (op < 0.75) await c.query(`DELETE FROM ${table} WHERE id = $1`, [k]);
      else await c.query(`INSERT INTO ${table} VALUES ($1, 'ins', 0) ON CONFLICT (id) DO UPDATE SET name = 'upsert'`, [k]);
      ops++;
    }
  })();
  return { ops: () => ops, async stop() { stopping = true; await done; } };
}

const isIncremental = (d: Decoded): boolean => d.value?.op === 'r' && d.value.source.snapshot === 'incremental';
const count = (text: string, needle: string): number => text.split(needle).length - 1;

async function assertTopicEqualsTable(c: pg.Client, select: string, topic: string, key: string[] = ['id']): Promise<void> {
  let diff: string[] = [];
  await waitFor(async () => (diff = diffStates(await tableState(c, select, key), await materialise(topic))).length === 0,
    { timeoutMs: 60_000, intervalMs: 500, message: `${topic} to equal its table` })
    .catch((e) => assert.fail(`${(e as Error).message}\n${diff.join('\n')}`));
}

/**
 * Waits until every key in 1..maxId the writer never touches has an incremental read after event `from`.
 * "completed" is logged when the last window is emitted, before Kafka has acknowledged it.
 */
async function assertEveryUntouchedRowReRead(topic: string, from: number, maxId: number, touches: (id: number) => boolean): Promise<void> {
  let missing: number[] = [];
  await waitFor(async () => {
    const read = new Set((await decodedTopic(topic)).slice(from).filter(isIncremental).map((e) => e.value.after.id as number));
    missing = [];
    for (let id = 1; id <= maxId; id++) if (!touches(id) && !read.has(id)) missing.push(id);
    return missing.length === 0;
  }, { timeoutMs: 60_000, intervalMs: 500, message: 'every untouched row to be re-read' })
    .catch(() => assert.fail(`${missing.length} untouched rows never re-read, first: ${missing.slice(0, 10).join(', ')}`));
}

describe('PostgreSQL connector: ad-hoc snapshots from the signal table', () => {
  let db: ScratchDb;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const prefix = uniqueName('pginc');
  const slot = uniqueName('pginc');
  const name = uniqueName('pginc');
  const items = `${prefix}.public.items`;
  const big = `${prefix}.public.big`;
  const comp = `${prefix}.public.t_comp`;
  const trunc = `${prefix}.public.trunc_t`;

  before(async () => {
    db = await scratchDatabase('pginc');
    const c = db.client;
    await c.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int)`);
    await c.query(`INSERT INTO items SELECT g, 'item' || g, g FROM generate_series(1, 3000) g`);
    await c.query(`CREATE TABLE big (id int PRIMARY KEY, name text NOT NULL, qty int)`);
    await c.query(`INSERT INTO big SELECT g, 'big' || g, g FROM generate_series(1, 30000) g`);
    // A composite key of bigint and text: keys compared as text on both sides (stream and chunk).
    await c.query(`CREATE TABLE t_comp (a bigint NOT NULL, b text NOT NULL, v numeric(10,2), PRIMARY KEY (a, b))`);
    await c.query(`INSERT INTO t_comp SELECT g % 400, 'b' || (g / 400), g / 4.0 FROM generate_series(1, 4000) g`);
    await createSignalTable(c, SIGNALS);
    // Changes inside every chunk window: in the close watermark's own transaction, before its row.
    await c.query(`CREATE TABLE trunc_t (id int PRIMARY KEY, v text)`);
    await c.query(`INSERT INTO trunc_t SELECT g, 'v' || g FROM generate_series(1, 1000) g`);
    await c.query(`CREATE TABLE chaos (enabled boolean NOT NULL, trunc boolean NOT NULL, pause_after int NOT NULL)`);
    await c.query(`INSERT INTO chaos VALUES (false, false, 0)`);
    await c.query(`CREATE TABLE victims (id int NOT NULL)`);
    await c.query(`
      CREATE FUNCTION in_window() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'snapshot-window-close' AND (SELECT enabled FROM chaos) THEN
          WITH d AS (DELETE FROM items WHERE id IN (SELECT id FROM items ORDER BY random() LIMIT 20) RETURNING id)
            INSERT INTO victims SELECT id FROM d;
          UPDATE items SET name = 'late', qty = -1 WHERE id IN (SELECT id FROM items ORDER BY random() LIMIT 20);
          DELETE FROM t_comp WHERE (a, b) IN (SELECT a, b FROM t_comp ORDER BY random() LIMIT 20);
          UPDATE t_comp SET v = -1 WHERE (a, b) IN (SELECT a, b FROM t_comp ORDER BY random() LIMIT 20);
        END IF;
        IF NEW.type = 'snapshot-window-close' AND (SELECT trunc FROM chaos) THEN
          UPDATE chaos SET trunc = false;
          TRUNCATE trunc_t;
          INSERT INTO trunc_t VALUES (100001, 'after the truncate');
        END IF;
        -- A pause-snapshot signal right before the n-th close watermark: exactly n chunks, then paused.
        IF NEW.type = 'snapshot-window-close' AND (SELECT pause_after FROM chaos) > 0 THEN
          UPDATE chaos SET pause_after = pause_after - 1;
          IF (SELECT pause_after FROM chaos) = 0 THEN
            INSERT INTO debezium_signal VALUES ('p-' || md5(NEW.id), 'pause-snapshot', '{}');
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await c.query(`CREATE TRIGGER in_window BEFORE INSERT ON debezium_signal FOR EACH ROW EXECUTE FUNCTION in_window()`);
    settings = newWorkerSettings('pginc', { 'rest.snapshots.additional.conditions.allow': 'true' });
    worker = await startInProcessWorker(settings);
    const res = await api(worker.url).post('/connectors', {
      name,
      config: await pgConnectorConfig(db.name, prefix, slot, {
        'slot.drop.on.stop': 'true', 'table.include.list': 'public.items,public.big,public.t_comp,public.trunc_t', 'publication.autocreate.mode': 'filtered',
        'signal.data.collection': SIGNALS, 'decimal.handling.mode': 'string', 'skipped.operations': 'none', 'incremental.snapshot.chunk.size': '200', 'snapshot.fetch.size': '5000',
      }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await waitFor(async () => (await materialise(items)).size === 3000 && (await materialise(big)).size === 30000 && (await materialise(comp)).size === 4000
      && (await materialise(trunc)).size === 1000,
      { timeoutMs: 120_000, intervalMs: 500, message: 'initial snapshot' });
    await waitFor(async () => (await slotState(db.client, slot))?.active === true, { timeoutMs: 30_000, message: 'streaming' });
  });

  after(async () => {
    if (worker) await api(worker.url).delete(`/connectors/${name}`).catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await db?.drop();
    await cleanupWorkerTopics(settings, [items, big, comp, trunc]).catch(() => undefined);
    await closeTestKafka();
  });

  it('adds the signal table to a filtered publication and emits nothing of it', async () => {
    const pub = (await db.client.query(`SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1`, [`${slot}_pub`])).rows.map((r) => r.t);
    assert.deepEqual(pub, ['public.big', 'public.debezium_signal', 'public.items', 'public.t_comp', 'public.trunc_t']);
    const topics = await (await testKafka()).listTopics();
    assert.deepEqual(topics.filter((t) => t.startsWith(prefix)).sort(), [big, items, comp, trunc]);
  });

  it('with a user-managed publication (disabled): refuses a config whose publication lacks the signal table, and fails at start when it was removed', async () => {
    const slot2 = uniqueName('pginc_dis');
    const name2 = uniqueName('pginc_dis');
    const pub = `${slot2}_pub`;
    await db.client.query(`CREATE PUBLICATION ${pub} FOR TABLE items`);
    const config = await pgConnectorConfig(db.name, uniqueName('pginc_dis'), slot2, {
      'slot.drop.on.stop': 'true', 'table.include.list': 'public.items', 'publication.autocreate.mode': 'disabled', 'signal.data.collection': SIGNALS,
    });
    try {
      const refused = await api(worker.url).post('/connectors', { name: name2, config });
      assert.equal(refused.status, 400, refused.text);
      assert.match(refused.body.message, /debezium_signal is not in publication/);
      assert.match(refused.body.message, /ALTER PUBLICATION .* ADD TABLE "public"."debezium_signal"/);

      await db.client.query(`ALTER PUBLICATION ${pub} ADD TABLE debezium_signal`);
      const res = await api(worker.url).post('/connectors', { name: name2, config });
      assert.equal(res.status, 201, res.text);
      await waitForStatus(worker.url, name2, (s) => isRunning(s));
      await db.client.query(`ALTER PUBLICATION ${pub} DROP TABLE debezium_signal`);
      assert.equal((await api(worker.url).post(`/connectors/${name2}/restart?includeTasks=true`)).status < 300, true);
      const status = await waitForStatus(worker.url, name2, (s) => s.tasks[0]?.state === 'FAILED', 'task to fail');
      assert.match(status.tasks[0].trace, /debezium_signal is not in publication/);
      assert.match(status.tasks[0].trace, /ALTER PUBLICATION .* ADD TABLE "public"."debezium_signal"/);
    } finally {
      await api(worker.url).delete(`/connectors/${name2}`);
      await db.client.query(`DROP PUBLICATION ${pub}`);
    }
  });

  it('re-snapshots under concurrent writes and in-window changes: the topic equals the table, deleted keys stay deleted', async () => {
    const before = (await decodedTopic(items)).length;
    const writerConn = await pgClient(db.name);
    const writer = startWriter(writerConn, 'items', 3500);
    await db.client.query('UPDATE chaos SET enabled = true');
    await insertSignal(db.client, SIGNALS, 'execute-snapshot', { 'data-collections': ['public.items'], type: 'incremental' });
    await waitFor(() => count(worker.logs(), COMPLETED) >= 1, { timeoutMs: 120_000, message: 'ad-hoc snapshot to complete' });
    await db.client.query('UPDATE chaos SET enabled = false');
    await writer.stop();
    await writerConn.end();
    assert.ok(writer.ops() > 0);

    await assertTopicEqualsTable(db.client, 'SELECT id, name, qty FROM items', items);
    const victims = (await db.client.query('SELECT id FROM victims')).rows.map((r) => r.id as number);
    assert.ok(victims.length >= 20, 'the trigger deleted rows inside chunk windows');
    const state = await materialise(items);
    const resurrected = victims.filter((id) => state.has(JSON.stringify({ id })));
    const reinserted = new Set((await db.client.query('SELECT id FROM items WHERE id = ANY($1)', [victims])).rows.map((r) => r.id as number));
    assert.deepEqual(resurrected.filter((id) => !reinserted.has(id)), [], 'keys deleted inside a window are not resurrected');

    const events = (await decodedTopic(items)).slice(before);
    const reads = events.filter(isIncremental);
    assert.ok(reads.length > 1000, `incremental reads: ${reads.length}`);
    assert.equal(events.filter((e) => e.value?.op === 'r' && e.value.source.snapshot !== 'incremental').length, 0);
    // After a key's last delete, no incremental read of it follows (unless the writer re-inserted it).
    for (const id of victims) {
      if (reinserted.has(id)) continue;
      let idx = -1;
      events.forEach((e, i) => { if (e.value?.op === 'd' && e.value.before.id === id) idx = i; });
      if (idx < 0) continue;
      assert.equal(events.slice(idx).some((e) => isIncremental(e) && e.value.after.id === id), false, `key ${id} read again after its delete`);
    }

    // An incremental read looks exactly like the initial snapshot's read of an unchanged row.
    const all = await decodedTopic(items);
    const firstRead = new Map(all.filter((e) => e.value?.op === 'r' && e.value.source.snapshot !== 'incremental').map((e) => [e.value.after.id, e]));
    const touched = new Set(all.filter((e) => e.value !== null && e.value.op !== 'r').map((e) => (e.value.after ?? e.value.before).id));
    const same = reads.find((r) => !touched.has(r.value.after.id) && firstRead.has(r.value.after.id))!;
    assert.ok(same, 'an untouched row was re-read');
    const initial = firstRead.get(same.value.after.id)!;
    assert.deepEqual(same.key, initial.key);
    assert.deepEqual(same.value.after, initial.value.after);
    assert.deepEqual(schemaOf(same.record.value), schemaOf(initial.record.value));
    assert.deepEqual(schemaOf(same.record.key), schemaOf(initial.record.key));
    assert.equal(same.value.source.table, 'items');
    assert.equal(typeof same.value.source.lsn, 'number');
  });

  it('deduplicates composite bigint/text keys against in-window changes', async () => {
    const before = (await decodedTopic(comp)).length;
    const done = count(worker.logs(), COMPLETED);
    await db.client.query('UPDATE chaos SET enabled = true');
    await insertSignal(db.client, SIGNALS, 'execute-snapshot', { 'data-collections': ['public.t_comp'] });
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 120_000, message: 'ad-hoc snapshot to complete' });
    await db.client.query('UPDATE chaos SET enabled = false');
    await assertTopicEqualsTable(db.client, 'SELECT a::float8 AS a, b, v::text AS v FROM t_comp', comp, ['a', 'b']);
    const reads = (await decodedTopic(comp)).slice(before).filter(isIncremental);
    assert.ok(reads.length > 1000, `incremental reads: ${reads.length}`);
    assert.deepEqual(Object.keys(reads[0]!.key), ['a', 'b']);
  });

  it('drops a chunk read before a TRUNCATE inside its window', async () => {
    const done = count(worker.logs(), COMPLETED);
    await db.client.query('UPDATE chaos SET trunc = true');
    await insertSignal(db.client, SIGNALS, 'execute-snapshot', { 'data-collections': ['public.trunc_t'] });
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 60_000, message: 'ad-hoc snapshot to complete' });
    assert.equal((await db.client.query('SELECT trunc FROM chaos')).rows[0].trunc, false, 'the truncate happened');
    await assertTopicEqualsTable(db.client, 'SELECT id, v FROM trunc_t', trunc);
    assert.deepEqual([...(await materialise(trunc)).keys()], ['{"id":100001}']);
  });

  it('re-reads only the rows matching additional-conditions', async () => {
    const before = (await decodedTopic(items)).length;
    const done = count(worker.logs(), COMPLETED);
    await insertSignal(db.client, SIGNALS, 'execute-snapshot', {
      'data-collections': ['public.items'], type: 'incremental',
      'additional-conditions': [{ 'data-collection': 'public.items', filter: 'id % 10 = 3' }],
    });
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 60_000, message: 'filtered snapshot to complete' });
    await waitFor(async () => {
      const reads = (await decodedTopic(items)).slice(before).filter(isIncremental);
      const expected = Number((await db.client.query('SELECT count(*) AS n FROM items WHERE id % 10 = 3')).rows[0].n);
      return reads.length === expected;
    }, { timeoutMs: 30_000, message: 'one read per matching row' });
    const reads = (await decodedTopic(items)).slice(before).filter(isIncremental);
    assert.ok(reads.length > 0);
    assert.deepEqual(reads.filter((r) => r.value.after.id % 10 !== 3).map((r) => r.value.after.id), []);
    await assertTopicEqualsTable(db.client, 'SELECT id, name, qty FROM items', items);
  });

  it('takes commands over REST (POST/DELETE /connectors/{name}/snapshots) through the task', async () => {
    const bad = await api(worker.url).post(`/connectors/${name}/snapshots`, { 'data-collections': ['public.nope'] });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.body.message, /not a captured table/);
    const none = await api(worker.url).delete(`/connectors/${name}/snapshots`);
    assert.equal(none.status, 400, none.text);
    assert.match(none.body.message, /no incremental snapshot/);
    const before = (await decodedTopic(items)).length;
    const done = count(worker.logs(), COMPLETED);
    const ok = await api(worker.url).post(`/connectors/${name}/snapshots`, {
      'data-collections': ['public.items'], 'additional-conditions': [{ 'data-collection': 'public.items', filter: 'id <= 100' }],
    });
    assert.equal(ok.status, 202, ok.text);
    await waitFor(() => count(worker.logs(), COMPLETED) > done, { timeoutMs: 60_000, message: 'REST snapshot to complete' });
    const expected = Number((await db.client.query('SELECT count(*) AS n FROM items WHERE id <= 100')).rows[0].n);
    await waitFor(async () => (await decodedTopic(items)).slice(before).filter(isIncremental).length === expected,
      { timeoutMs: 30_000, message: 'one read per matching row' });
  });

  it('pauses, and resumes after a worker restart from the last committed chunk', async () => {
    const touches = (id: number): boolean => id % 7 === 0;
    const writerConn = await pgClient(db.name);
    const writer = startWriter(writerConn, 'big', 30000, touches);
    const before = (await decodedTopic(big)).length;
    await db.client.query('UPDATE chaos SET pause_after = 10');
    await insertSignal(db.client, SIGNALS, 'execute-snapshot', { 'data-collections': ['public.big'] });
    await waitForStatus(worker.url, name, (s) => s.tasks[0]?.progress?.incrementalSnapshot?.paused === true, 'paused in the progress report');
    const status = (await api(worker.url).get(`/connectors/${name}/status`)).body;
    const progress = status.tasks[0].progress.incrementalSnapshot;
    assert.equal(progress.table, 'public.big');
    assert.deepEqual(progress.tables, []);
    assert.equal(progress.chunks, 10, 'no chunk starts while paused');
    assert.ok(progress.rows > 0);
    const offset = await waitFor(async () => {
      const o = (await api(worker.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset as Record<string, unknown> | undefined;
      return typeof o?.incremental_snapshot_primary_key === 'string' && String(o.incremental_snapshot_collections).includes('public.big') ? o : undefined;
    }, { timeoutMs: 30_000, message: 'committed offset with the incremental context' });
    const committedKey = JSON.parse(offset.incremental_snapshot_primary_key as string)[0] as number;
    assert.ok(committedKey < 30000, 'paused mid-table');

    await worker.stop();
    const boundary = (await decodedTopic(big)).length;
    worker = await startInProcessWorker(settings);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    // A pause is not kept across restarts; a resume signal is harmless either way.
    await insertSignal(db.client, SIGNALS, 'resume-snapshot');
    await waitFor(() => count(worker.logs(), COMPLETED) >= 1, { timeoutMs: 120_000, message: 'resumed snapshot to complete' });
    await writer.stop();
    await writerConn.end();

    const events = await decodedTopic(big);
    const afterRestart = events.slice(boundary).filter(isIncremental);
    assert.ok(afterRestart.length > 0);
    assert.ok(afterRestart[0]!.value.after.id > committedKey, `resumed after key ${committedKey}, not from the start (first: ${afterRestart[0]!.value.after.id})`);
    await assertEveryUntouchedRowReRead(big, before, 30000, touches);
    await assertTopicEqualsTable(db.client, 'SELECT id, name, qty FROM big', big);
  });
});

describe('PostgreSQL connector: an ad-hoc snapshot survives a crash (SIGKILL)', () => {
  let db: ScratchDb;
  let worker: SpawnedWorker | null = null;
  const settings = newWorkerSettings('pginc_crash');
  const prefix = uniqueName('pginc_crash');
  const slot = uniqueName('pginc_crash');
  const topic = `${prefix}.public.big`;
  after(async () => {
    await worker?.kill();
    await db?.drop();
    await cleanupWorkerTopics(settings, [topic]).catch(() => undefined);
    await closeTestKafka();
  });

  it('resumes after the last committed chunk, the topic equals the table, and the slot never passes Kafka', async () => {
    db = await scratchDatabase('pginc_crash');
    await db.client.query(`CREATE TABLE big (id int PRIMARY KEY, name text NOT NULL, qty int)`);
    await db.client.query(`INSERT INTO big SELECT g, 'big' || g, g FROM generate_series(1, 20000) g`);
    await createSignalTable(db.client, SIGNALS);
    // Pauses the snapshot right before the 20th close watermark, so the crash surely comes mid-table.
    await db.client.query(`CREATE TABLE ctl (pause_after int NOT NULL)`);
    await db.client.query(`INSERT INTO ctl VALUES (0)`);
    await db.client.query(`
      CREATE FUNCTION pause_later() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'snapshot-window-close' AND (SELECT pause_after FROM ctl) > 0 THEN
          UPDATE ctl SET pause_after = pause_after - 1;
          IF (SELECT pause_after FROM ctl) = 0 THEN
            INSERT INTO debezium_signal VALUES ('p-' || md5(NEW.id), 'pause-snapshot', '{}');
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await db.client.query(`CREATE TRIGGER pause_later BEFORE INSERT ON debezium_signal FOR EACH ROW EXECUTE FUNCTION pause_later()`);
    worker = await spawnWorker(settings);
    const name = uniqueName('pginc_crash');
    const res = await api(worker.url).post('/connectors', {
      name,
      config: await pgConnectorConfig(db.name, prefix, slot, {
        'table.include.list': 'public.big', 'publication.autocreate.mode': 'filtered', 'signal.data.collection': SIGNALS,
        'incremental.snapshot.chunk.size': '100', 'slot.retry.delay.ms': '500', 'slot.max.retries': '60',
      }),
    });
    assert.equal(res.status, 201, res.text);
    await waitFor(async () => (await materialise(topic)).size === 20000, { timeoutMs: 120_000, intervalMs: 500, message: 'initial snapshot' });
    const watch = watchSlot(db.client, slot, settings.offsetTopic, prefix);
    const touches = (id: number): boolean => id % 5 === 0;
    const writerConn = await pgClient(db.name);
    const writer = startWriter(writerConn, 'big', 20000, touches);
    const before = (await decodedTopic(topic)).length;
    await db.client.query('UPDATE ctl SET pause_after = 20');
    await insertSignal(db.client, SIGNALS, 'execute-snapshot', { 'data-collections': ['public.big'] });
    await waitFor(async () => (await db.client.query('SELECT pause_after FROM ctl')).rows[0].pause_after === 0, { timeoutMs: 60_000, message: 'paused' });
    const offset = await waitFor(async () => {
      const o = (await api(worker!.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset as Record<string, unknown> | undefined;
      return typeof o?.incremental_snapshot_primary_key === 'string' ? o : undefined;
    }, { timeoutMs: 60_000, message: 'committed offset with the incremental context' });
    const committedKey = JSON.parse(offset.incremental_snapshot_primary_key as string)[0] as number;
    await worker.kill();
    worker = await spawnWorker(settings);
    const w = worker;
    // The pause is not kept in the offset, but the stream replayed from an older committed offset may carry
    // the pause signal again; a resume signal, later in the stream, continues either way.
    await insertSignal(db.client, SIGNALS, 'resume-snapshot');
    await waitFor(() => w.logLines().some((l) => l.msg === COMPLETED), { timeoutMs: 120_000, message: 'snapshot to complete after the crash' });
    await writer.stop();
    await writerConn.end();

    await assertEveryUntouchedRowReRead(topic, before, 20000, touches);
    assert.ok(committedKey < 20000);
    assert.ok(w.logLines().some((l) => l.msg === 'incremental snapshot resumed from the offset'), 'resumed from the committed context');
    await assertTopicEqualsTable(db.client, 'SELECT id, name, qty FROM big', topic);
    await watch.stop();
    assert.ok(watch.samples() > 0);
    assert.deepEqual(watch.violations, []);
    await api(w.url).delete(`/connectors/${name}`);
  });
});

describe('PostgreSQL task: signal() for the REST and Kafka channels', () => {
  let db: ScratchDb;
  const cleanups: Array<() => Promise<void>> = [];
  before(async () => {
    db = await scratchDatabase('pgincsig');
    await db.client.query(`CREATE TABLE items (id int PRIMARY KEY, v text)`);
    await db.client.query(`INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 500) g`);
    await db.client.query(`CREATE TABLE nokey (v text)`);
    await createSignalTable(db.client, SIGNALS);
    cleanups.push(() => db.drop());
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await closeTestKafka();
  });

  async function runTask(extra: Record<string, string>) {
    const services = await testServices();
    const prefix = uniqueName('pgincsig');
    const slot = uniqueName('pgincsig');
    const offsetTopic = uniqueName('pgincsig_offsets');
    const kafka = createKafkaClient({ connection: plaintextConnection(services.kafkaBrokers), clientId: 'pgincsig', logger: memoryLogger('silent').logger });
    const producer = kafka.createProducer();
    const offsetStore = createKafkaOffsetStore(kafka, { topic: offsetTopic, partitions: 1, replicationFactor: -1 });
    await offsetStore.start();
    const props = await pgConnectorConfig(db.name, prefix, slot, { 'slot.drop.on.stop': 'true', ...extra });
    delete props['connector.class'];
    delete props['tasks.max'];
    const parsed = parseConfig(postgresConnectorPlugin.configDef, props);
    assert.deepEqual(parsed.errors, {});
    const logs = memoryLogger('info');
    const task = postgresConnectorPlugin.createTask();
    const running: RunningTask = startSourceTask({
      connectorName: 'pgincsig', taskId: 0, task, config: props, settings: parsed.settings,
      producer, offsetStore, statusStore: null, keyConverter: createJsonConverter({ schemasEnable: true, isKey: true }),
      valueConverter: createJsonConverter({ schemasEnable: true, isKey: false }), topicCreation: null, logger: logs.logger,
      offsetFlushIntervalMs: 100,
    });
    cleanups.push(async () => {
      await running.stop();
      await producer.disconnect();
      await offsetStore.stop();
      await (await testKafka()).deleteTopics([offsetTopic, `${prefix}.public.items`, `${prefix}.public.nokey`]).catch(() => undefined);
      await kafka.close();
      await db.client.query('SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active', [slot]).catch(() => undefined);
    });
    await waitFor(async () => (await slotState(db.client, slot))?.active === true, { timeoutMs: 60_000, message: 'streaming' });
    await waitFor(() => running.progress()?.phase === 'streaming', { timeoutMs: 30_000, message: 'streaming phase' });
    return { task, running, prefix, logs };
  }

  const execute = (...tables: string[]): SnapshotCommand => ({ kind: 'execute', id: uniqueName('rest'), dataCollections: tables, conditions: {}, surrogateKey: null });

  it('refuses ad-hoc snapshots without signal.data.collection', async () => {
    const { task } = await runTask({});
    const refused = task.signal!(execute('public.items'));
    assert.match(refused ?? '', /signal\.data\.collection/);
  });

  it('with a signal table: refuses unknown and keyless tables, accepts a captured one and reports progress', async () => {
    const { task, running, prefix } = await runTask({ 'signal.data.collection': SIGNALS, 'incremental.snapshot.chunk.size': '50' });
    assert.match(task.signal!(execute('public.nope')) ?? '', /not a captured table/);
    assert.match(task.signal!(execute('public.nokey')) ?? '', /primary key/);
    assert.match(task.signal!({ kind: 'stop', id: 's', dataCollections: null }) ?? '', /no incremental snapshot/);
    assert.equal(task.signal!(execute('public.items')), null);
    const topic = `${prefix}.public.items`;
    await waitFor(async () => (await decodedTopic(topic)).filter(isIncremental).length === 500, { timeoutMs: 60_000, message: 'all rows re-read' });
    const state = materialiseRecords(await decodedTopic(topic));
    assert.equal(state.size, 500);
    await waitFor(() => running.progress()?.incrementalSnapshot === null, { timeoutMs: 30_000, message: 'progress: none running' });
  });

  it('abandons an ad-hoc snapshot whose additional condition fails, and streaming goes on', async () => {
    const { task, running, prefix } = await runTask({ 'signal.data.collection': SIGNALS });
    const bad: SnapshotCommand = { ...execute('public.items'), conditions: { 'public.items': 'no_such_column > 1' } } as SnapshotCommand;
    assert.equal(task.signal!(bad), null);
    await waitFor(() => /no_such_column/.test(String(running.progress()?.incrementalSnapshotError ?? '')), { timeoutMs: 30_000, message: 'error in the progress report' });
    assert.equal(running.progress()?.incrementalSnapshot, null);
    await db.client.query(`INSERT INTO items VALUES (100000, 'after the failure')`);
    await waitFor(async () => (await materialise(`${prefix}.public.items`)).has('{"id":100000}'), { timeoutMs: 30_000, message: 'streaming goes on' });
    await db.client.query(`DELETE FROM items WHERE id = 100000`);
    assert.equal(task.signal!(execute('public.items')), null, 'a new snapshot is accepted');
  });

  it('goes on from the last emitted chunk when its chunk connection dies mid-statement', async () => {
    // Its own signal table, whose trigger kills the inserting session at the 3rd open watermark (a sequence
    // counts: it survives the killed transaction).
    const sig = await createSignalTable(db.client, 'public.sig_kill');
    await db.client.query(`CREATE SEQUENCE kill_seq`);
    await db.client.query(`
      CREATE FUNCTION kill_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'snapshot-window-open' AND nextval('kill_seq') = 3 THEN
          PERFORM pg_terminate_backend(pg_backend_pid());
        END IF;
        RETURN NEW;
      END $$`);
    await db.client.query(`CREATE TRIGGER kill_once BEFORE INSERT ON sig_kill FOR EACH ROW EXECUTE FUNCTION kill_once()`);
    const { task, running, prefix, logs } = await runTask({ 'signal.data.collection': sig, 'incremental.snapshot.chunk.size': '50' });
    assert.equal(task.signal!(execute('public.items')), null);
    const topic = `${prefix}.public.items`;
    await waitFor(async () => new Set((await decodedTopic(topic)).filter(isIncremental).map((e) => e.value.after.id)).size === 500,
      { timeoutMs: 60_000, message: 'every row re-read' })
      .catch((e) => assert.fail(`${(e as Error).message}\n${logs.text().split('\n').filter((l) => /incremental|snapshot|chunk/i.test(l)).slice(-15).join('\n')}`));
    await waitFor(() => running.progress()?.incrementalSnapshot === null, { timeoutMs: 30_000, message: 'progress: none running' });
    assert.equal(running.progress()?.incrementalSnapshotError, undefined);
    assert.ok(Number((await db.client.query(`SELECT last_value FROM kill_seq`)).rows[0].last_value) > 3, 'the session was killed and the snapshot went on');
    assert.match(logs.text(), /transient error/);
    const reads = (await decodedTopic(topic)).filter(isIncremental).length;
    assert.ok(reads <= 550, `at most the interrupted chunk is read twice (${reads} reads)`);
  });
});
