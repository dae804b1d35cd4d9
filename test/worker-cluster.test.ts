/**
 * Distributed workers: three worker processes with one group.id and one set of internal topics form a cluster
 * through Kafka's group coordinator. Six connectors (two MariaDB, two PostgreSQL, two counters) are created
 * through followers (forwarded to the leader) and spread over the workers; a worker killed with SIGKILL has its
 * connectors run elsewhere after scheduled.rebalance.max.delay.ms, and every database topic still equals its
 * table; restarted, it rejoins and gets work without the others' connectors restarting; pause, config update
 * and delete sent to followers take effect.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, counterConfig, counterValues, isRunning, newWorkerSettings, spawnWorker,
  type SpawnedWorker,
} from './harness/worker.js';
import * as my from './mysql-helpers.js';
import * as pgh from './pg-helpers.js';

const DELAY_MS = 4000;
const SESSION_MS = 6000; // the broker's default group.min.session.timeout.ms

/** Retries a REST write while the group is rebalancing (409), as a client of Connect does. */
async function write(send: () => Promise<{ status: number; text: string }>, expected: number[]): Promise<{ status: number; text: string }> {
  return waitFor(async () => {
    const r = await send();
    if (r.status === 409 && /rebalance/i.test(r.text)) return undefined;
    assert.ok(expected.includes(r.status), `unexpected ${r.status}: ${r.text}`);
    return r;
  }, { timeoutMs: 60_000, intervalMs: 250, message: 'REST write outside a rebalance' });
}

const hostPort = (w: SpawnedWorker) => new URL(w.url).host;
const taskStarts = (w: SpawnedWorker, connector: string) =>
  w.logLines().filter((l) => l.msg === 'task started' && l.connector === connector).length;

