/**
 * What a crash re-sends, measured (test/crash-resend.test.ts asserts it, bench/crash-resend.ts prints it at a
 * bigger size): a real worker process snapshots an idle table of `rows` rows and is killed (SIGKILL) once part
 * of the table is in Kafka and the snapshot's progress is committed; it is restarted, the snapshot finishes,
 * and every `op: r` event beyond one per row was re-sent. Then `changes` single-row UPDATEs and DELETEs run at
 * a steady rate, the worker is killed half-way and restarted; every change event beyond one per change was
 * re-sent. Finally the topic (latest event per key) must equal the table.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { testServices } from './providers.js';
import { uniqueName, waitFor } from './util.js';
import { api, cleanupWorkerTopics, newWorkerSettings, spawnWorker, testKafka, waitForStatus, type SpawnedWorker } from './worker.js';

export type Db = 'mysql' | 'postgres';

export interface ResendOptions {
  rows: number;
  /** The connector's max.queue.size: the records that may be in Kafka with their offsets not yet committed. */
  maxQueueSize: number;
  /** The connector's snapshot.fetch.size: rows of one snapshot chunk (whose last record carries its offset). */
  fetchSize: number;
  /** Single-row changes made while streaming (every 6th a DELETE, the others UPDATEs). */
  changes: number;
  writesPerSecond: number;
}

export interface ResendResult {
  /** Records in the topic when the worker was killed mid-snapshot (fewer than `rows`, else it was not mid-snapshot). */
  inKafkaAtSnapshotKill: number;
  snapshotResent: number;
  /** Change events in the topic when the worker was killed while streaming. */
  changesInKafkaAtKill: number;
  streamingResent: number;
  /** Differences between the table and the topic's latest event per key (empty when they are equal). */
  diffs: string[];
}

/** One table `items (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40) NOT NULL)` in a scratch database. */
export interface Source {
  config: Record<string, string>;
  topic: string;
  change(sql: 'update' | 'delete', id: number, v: number): Promise<void>;
  rows(): Promise<Map<string, string>>;
  drop(): Promise<void>;
}

export async function mysqlSource(rows: number, prefix: string): Promise<Source> {
  const s = await testServices();
  const conn = await mysql.createConnection({ ...s.mysql, multipleStatements: true });
  const db = uniqueName('resend');
  await conn.query(`CREATE DATABASE \`${db}\``);
  await conn.query(`CREATE TABLE \`${db}\`.items (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40) NOT NULL)`);
  for (let from = 1; from <= rows; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, rows - from + 1) }, (_, i) => from + i);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES ?`, [ids.map((id) => [id, id, `row ${id}`])]);
  }
  return {
    config: {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.hostname': s.mysql.host, 'database.port': String(s.mysql.port),
      'database.user': s.mysql.user, ...(s.mysql.password ? { 'database.password': s.mysql.password } : {}), 'database.include.list': db,
      'database.server.id': String(100000 + Math.floor(Math.random() * 1_000_000_000)),
      // max.queue.size must exceed max.batch.size (Debezium's rule); the binlog batches stay well below it.
      'max.batch.size': '256',
    },
    topic: `${prefix}.${db}.items`,
    async change(kind, id, v) {
      if (kind === 'update') await conn.query(`UPDATE \`${db}\`.items SET v = ? WHERE id = ?`, [v, id]);
      else await conn.query(`DELETE FROM \`${db}\`.items WHERE id = ?`, [id]);
    },
    async rows() {
      const [res] = await conn.query(`SELECT id, v, s FROM \`${db}\`.items`);
      return new Map((res as Array<{ id: number; v: number; s: string }>).map((r) => [String(r.id), JSON.stringify([r.id, r.v, r.s])]));
    },
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await conn.end();
    },
  };
}

