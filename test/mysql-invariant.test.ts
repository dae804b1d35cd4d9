/**
 * THE invariant: while a writer inserts, updates (also primary keys) and deletes rows of several tables, the
 * connector snapshots and then streams; afterwards, each topic materialised (latest value per key, a delete or
 * tombstone removes it) equals its source table exactly. Then the same with the worker process killed with
 * SIGKILL during the snapshot and during streaming, and restarted.
 *
 * The connector runs in real worker processes (dist/src/cli.js) against the real Kafka and MariaDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readTopic, spawnWorker, waitForStatus,
  type SpawnedWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, decodedTopic, diffStates, materialise, mysqlConnectorConfig, tableState } from './mysql-helpers.js';

const TABLES = {
  t_int: { ddl: 'id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40)', key: ['id'] },
  t_comp: { ddl: 'a INT NOT NULL, b VARCHAR(8) NOT NULL, v INT, PRIMARY KEY (a, b)', key: ['a', 'b'] },
  t_str: { ddl: 'code VARCHAR(20) PRIMARY KEY, n BIGINT, d DECIMAL(10,2)', key: ['code'] },
} as const;
type TableName = keyof typeof TABLES;

/** A deterministic pseudo-random source, so a failing run can be repeated with the same seed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

async function seed(conn: mysql.Connection, db: string, rows: number): Promise<void> {
  for (const [name, t] of Object.entries(TABLES)) await conn.query(`CREATE TABLE \`${db}\`.${name} (${t.ddl})`);
  const batch = 2000;
  for (let from = 0; from < rows; from += batch) {
    const n = Math.min(batch, rows - from);
    const ids = Array.from({ length: n }, (_, i) => from + i + 1);
    await conn.query(`INSERT INTO \`${db}\`.t_int VALUES ?`, [ids.map((id) => [id, id * 3, `s${id}`])]);
    await conn.query(`INSERT INTO \`${db}\`.t_comp VALUES ?`, [ids.map((id) => [id % 500, `b${Math.floor(id / 500)}`, id])]);
    await conn.query(`INSERT INTO \`${db}\`.t_str VALUES ?`, [ids.map((id) => [`c${id}`, id * 1000, (id / 4).toFixed(2)])]);
  }
}

interface Writer {
  ops(): number;
  /** Settles when `limit` operations ran (or after `stop()`). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Random single-statement and multi-statement transactions until stopped or `limit` operations ran. */
function startWriter(conn: mysql.Connection, db: string, seedValue: number, keyRange: number, limit: number): Writer {
  const r = rng(seedValue);
  let ops = 0;
  let stopping = false;
  const statement = (): [string, unknown[]] => {
    const table = (['t_int', 't_comp', 't_str'] as TableName[])[r(3)]!;
    const id = 1 + r(keyRange);
    const op = r(10);
    switch (table) {
      case 't_int':
        if (op < 3) return [`INSERT INTO \`${db}\`.t_int VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE v = v + 1`, [id, r(1000), `w${r(1e6)}`]];
        if (op < 6) return [`UPDATE \`${db}\`.t_int SET v = ?, s = ? WHERE id = ?`, [r(1000), r(4) === 0 ? null : `u${r(1e6)}`, id]];
        if (op < 8) return [`UPDATE IGNORE \`${db}\`.t_int SET id = ? WHERE id = ?`, [1 + r(keyRange), id]];
        return [`DELETE FROM \`${db}\`.t_int WHERE id = ?`, [id]];
      case 't_comp':
        if (op < 3) return [`INSERT IGNORE INTO \`${db}\`.t_comp VALUES (?, ?, ?)`, [id % 500, `b${r(keyRange / 500 + 1)}`, r(1000)]];
        if (op < 6) return [`UPDATE \`${db}\`.t_comp SET v = ? WHERE a = ?`, [r(1000), id % 500]];
        if (op < 8) return [`UPDATE IGNORE \`${db}\`.t_comp SET b = ? WHERE a = ? AND b = ?`, [`n${r(20)}`, id % 500, `b${r(keyRange / 500 + 1)}`]];
        return [`DELETE FROM \`${db}\`.t_comp WHERE a = ? AND v < ?`, [id % 500, r(300)]];
      default:
        if (op < 3) return [`REPLACE INTO \`${db}\`.t_str VALUES (?, ?, ?)`, [`c${id}`, r(1e9), (r(100000) / 100).toFixed(2)]];
        if (op < 6) return [`UPDATE \`${db}\`.t_str SET n = n + 1, d = ? WHERE code = ?`, [(r(100000) / 100).toFixed(2), `c${id}`]];
        if (op < 8) return [`UPDATE IGNORE \`${db}\`.t_str SET code = ? WHERE code = ?`, [`x${r(keyRange)}`, `c${id}`]];
        return [`DELETE FROM \`${db}\`.t_str WHERE code = ?`, [`c${id}`]];
    }
  };
  const done = (async () => {
    while (!stopping && ops < limit) {
      const inTx = r(4) === 0;
      if (inTx) await conn.query('START TRANSACTION');
      const n = inTx ? 2 + r(8) : 1;
      for (let i = 0; i < n; i++) {
        const [sql, params] = statement();
        await conn.query(sql, params);
        ops++;
      }
      if (inTx) await conn.query(r(8) === 0 ? 'ROLLBACK' : 'COMMIT');
    }
  })();
  return {
    ops: () => ops,
    done,
    async stop() { stopping = true; await done; },
  };
}

