/**
 * Exactly-once source delivery (KIP-618, `exactly.once.source.support=enabled`): every task writes its records
 * and its source offsets in one Kafka transaction, so a read_committed consumer sees every change once — across
 * SIGKILLs of the worker during snapshot and streaming — and a fenced earlier producer writes nothing visible.
 *
 * readTopic (the test bed's reader) reads as a read_committed consumer: the first case checks that it skips
 * aborted transactions, so the later counts mean what they say.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, counterConfig, counterValues, isRunning, newWorkerSettings, readTopic, spawnWorker,
  testKafka, waitForStatus, type SpawnedWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig, payloadOf } from './mysql-helpers.js';
import { pgClient, pgConnectorConfig, scratchDatabase } from './pg-helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await closeTestKafka();
});

/** A worker group with exactly-once on; the helper restarts its worker by SIGKILL. */
async function eosWorker(tag: string): Promise<{ settings: WorkerSettings; current: () => SpawnedWorker; all: () => SpawnedWorker[]; kill9AndRestart: () => Promise<void> }> {
  const settings = newWorkerSettings(`eos_${tag}`, { 'exactly.once.source.support': 'enabled' });
  let worker = await spawnWorker(settings);
  const all = [worker];
  cleanups.push(() => worker.kill());
  return {
    settings,
    current: () => worker,
    all: () => all,
    async kill9AndRestart() {
      await worker.kill();
      worker = await spawnWorker(settings);
      all.push(worker);
    },
  };
}

/**
 * Per key, the `v` values of the update events: with `UPDATE ... SET v = v + 1` as the only writes after the
 * snapshot, each value appears once (no duplicate) and they run without a gap up to the table's final value.
 */
function checkIncrements(events: Array<{ key: unknown; value: any }>, finalByKey: Map<string, number>): string[] {
  const problems: string[] = [];
  const snapshotReads = new Map<string, number>();
  const updates = new Map<string, number[]>();
  for (const e of events) {
    if (e.value === null) continue;
    const k = JSON.stringify(e.key);
    if (e.value.op === 'r') snapshotReads.set(k, (snapshotReads.get(k) ?? 0) + 1);
    else if (e.value.op === 'u') (updates.get(k) ?? updates.set(k, []).get(k)!).push(Number(e.value.after.v));
    else problems.push(`${k}: unexpected op ${e.value.op}`);
  }
  for (const [k, n] of snapshotReads) if (n !== 1) problems.push(`${k}: read ${n} times by the snapshot`);
  for (const [k, final] of finalByKey) {
    if (!snapshotReads.has(k)) problems.push(`${k}: never read by the snapshot`);
    const values = updates.get(k) ?? [];
    if (new Set(values).size !== values.length) problems.push(`${k}: duplicate updates ${JSON.stringify(values)}`);
    if (values.length === 0) continue;
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (max !== final) problems.push(`${k}: last update v=${max}, table has ${final}`);
    if (max - min + 1 !== new Set(values).size) problems.push(`${k}: updates with a gap ${JSON.stringify(values)}`);
  }
  return problems;
}

interface Writer { ops(): number; stop(): Promise<void> }

function startUpdater(update: (id: number) => Promise<unknown>, rows: number): Writer {
  let ops = 0;
  let stopping = false;
  const done = (async () => {
    while (!stopping) {
      await update(1 + ((ops * 7919) % rows));
      ops++;
    }
  })();
  return { ops: () => ops, async stop() { stopping = true; await done; } };
}