async function postgresSource(rows: number, prefix: string): Promise<Source> {
  const s = await testServices();
  const name = uniqueName('resend');
  const slot = name;
  const admin = new pg.Client({ ...s.pg });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const client = new pg.Client({ ...s.pg, database: name });
  await client.connect();
  await client.query('CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40) NOT NULL)');
  await client.query(`INSERT INTO items SELECT i, i, 'row ' || i FROM generate_series(1, $1::int) i`, [rows]);
  return {
    config: {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'database.hostname': s.pg.host, 'database.port': String(s.pg.port),
      'database.user': s.pg.user, ...(s.pg.password ? { 'database.password': s.pg.password } : {}), 'database.dbname': name,
      'slot.name': slot, 'publication.name': `${slot}_pub`, 'slot.retry.delay.ms': '500', 'slot.max.retries': '60',
    },
    topic: `${prefix}.public.items`,
    async change(kind, id, v) {
      if (kind === 'update') await client.query('UPDATE items SET v = $1 WHERE id = $2', [v, id]);
      else await client.query('DELETE FROM items WHERE id = $1', [id]);
    },
    async rows() {
      const res = await client.query<{ id: number; v: number; s: string }>('SELECT id, v, s FROM items');
      return new Map(res.rows.map((r) => [String(r.id), JSON.stringify([r.id, r.v, r.s])]));
    },
    async drop() {
      await client.end();
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active', [name]);
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function recordsIn(topic: string): Promise<number> {
  const kafka = await testKafka();
  if (!(await kafka.topicExists(topic))) return 0;
  let n = 0;
  for (const v of (await kafka.highWatermarks(topic)).values()) n += v;
  return n;
}

export type Offset = Record<string, unknown> | undefined;
/** MySQL's offsets drop `snapshot` once it completed; PostgreSQL's mark the snapshot's last record (Debezium's formats). */
export const snapshotDone = (o: Offset) => o !== undefined && (o.snapshot === undefined || o.last_snapshot_record === true);
export const midSnapshot = (o: Offset) => o?.snapshot === true && o.last_snapshot_record !== true;

/**
 * What the runtime guarantees (README, "What is re-sent after a crash"): Kafka never holds more than
 * max.queue.size records past the last record whose offset is durable, unless the records after the last offset
 * (a snapshot chunk: its rows before the last, at most snapshot.fetch.size - 1) plus one produce batch (at most
 * 1000 records, never more than max.queue.size) are more. While streaming every record carries an offset.
 */
export function resendBound(o: Pick<ResendOptions, 'maxQueueSize' | 'fetchSize'>): { snapshot: number; streaming: number } {
  const batch = Math.min(1000, o.maxQueueSize);
  return { snapshot: Math.max(o.maxQueueSize, o.fetchSize - 1 + batch), streaming: o.maxQueueSize };
}

export interface Event { id: string; op: string; v: number | undefined; after: string | undefined }

/** The topic's change events (tombstones left out), decoded. */
export async function events(topic: string): Promise<Event[]> {
  const out: Event[] = [];
  await (await testKafka()).readToEnd(topic, (_key, value) => {
    if (value === null) return;
    const p = (JSON.parse(value.toString()) as { payload: { op: string; before: any; after: any } }).payload;
    const row = p.after ?? p.before;
    out.push({ id: String(row.id), op: p.op, v: p.after?.v, after: p.after ? JSON.stringify([p.after.id, p.after.v, p.after.s]) : undefined });
  });
  return out;
}

/** Latest row per key (a delete removes it) against the table: the differences, at most 5. */
export function diff(table: Map<string, string>, evs: readonly Event[]): string[] {
  const topic = new Map<string, string>();
  for (const e of evs) {
    if (e.after === undefined) topic.delete(e.id);
    else topic.set(e.id, e.after);
  }
  const out: string[] = [];
  for (const [id, row] of table) if (topic.get(id) !== row) out.push(`id ${id}: table ${row}, topic ${topic.get(id) ?? 'missing'}`);
  for (const id of topic.keys()) if (!table.has(id)) out.push(`id ${id}: deleted, topic still has it`);
  return out.slice(0, 5);
}

export async function measureCrashResend(db: Db, o: ResendOptions): Promise<ResendResult> {
  const prefix = uniqueName(`resend_${db}`);
  const settings = newWorkerSettings(`resend_${db}`);
  const source = db === 'mysql' ? await mysqlSource(o.rows, prefix) : await postgresSource(o.rows, prefix);
  const name = uniqueName('resend');
  let worker: SpawnedWorker | undefined;
  try {
    worker = await spawnWorker(settings);
    const config = {
      ...source.config, 'tasks.max': '1', 'topic.prefix': prefix,
      'max.queue.size': String(o.maxQueueSize), 'snapshot.fetch.size': String(o.fetchSize),
    };
    const res = await api(worker.url).post('/connectors', { name, config });
    if (res.status !== 201) throw new Error(`creating the connector: ${res.status} ${res.text}`);
    const committed = async () => (await api(worker!.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset as Offset;

    // 1. SIGKILL mid-snapshot: a fifth of the table in Kafka and a chunk's progress committed.
    await waitFor(async () => (await recordsIn(source.topic)) >= o.rows / 5 && midSnapshot(await committed()),
      { timeoutMs: 300_000, intervalMs: 50, message: 'snapshot under way' });
    await worker.kill();
    const inKafkaAtSnapshotKill = await recordsIn(source.topic);
    worker = await spawnWorker(settings);
    // The offset of the snapshot's last record says it completed: every snapshot record is in Kafka.
    await waitFor(async () => snapshotDone(await committed()),
      { timeoutMs: 600_000, intervalMs: 250, message: 'snapshot to finish after the restart' });
    await waitForStatus(worker.url, name, (s) => s.tasks?.[0]?.state === 'RUNNING');
    const snapshotEvents = (await events(source.topic)).filter((e) => e.op === 'r').length;

    // 2. SIGKILL while streaming, half-way through the changes; the writer goes on while the worker is down.
    // Each change is distinct (an UPDATE sets v to a value used once, a DELETE removes a row once).
    const base = 10_000_000;
    const writer = (async () => {
      const started = Date.now();
      for (let i = 0; i < o.changes; i++) {
        const due = started + (i * 1000) / o.writesPerSecond;
        const ahead = due - Date.now();
        if (ahead > 0) await new Promise((r) => setTimeout(r, ahead)); // the write rate, not a wait for a condition
        const id = 1 + ((i * 7919) % o.rows);
        await source.change(i % 6 === 5 ? 'delete' : 'update', id, base + i);
      }
    })();
    const changesInTopic = async () => (await recordsIn(source.topic)) - snapshotEvents;
    // Each delete is followed by a tombstone: (changes + deletes) records once every change is in.
    const deletes = Math.floor(o.changes / 6);
    await waitFor(async () => (await changesInTopic()) >= (o.changes + deletes) / 2,
      { timeoutMs: 300_000, intervalMs: 50, message: 'streaming under way' });
    await worker.kill();
    const changesInKafkaAtKill = (await events(source.topic)).filter((e) => e.op !== 'r').length;
    worker = await spawnWorker(settings);
    await writer;
    const expected = new Set<string>();
    for (let i = 0; i < o.changes; i++) expected.add(i % 6 === 5 ? `d${1 + ((i * 7919) % o.rows)}` : `u${base + i}`);
    let all: Event[] = [];
    await waitFor(async () => {
      all = await events(source.topic);
      const seen = new Set(all.filter((e) => e.op === 'u' || e.op === 'd').map((e) => (e.op === 'u' ? `u${e.v}` : `d${e.id}`)));
      return [...expected].every((k) => seen.has(k));
    }, { timeoutMs: 300_000, intervalMs: 500, message: 'every change in Kafka after the restart' });
    const streamingResent = all.filter((e) => e.op === 'u' || e.op === 'd').length - o.changes;
    const diffs = diff(await source.rows(), all);
    await worker.stop();
    return { inKafkaAtSnapshotKill, snapshotResent: snapshotEvents - o.rows, changesInKafkaAtKill, streamingResent, diffs };
  } finally {
    await worker?.kill().catch(() => undefined);
    await source.drop().catch(() => undefined);
    await cleanupWorkerTopics(settings, [source.topic, prefix]).catch(() => undefined);
  }
}