async function assertTopicsEqualTables(conn: mysql.Connection, db: string, prefix: string): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(async () => {
      last = [];
      for (const [name, t] of Object.entries(TABLES)) {
        const diff = diffStates(await tableState(conn, db, name, [...t.key]), await materialise(`${prefix}.${db}.${name}`), 5);
        last.push(...diff.map((d) => `${name}: ${d}`));
      }
      return last.length === 0;
    }, { timeoutMs: 180_000, intervalMs: 1000, message: 'topics to converge to the tables' });
  } catch (err) {
    assert.fail(`${(err as Error).message}\n${last.join('\n')}\n${await histories(prefix, db, last.slice(0, 3))}`);
  }
}

/** The events of a few differing keys, oldest first: what a failure needs to be understood. */
async function histories(prefix: string, db: string, diffs: string[]): Promise<string> {
  const out: string[] = [];
  for (const d of diffs) {
    const m = /^(\w+): \w+ (\{[^}]*\})/.exec(d);
    if (!m) continue;
    const [, table, key] = m;
    const events = (await decodedTopic(`${prefix}.${db}.${table}`)).filter((e) => JSON.stringify(e.key) === key);
    out.push(`history of ${table} ${key}:`, ...events.map((e) => {
      const v = e.value as { op?: string; after?: unknown; source?: { snapshot?: string; file?: string; pos?: number; row?: number } } | null;
      return v === null ? `  @${e.record.offset} tombstone`
        : `  @${e.record.offset} op=${v.op} snapshot=${v.source?.snapshot} ${v.source?.file}:${v.source?.pos}#${v.source?.row} after=${JSON.stringify(v.after)}`;
    }));
  }
  return out.join('\n');
}

describe('MySQL connector: nothing lost (snapshot + streaming + crashes)', () => {
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

  async function setup(tag: string, rows: number) {
    const db = uniqueName(`inv_${tag}`);
    const prefix = uniqueName(`inv_${tag}`);
    const settings: WorkerSettings = newWorkerSettings(`mysqlinv_${tag}`);
    await conn.query(`CREATE DATABASE \`${db}\``);
    cleanups.push(async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await cleanupWorkerTopics(settings, [...Object.keys(TABLES).map((t) => `${prefix}.${db}.${t}`), prefix]);
    });
    await seed(conn, db, rows);
    return { db, prefix, settings };
  }

  it('snapshot under concurrent writes, then streaming: every topic equals its table', async () => {
    const { db, prefix, settings } = await setup('plain', 3000);
    const worker = await spawnWorker(settings);
    cleanups.push(async () => { await worker.kill(); });
    const name = uniqueName('inv');
    const writerConn = await adminConnection();
    const writer = startWriter(writerConn, db, 42, 4000, 3000);
    const res = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, { 'snapshot.fetch.size': '250', 'decimal.handling.mode': 'string' }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await writer.done;
    await writerConn.end();
    assert.ok(writer.ops() >= 3000);
    await assertTopicsEqualTables(conn, db, prefix);
    // Deletes are followed by tombstones for compaction
    const records = await readTopic(`${prefix}.${db}.t_int`);
    const deletes = records.filter((r) => r.value !== null && r.value.includes('"op":"d"')).length;
    const tombstones = records.filter((r) => r.value === null).length;
    assert.ok(deletes > 0);
    assert.equal(tombstones, deletes);
    await worker.stop();
  });

  it('stays exact when the worker is killed (SIGKILL) during the snapshot and during streaming', async () => {
    const rows = 20_000;
    const { db, prefix, settings } = await setup('crash', rows);
    let worker: SpawnedWorker = await spawnWorker(settings);
    cleanups.push(async () => { await worker.kill(); });
    const name = uniqueName('inv');
    const writerConn = await adminConnection();
    const writer = startWriter(writerConn, db, 7, 25_000, 1_000_000);
    const res = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, { 'snapshot.fetch.size': '500', 'decimal.handling.mode': 'string' }),
    });
    assert.equal(res.status, 201, res.text);
    const topic = `${prefix}.${db}.t_int`;
    const restart = async () => {
      await worker.kill();
      worker = await spawnWorker(settings);
    };

    const committed = async () => {
      const r = await api(worker.url).get(`/connectors/${name}/offsets`);
      return r.body?.offsets?.[0]?.offset as Record<string, unknown> | undefined;
    };

    // 1. Mid-snapshot: part of the first table is in Kafka and its progress committed
    await waitFor(async () => (await readTopic(topic)).length >= 2000 && (await committed())?.snapshot === true,
      { timeoutMs: 120_000, message: 'snapshot under way' });
    await restart();
    // 2. Again during the snapshot, later on
    await waitFor(async () => (await readTopic(`${prefix}.${db}.t_str`)).length >= 1000 && (await committed())?.snapshot === true,
      { timeoutMs: 180_000, message: 'snapshot of a later table under way' });
    await restart();
    // 3., 4. While streaming: the last table's snapshot is done and the writer's changes flow
    for (let round = 0; round < 2; round++) {
      const opsBefore = writer.ops();
      await waitFor(async () => {
        const recs = await readTopic(`${prefix}.${db}.t_str`);
        const offset = await committed();
        return writer.ops() > opsBefore + 500 && offset?.snapshot_completed === true && offset.snapshot === undefined
          && recs.some((r) => r.value !== null && r.value.includes('"op":"u"'));
      }, { timeoutMs: 180_000, message: 'streaming under way' });
      await restart();
    }
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    await writer.stop();
    await writerConn.end();
    await assertTopicsEqualTables(conn, db, prefix);
    await worker.stop();
  });
});