describe('distributed workers', () => {
  const settings = newWorkerSettings('cluster', {
    'scheduled.rebalance.max.delay.ms': String(DELAY_MS),
    'session.timeout.ms': String(SESSION_MS),
    'heartbeat.interval.ms': '1000',
    'rebalance.timeout.ms': '20000',
  });
  const workers: SpawnedWorker[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const topics: string[] = [];

  after(async () => {
    for (const w of workers) await w.kill();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  async function start(): Promise<SpawnedWorker> {
    const w = await spawnWorker(settings);
    workers.push(w);
    return w;
  }

  /** Every connector's status as the given worker sees it. */
  async function statuses(w: SpawnedWorker): Promise<Record<string, any>> {
    const r = await api(w.url).get('/connectors?expand=status');
    assert.equal(r.status, 200);
    return Object.fromEntries(Object.entries(r.body as Record<string, { status: any }>).map(([k, v]) => [k, v.status]));
  }

  it('spreads connectors, survives a killed worker, rebalances a rejoining one, and applies writes sent to followers', async () => {
    // Databases: two MariaDB schemas and two PostgreSQL databases, each with one table.
    const conn = await my.adminConnection();
    cleanups.push(() => conn.end());
    const mysqlDbs = [uniqueName('clu_my'), uniqueName('clu_my')];
    for (const db of mysqlDbs) {
      await conn.query(`CREATE DATABASE \`${db}\``);
      await conn.query(`CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v INT NOT NULL)`);
      await conn.query(`INSERT INTO \`${db}\`.t VALUES ${Array.from({ length: 50 }, (_, i) => `(${i + 1}, 0)`).join(',')}`);
      cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); });
    }
    const pgDbs = await Promise.all([pgh.scratchDatabase('clu_pg'), pgh.scratchDatabase('clu_pg')]);
    for (const db of pgDbs) {
      cleanups.push(() => db.drop());
      await db.client.query('CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)');
      await db.client.query(`INSERT INTO t SELECT g, 0 FROM generate_series(1, 50) g`);
    }

    const connectors: Array<{ name: string; config: Record<string, string>; topic: string; kind: 'mysql' | 'pg' | 'counter'; db?: string; pg?: pgh.ScratchDb }> = [];
    for (const db of mysqlDbs) {
      const prefix = uniqueName('clum');
      connectors.push({ name: uniqueName('my'), kind: 'mysql', db, topic: `${prefix}.${db}.t`, config: await my.mysqlConnectorConfig(db, prefix) });
      topics.push(`${prefix}.${db}.t`, prefix);
    }
    for (const db of pgDbs) {
      const prefix = uniqueName('clup');
      const slot = uniqueName('clu_slot');
      connectors.push({ name: uniqueName('pg'), kind: 'pg', pg: db, topic: `${prefix}.public.t`, config: await pgh.pgConnectorConfig(db.name, prefix, slot) });
      topics.push(`${prefix}.public.t`, prefix);
    }
    for (let i = 0; i < 2; i++) {
      const topic = uniqueName('clu_counter');
      connectors.push({ name: uniqueName('cnt'), kind: 'counter', topic, config: counterConfig(topic, { 'batch.size': '5', 'interval.ms': '50' }) });
      topics.push(topic);
    }

    // 1. Three workers; the first to join leads, so creations sent to the other two are forwarded to it.
    const w1 = await start();
    const w2 = await start();
    const w3 = await start();
    for (const [i, c] of connectors.entries()) {
      const via = i % 2 === 0 ? w2 : w3;
      const r = await write(() => api(via.url).post('/connectors', { name: c.name, config: c.config }), [201, 409]);
      assert.ok(r.status === 201 || /already exists/.test(r.text), r.text);
    }
    const spread = await waitFor(async () => {
      const s = await statuses(w1);
      return connectors.every((c) => s[c.name] && isRunning(s[c.name])) ? s : undefined;
    }, { timeoutMs: 90_000, intervalMs: 250, message: 'all six connectors RUNNING' });
    const byWorker = (s: Record<string, any>) => {
      const out = new Map<string, string[]>();
      for (const c of connectors) {
        const id = s[c.name].connector.worker_id as string;
        assert.equal(s[c.name].tasks[0].worker_id, id, 'a connector\'s task runs on the connector\'s worker');
        out.set(id, [...(out.get(id) ?? []), c.name]);
      }
      return out;
    };
    const initial = byWorker(spread);
    for (const w of [w1, w2, w3]) assert.equal(initial.get(hostPort(w))?.length, 2, `two connectors on each worker: ${JSON.stringify([...initial])}`);
    // GET answers from every worker alike (statuses written by each worker reach all).
    await waitFor(async () => {
      const [a, b] = await Promise.all([statuses(w2), statuses(w3)]);
      return connectors.every((c) => a[c.name]?.connector.worker_id === spread[c.name].connector.worker_id && b[c.name]?.connector.worker_id === spread[c.name].connector.worker_id);
    }, { message: 'followers show the same statuses and worker ids' });

    // 2. Writes keep coming while w3 is killed.
    let writing = true;
    let round = 0;
    const writer = (async () => {
      while (writing) {
        round++;
        for (const db of mysqlDbs) {
          await conn.query(`UPDATE \`${db}\`.t SET v = v + 1 WHERE id = ?`, [1 + (round % 50)]);
          await conn.query(`INSERT INTO \`${db}\`.t VALUES (?, ?)`, [1000 + round, round]);
          if (round % 3 === 0) await conn.query(`DELETE FROM \`${db}\`.t WHERE id = ?`, [1000 + round - 1]);
        }
        for (const db of pgDbs) {
          await db.client.query('UPDATE t SET v = v + 1 WHERE id = $1', [1 + (round % 50)]);
          await db.client.query('INSERT INTO t VALUES ($1, $2)', [1000 + round, round]);
          if (round % 3 === 0) await db.client.query('DELETE FROM t WHERE id = $1', [1000 + round - 1]);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(() => round > 20, { message: 'writer running' });

    const lostOnes = initial.get(hostPort(w3))!;
    const killedAt = Date.now();
    await w3.kill();
    const moved = await waitFor(async () => {
      const s = await statuses(w1);
      return lostOnes.every((n) => isRunning(s[n]) && s[n].connector.worker_id !== hostPort(w3)) ? s : undefined;
    }, { timeoutMs: SESSION_MS + DELAY_MS + 60_000, intervalMs: 200, message: 'the killed worker\'s connectors RUNNING elsewhere' });
    const movedAfterMs = Date.now() - killedAt;
    console.log(`# killed worker's connectors RUNNING elsewhere after ${movedAfterMs} ms (session.timeout.ms ${SESSION_MS} + scheduled.rebalance.max.delay.ms ${DELAY_MS})`);
    assert.ok(movedAfterMs >= DELAY_MS, `they waited for the delay (${movedAfterMs} ms)`);
    for (const n of lostOnes) assert.ok([hostPort(w1), hostPort(w2)].includes(moved[n].connector.worker_id));
    // Connectors on the surviving workers kept running where they were.
    for (const w of [w1, w2]) for (const n of initial.get(hostPort(w))!) assert.equal(moved[n].connector.worker_id, hostPort(w));

    await waitFor(() => round > 40 + (Date.now() - killedAt) / 1000, { message: 'writer continued' });
    writing = false;
    await writer;

    // 3. The invariant: the latest event per key equals the table, for every database connector.
    await waitFor(async () => {
      for (const c of connectors) {
        let diff: string[] = [];
        if (c.kind === 'mysql') diff = my.diffStates(await my.tableState(conn, c.db!, 't', ['id']), await my.materialise(c.topic), 5);
        if (c.kind === 'pg') diff = pgh.diffStates(await pgh.tableState(c.pg!.client, 'SELECT id, v FROM t', ['id']), await pgh.materialise(c.topic), 5);
        if (diff.length > 0) return undefined;
      }
      return true;
    }, { timeoutMs: 90_000, intervalMs: 1000, message: 'every database topic equals its table' });
    for (const c of connectors.filter((x) => x.kind === 'counter')) {
      const values = await counterValues(c.topic);
      const max = Math.max(...values);
      const seen = new Set(values);
      for (let n = 0; n <= max; n++) assert.ok(seen.has(n), `${c.name}: counter record ${n} is missing`);
    }

    // 4. The killed worker comes back: it gets work; connectors that stay where they are do not restart.
    const startsBefore = new Map(connectors.map((c) => [c.name, taskStarts(w1, c.name) + taskStarts(w2, c.name)]));
    const w3b = await start();
    const rebalanced = await waitFor(async () => {
      const s = await statuses(w1);
      const mine = connectors.filter((c) => s[c.name]?.connector.worker_id === hostPort(w3b));
      return mine.length >= 2 && connectors.every((c) => isRunning(s[c.name])) ? s : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, message: 'the restarted worker runs connectors again' });
    for (const c of connectors) {
      const where = rebalanced[c.name].connector.worker_id;
      if (where === moved[c.name].connector.worker_id) {
        assert.equal(taskStarts(w1, c.name) + taskStarts(w2, c.name), startsBefore.get(c.name), `${c.name} kept running on ${where} without a restart`);
      }
    }
    const counts = byWorker(rebalanced);
    for (const w of [w1, w2, w3b]) assert.equal(counts.get(hostPort(w))?.length, 2, `even again: ${JSON.stringify([...counts])}`);

    // 5. Writes sent to a follower take effect: pause, config update, delete.
    const counter = connectors.find((c) => c.kind === 'counter')!;
    const follower = w2;
    assert.equal((await write(() => api(follower.url).put(`/connectors/${counter.name}/pause`), [202])).status, 202);
    await waitFor(async () => (await statuses(w3b))[counter.name]?.connector.state === 'PAUSED', { message: 'paused through a follower' });
    const updated = { ...counter.config, 'interval.ms': '60' };
    assert.equal((await write(() => api(follower.url).put(`/connectors/${counter.name}/config`, updated), [200])).status, 200);
    await waitFor(async () => (await api(w3b.url).get(`/connectors/${counter.name}/config`)).body?.['interval.ms'] === '60', { message: 'config update visible everywhere' });
    assert.equal((await write(() => api(follower.url).delete(`/connectors/${counter.name}`), [204])).status, 204);
    await waitFor(async () => {
      const lists = await Promise.all([w1, w2, w3b].map((w) => api(w.url).get('/connectors')));
      return lists.every((l) => !(l.body as string[]).includes(counter.name));
    }, { message: 'deleted on every worker' });

    // 6. A graceful stop hands the worker's connectors over at once (no scheduled.rebalance.max.delay.ms wait).
    const remaining = connectors.filter((x) => x.name !== counter.name);
    const onW3b = await waitFor(async () => {
      const s = await statuses(w1);
      const mine = remaining.filter((c) => s[c.name]?.connector.worker_id === hostPort(w3b));
      return remaining.every((c) => isRunning(s[c.name])) && mine.length > 0 ? mine : undefined;
    }, { message: 'the restarted worker runs some connectors' });
    const stoppedAt = Date.now();
    assert.equal(await w3b.stop(), 0, 'graceful stop exits 0');
    await waitFor(async () => {
      const s = await statuses(w1);
      return onW3b.every((c) => isRunning(s[c.name]) && s[c.name].connector.worker_id !== hostPort(w3b));
    }, { timeoutMs: 30_000, intervalMs: 100, message: 'the stopped worker\'s connectors RUNNING elsewhere' });
    const handedOverMs = Date.now() - stoppedAt;
    console.log(`# gracefully stopped worker's connectors RUNNING elsewhere after ${handedOverMs} ms (from SIGTERM)`);
    assert.ok(handedOverMs < DELAY_MS, `handed over without waiting for the delay (${handedOverMs} ms)`);

    for (const c of remaining) await write(() => api(w2.url).delete(`/connectors/${c.name}`), [204]);
    for (const w of [w1, w2]) assert.equal(await w.stop(), 0, 'graceful stop exits 0');
  });
});