describe('exactly-once source delivery', () => {
  it('a read_committed reader sees committed transactions only; a fenced producer cannot commit', async () => {
    const kafka = await testKafka();
    const topic = uniqueName('eos_txn');
    await kafka.ensureTopic(topic, { partitions: 2, replicationFactor: -1 });
    cleanups.push(() => kafka.deleteTopics([topic]));
    const id = uniqueName('txid');
    const msg = (k: string) => ({ topic, key: Buffer.from(k), value: null });
    const first = kafka.createTransactionalProducer({ transactionalId: id });
    cleanups.push(() => first.disconnect());
    await first.begin();
    await first.send([msg('committed-1')]);
    await first.commit();
    await first.begin();
    await first.send([msg('aborted')]);
    await first.abort();
    await first.begin();
    await first.send([msg('zombie')]);
    // A successor with the same transactional id fences the first producer and aborts its open transaction.
    const second = kafka.createTransactionalProducer({ transactionalId: id });
    cleanups.push(() => second.disconnect());
    await second.fence();
    await assert.rejects(first.commit(), (err: { code?: string }) => err.code === 'KAFKA_PRODUCER_FENCED');
    await second.begin();
    await second.send([msg('committed-2')]);
    await second.commit();
    const keys = (await readTopic(topic)).map((r) => r.key).sort();
    assert.deepEqual(keys, ['committed-1', 'committed-2']);
  });

  it('counter connector: exactly the sequence 0..n-1 across three SIGKILLs', async () => {
    const w = await eosWorker('counter');
    const topic = uniqueName('eos_counter');
    cleanups.push(() => cleanupWorkerTopics(w.settings, [topic]));
    const name = uniqueName('c');
    const res = await api(w.current().url).post('/connectors', { name, config: counterConfig(topic, { 'batch.size': '37', 'interval.ms': '5' }) });
    assert.equal(res.status, 201, res.text);
    for (let kill = 1; kill <= 3; kill++) {
      const before = (await counterValues(topic)).length;
      await waitFor(async () => (await counterValues(topic)).length >= before + 300, { message: `records flowing before kill ${kill}` });
      await w.kill9AndRestart();
    }
    await waitForStatus(w.current().url, name, (s) => isRunning(s));
    const before = (await counterValues(topic)).length;
    await waitFor(async () => (await counterValues(topic)).length >= before + 300, { message: 'records flowing after the last restart' });
    assert.equal(await w.current().stop(), 0);
    const values = await counterValues(topic);
    const firstWrong = values.findIndex((v, i) => v !== i);
    assert.equal(firstWrong, -1, `each n exactly once, in order; at index ${firstWrong}: ${JSON.stringify(values.slice(firstWrong - 2, firstWrong + 3))}; `
      + `tasks started at ${JSON.stringify(w.all().flatMap((x) => x.logLines().filter((l) => l.msg === 'counter task starting').map((l) => l.position)))}`);
  });

  it('a zombie: the old worker paused (SIGSTOP) while its successor takes over, then resumed: fenced, nothing twice', async () => {
    const settings = newWorkerSettings('eos_zombie', { 'exactly.once.source.support': 'enabled', 'scheduled.rebalance.max.delay.ms': '1000' });
    const topic = uniqueName('eos_zombie');
    const old = await spawnWorker(settings);
    cleanups.push(async () => {
      process.kill(old.pid, 'SIGCONT');
      await old.kill();
      await cleanupWorkerTopics(settings, [topic]);
    });
    const name = uniqueName('z');
    const res = await api(old.url).post('/connectors', { name, config: counterConfig(topic, { 'batch.size': '20', 'interval.ms': '5' }) });
    assert.equal(res.status, 201, res.text);
    await waitFor(async () => (await counterValues(topic)).length >= 300, { message: 'records flowing from the first worker' });
    process.kill(old.pid, 'SIGSTOP');
    const successor = await spawnWorker(settings);
    cleanups.push(() => successor.kill());
    const atTakeOver = (await counterValues(topic)).length;
    await waitFor(async () => (await counterValues(topic)).length >= atTakeOver + 300, { timeoutMs: 120_000, message: 'the successor writing' });
    // The zombie wakes up in the middle of a transaction: Kafka refuses its writes.
    process.kill(old.pid, 'SIGCONT');
    await waitFor(() => /PRODUCER_FENCED|fenced|no longer a member|revoked/i.test(old.output()), { timeoutMs: 60_000, message: 'the zombie to learn it was fenced' });
    const afterWake = (await counterValues(topic)).length;
    await waitFor(async () => (await counterValues(topic)).length >= afterWake + 300, { message: 'the successor still writing' });
    // What the zombie's failed task wrote to the status topic does not hide the task that runs.
    const successorId = new URL(successor.url).host;
    for (const w of [successor, old]) {
      await waitForStatus(w.url, name, (s) => isRunning(s) && s.tasks[0].worker_id === successorId);
    }
    await old.kill();
    assert.equal(await successor.stop(), 0);
    const values = await counterValues(topic);
    assert.deepEqual(values, Array.from({ length: values.length }, (_, i) => i), 'each n exactly once, in order');
  });

  it('MariaDB: snapshot and streaming, SIGKILLed twice mid-snapshot and once while streaming: every change once', async () => {
    const conn = await adminConnection();
    cleanups.push(() => conn.end());
    const db = uniqueName('eos_my');
    const prefix = uniqueName('eos_my');
    const rows = 30_000;
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v INT NOT NULL, pad VARCHAR(100))`);
    for (let from = 0; from < rows; from += 5000) {
      await conn.query(`INSERT INTO \`${db}\`.t VALUES ?`, [Array.from({ length: 5000 }, (_, i) => [from + i + 1, 0, 'x'.repeat(100)])]);
    }
    const topic = `${prefix}.${db}.t`;
    const w = await eosWorker('mysql');
    cleanups.push(async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await cleanupWorkerTopics(w.settings, [topic, prefix]);
    });
    const writerConn = await adminConnection();
    cleanups.push(() => writerConn.end());
    const writer = startUpdater((id) => writerConn.query(`UPDATE \`${db}\`.t SET v = v + 1 WHERE id = ?`, [id]), rows);
    cleanups.push(() => writer.stop());
    const name = uniqueName('my');
    const res = await api(w.current().url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, { 'snapshot.fetch.size': '1000', 'max.queue.size': '4096' }),
    });
    assert.equal(res.status, 201, res.text);
    await killDuringSnapshotAndStreaming(w, name, topic, rows);
    await writer.stop();
    const [final] = await conn.query(`SELECT id, v FROM \`${db}\`.t`) as unknown as [Array<{ id: number; v: number }>];
    await assertEveryChangeOnce(topic, new Map(final.map((r) => [JSON.stringify({ id: r.id }), r.v])));
    assert.equal(await w.current().stop(), 0);
  });

  it('PostgreSQL: snapshot and streaming, SIGKILLed twice mid-snapshot and once while streaming: every change once', async () => {
    const scratch = await scratchDatabase('eos_pg');
    const prefix = uniqueName('eos_pg');
    const slot = uniqueName('eos_slot');
    const rows = 30_000;
    await scratch.client.query('CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, pad TEXT)');
    await scratch.client.query(`INSERT INTO t SELECT g, 0, repeat('x', 100) FROM generate_series(1, ${rows}) g`);
    const topic = `${prefix}.public.t`;
    const w = await eosWorker('pg');
    cleanups.push(async () => {
      await w.current().kill();
      await scratch.drop();
      await cleanupWorkerTopics(w.settings, [topic]);
    });
    const writerDb = await pgClient(scratch.name);
    cleanups.push(() => writerDb.end());
    const writer = startUpdater((id) => writerDb.query('UPDATE t SET v = v + 1 WHERE id = $1', [id]), rows);
    cleanups.push(() => writer.stop());
    const name = uniqueName('pg');
    const res = await api(w.current().url).post('/connectors', {
      name, config: await pgConnectorConfig(scratch.name, prefix, slot, { 'snapshot.fetch.size': '1000', 'max.queue.size': '4096' }),
    });
    assert.equal(res.status, 201, res.text);
    await killDuringSnapshotAndStreaming(w, name, topic, rows);
    await writer.stop();
    const final = await scratch.client.query<{ id: number; v: number }>('SELECT id, v FROM t');
    await assertEveryChangeOnce(topic, new Map(final.rows.map((r) => [JSON.stringify({ id: r.id }), r.v])));
    assert.equal(await w.current().stop(), 0);
  });
});

/** SIGKILL at about a third and two thirds of the snapshot, then once while streaming. */
async function killDuringSnapshotAndStreaming(w: Awaited<ReturnType<typeof eosWorker>>, name: string, topic: string, rows: number): Promise<void> {
  const reads = async () => (await readTopic(topic)).filter((r) => r.value !== null && payloadOf(r.value).op === 'r').length;
  for (const share of [1 / 3, 2 / 3]) {
    await waitFor(async () => (await reads()) >= rows * share, { timeoutMs: 180_000, message: `snapshot past ${Math.round(share * 100)} %` });
    await w.kill9AndRestart();
  }
  await waitFor(async () => (await reads()) >= rows, { timeoutMs: 180_000, message: 'snapshot complete' });
  const updates = async () => (await readTopic(topic)).filter((r) => r.value !== null && payloadOf(r.value).op === 'u').length;
  const before = await updates();
  await waitFor(async () => (await updates()) >= before + 500, { timeoutMs: 120_000, message: 'streaming under way' });
  await w.kill9AndRestart();
  await waitForStatus(w.current().url, name, (s) => isRunning(s));
  const after = await updates();
  await waitFor(async () => (await updates()) >= after + 200, { timeoutMs: 120_000, message: 'streaming after the last restart' });
}

async function assertEveryChangeOnce(topic: string, finalByKey: Map<string, number>): Promise<void> {
  let problems: string[] = [];
  // The last updates may still be on their way: wait until the topic caught up, then judge.
  await waitFor(async () => {
    const events = (await readTopic(topic)).map((r) => ({ key: payloadOf(r.key), value: payloadOf(r.value) }));
    problems = checkIncrements(events, finalByKey);
    return problems.every((p) => !/last update/.test(p)) || problems.some((p) => /duplicate|twice|times/.test(p));
  }, { timeoutMs: 120_000, intervalMs: 1000, message: 'the topic to catch up with the table' }).catch(() => undefined);
  assert.deepEqual(problems.slice(0, 10), [], `${problems.length} problems`);
}
