/**
 * Running a conformance scenario (test/conformance/scenarios.ts) against whichever worker hosts the connector
 * (real Kafka Connect with Debezium in scripts/debezium-golden/record.ts, or ours in test/conformance/run.ts) and
 * capturing what it wrote: every record of the scenario's topics, key, value and headers, in offset order.
 *
 * Both sides share this file so that the database state, the order of the statements and the wait conditions are
 * the same: fresh database, `setup`, connector start, snapshot complete (record counts), `steps`, `sentinel`,
 * then the topics are read once their end offsets have been quiet for a while.
 */
import { randomUUID } from 'node:crypto';
import { Consumer } from '@platformatic/kafka';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { pino } from 'pino';
import { createKafkaClient, plaintextConnection, type KafkaClient } from '../../src/kafka/index.js';
import type { TestServices } from '../../scripts/testbed/providers.js';
import { waitFor } from '../../scripts/testbed/util.js';
import { ownsTopic, PG_PUBLICATION, PG_SLOT, TOPIC_PREFIX, type ConnectorKind, type Scenario } from './scenarios.js';

/** One captured Kafka record: key/value as parsed JSON (integers beyond 2^53 as bigint), headers decoded. */
export interface CapturedRecord {
  topic: string;
  key: unknown;
  value: unknown;
  headers: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Exact JSON: Connect's JsonConverter writes int64 values as JSON integers, which JSON.parse would round.

/** JSON.parse that keeps integers outside ±2^53 exact, as bigint. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) return BigInt(context.source);
    return value;
  } as (key: string, value: unknown) => unknown);
}

/** JSON.stringify writing bigint as a plain JSON integer. */
export function stringifyJsonExact(value: unknown, space?: number): string {
  const raw = (JSON as unknown as { rawJSON(s: string): unknown }).rawJSON;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? raw(v.toString()) : v), space);
}

function decodeHeader(value: Buffer | null | undefined): unknown {
  if (value === null || value === undefined) return null;
  const text = value.toString('utf8');
  try {
    return parseJsonExact(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Connector configs (the same keys for Debezium and for us; only the run-specific ids differ)

export interface RunIds {
  /** MariaDB replica server id (unique per run). */
  serverId: number;
  /** MariaDB schema history topic (unique per run, not captured). */
  historyTopic: string;
}

export function newRunIds(): RunIds {
  return { serverId: 200000 + Math.floor(Math.random() * 1_000_000_000), historyTopic: `golden-schemahistory-${randomUUID().slice(0, 8)}` };
}

export function connectorName(kind: ConnectorKind): string {
  return `golden-${kind}`;
}

/** The connector config used for both Debezium and tscdc. */
export function connectorConfig(scenario: Scenario, s: TestServices, ids: RunIds): Record<string, string> {
  if (scenario.kind === 'mariadb') {
    return {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
      'tasks.max': '1',
      'database.hostname': s.mysql.host,
      'database.port': String(s.mysql.port),
      'database.user': s.mysql.user,
      ...(s.mysql.password ? { 'database.password': s.mysql.password } : {}),
      'database.server.id': String(ids.serverId),
      'topic.prefix': TOPIC_PREFIX,
      'database.include.list': scenario.database,
      'schema.history.internal.kafka.bootstrap.servers': s.kafkaBrokers.join(','),
      'schema.history.internal.kafka.topic': ids.historyTopic,
      'include.schema.changes': 'true',
      'provide.transaction.metadata': 'true',
      'snapshot.mode': 'initial',
    };
  }
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': s.pg.host,
    'database.port': String(s.pg.port),
    'database.user': s.pg.user,
    ...(s.pg.password ? { 'database.password': s.pg.password } : {}),
    'database.dbname': scenario.database,
    'topic.prefix': TOPIC_PREFIX,
    'plugin.name': 'pgoutput',
    'slot.name': PG_SLOT,
    'publication.name': PG_PUBLICATION,
    'publication.autocreate.mode': 'filtered',
    'table.include.list': 'public.wide,public.small,public.nokey',
    'provide.transaction.metadata': 'true',
    'snapshot.mode': 'initial',
  };
}

/** The config as written into the manifest: no host/port/server id (they vary between machines and runs). */
export function portableConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (/^database\.(hostname|port|password)$|bootstrap\.servers$|^database\.server\.id$|^schema\.history\.internal\.kafka\.topic$/.test(k)) out[k] = `<${k.split('.').pop()}>`;
    else out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

export interface SqlSession {
  run(statement: string): Promise<void>;
  close(): Promise<void>;
}

async function mariadbSession(s: TestServices, database?: string): Promise<SqlSession> {
  const conn = await mysql.createConnection({ host: s.mysql.host, port: s.mysql.port, user: s.mysql.user, password: s.mysql.password, database });
  conn.on('error', () => undefined);
  return { run: async (sql) => void (await conn.query(sql)), close: () => conn.end() };
}

async function pgSession(s: TestServices, database = s.pg.database): Promise<SqlSession> {
  const c = new pg.Client({ host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password || undefined, database });
  c.on('error', () => undefined);
  await c.connect();
  return { run: async (sql) => void (await c.query(sql)), close: () => c.end() };
}

/** A session in the scenario's database with its session settings applied. */
export async function scenarioSession(scenario: Scenario, s: TestServices): Promise<SqlSession> {
  const session = scenario.kind === 'mariadb' ? await mariadbSession(s, scenario.database) : await pgSession(s, scenario.database);
  for (const sql of scenario.session) await session.run(sql);
  return session;
}

/** Drops the scenario's database (PostgreSQL: and the slot), creates it again and runs `setup`. */
export async function resetDatabase(scenario: Scenario, s: TestServices): Promise<void> {
  if (scenario.kind === 'mariadb') {
    const admin = await mariadbSession(s);
    try {
      await admin.run(`DROP DATABASE IF EXISTS \`${scenario.database}\``);
      await admin.run(`CREATE DATABASE \`${scenario.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    } finally {
      await admin.close();
    }
  } else {
    await dropPgSlot(s);
    const admin = await pgSession(s);
    try {
      await admin.run(`DROP DATABASE IF EXISTS "${scenario.database}" WITH (FORCE)`);
      await admin.run(`CREATE DATABASE "${scenario.database}"`);
    } finally {
      await admin.close();
    }
  }
  const session = await scenarioSession(scenario, s);
  try {
    for (const sql of scenario.setup) await session.run(sql);
  } finally {
    await session.close();
  }
}

/** Drops the fixed replication slot (terminating a walsender that still holds it). */
export async function dropPgSlot(s: TestServices): Promise<void> {
  const admin = await pgSession(s);
  try {
    await waitFor(async () => {
      const c = new pg.Client({ host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password || undefined, database: s.pg.database });
      await c.connect();
      try {
        await c.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL`, [PG_SLOT]);
        await c.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [PG_SLOT]);
        const left = await c.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [PG_SLOT]);
        return left.rowCount === 0;
      } finally {
        await c.end();
      }
    }, { timeoutMs: 30_000, message: `replication slot ${PG_SLOT} dropped` });
  } finally {
    await admin.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka

let kafka: KafkaClient | undefined;

export function conformanceKafka(s: TestServices): KafkaClient {
  kafka ??= createKafkaClient({ connection: plaintextConnection(s.kafkaBrokers), clientId: 'conformance', logger: pino({ level: 'silent' }) });
  return kafka;
}

export async function closeConformanceKafka(): Promise<void> {
  await kafka?.close();
  kafka = undefined;
}

export async function ownedTopics(s: TestServices): Promise<string[]> {
  return (await conformanceKafka(s).listTopics()).filter(ownsTopic).sort();
}

/** Deletes every topic of the fixed prefix and waits until the broker no longer lists them. */
export async function deleteOwnedTopics(s: TestServices): Promise<void> {
  const k = conformanceKafka(s);
  const topics = await ownedTopics(s);
  if (topics.length > 0) await k.deleteTopics(topics);
  await waitFor(async () => (await ownedTopics(s)).length === 0, { timeoutMs: 60_000, message: 'golden topics deleted' });
}

async function endOffsets(s: TestServices, topics: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of topics) {
    const hw = await conformanceKafka(s).highWatermarks(t);
    out.set(t, [...hw.values()].reduce((a, b) => a + b, 0));
  }
  return out;
}

/** Sum of the end offsets of the owned topics, per topic. */
export async function topicCounts(s: TestServices): Promise<Map<string, number>> {
  return endOffsets(s, await ownedTopics(s));
}

/** Every record of `topics` (each topic's partitions in order, partition 0 first), with headers. */
export async function readRecords(s: TestServices, topics: string[]): Promise<CapturedRecord[]> {
  const out: CapturedRecord[] = [];
  for (const topic of topics) {
    const hw = await conformanceKafka(s).highWatermarks(topic);
    const total = [...hw.values()].reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const consumer = new Consumer({ clientId: 'conformance-reader', groupId: `conformance-${randomUUID()}`, bootstrapBrokers: s.kafkaBrokers });
    const got: Array<{ partition: number; offset: bigint; rec: CapturedRecord }> = [];
    const ends = new Map(hw);
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
      const done = () => [...ends].every(([p, end]) => got.filter((g) => g.partition === p).length >= end);
      if (!done()) {
        for await (const m of stream) {
          const headers: Record<string, unknown> = {};
          for (const [hk, hv] of (m.headers as Map<Buffer, Buffer>) ?? []) headers[hk.toString('utf8')] = decodeHeader(hv);
          const key = m.key as Buffer | null | undefined;
          const value = m.value as Buffer | null | undefined;
          got.push({
            partition: m.partition,
            offset: BigInt(m.offset),
            rec: {
              topic,
              key: key && key.length > 0 ? parseJsonExact(key.toString('utf8')) : null,
              value: value && value.length > 0 ? parseJsonExact(value.toString('utf8')) : null,
              headers,
            },
          });
          if (done()) break;
        }
      }
      await stream.close().catch(() => undefined);
    } finally {
      await consumer.close(true).catch(() => undefined);
    }
    got.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    out.push(...got.map((g) => g.rec));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The run

/** A connector that FAILED: ends the waits of runScenario at once (other errors while polling mean "not yet"). */
export class HostFailure extends Error {}

/** Like waitFor (polls `fn` until truthy; errors mean "not yet"), but a HostFailure ends the wait at once. */
export async function poll<T>(fn: () => Promise<T>, opts: { timeoutMs: number; intervalMs: number; message: string }): Promise<NonNullable<T>> {
  const end = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      if (e instanceof HostFailure) throw e;
      last = e;
    }
    if (Date.now() >= end) {
      throw new Error(`timed out after ${opts.timeoutMs} ms: ${opts.message}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
}

export interface ScenarioHost {
  /** Starts the connector with this config (the database is ready, the topics are gone). */
  start(config: Record<string, string>): Promise<void>;
  /** Throws a HostFailure if the connector or its task failed (checked while waiting). */
  check(): Promise<void>;
}

const log = (msg: string) => console.error(`[conformance] ${msg}`);

/** Waits until the owned topics' end offsets have not moved for `quietMs`. */
async function waitQuiet(s: TestServices, host: ScenarioHost, quietMs: number): Promise<void> {
  let last = '';
  let since = Date.now();
  await poll(async () => {
    await host.check();
    const now = JSON.stringify([...(await topicCounts(s))]);
    if (now !== last) {
      last = now;
      since = Date.now();
      return false;
    }
    return Date.now() - since >= quietMs;
  }, { timeoutMs: 120_000, intervalMs: 500, message: 'topics quiet' });
}

/**
 * Runs the whole scenario against `host` and returns every record of the owned topics, ordered by topic name,
 * then offset.
 */
export async function runScenario(scenario: Scenario, s: TestServices, host: ScenarioHost, ids: RunIds = newRunIds()): Promise<CapturedRecord[]> {
  log(`${scenario.kind}: fresh database ${scenario.database}, deleting the ${TOPIC_PREFIX} topics`);
  await resetDatabase(scenario, s);
  await deleteOwnedTopics(s);
  const config = connectorConfig(scenario, s, ids);
  log(`${scenario.kind}: starting the connector`);
  await host.start(config);

  await poll(async () => {
    await host.check();
    const counts = await topicCounts(s);
    return Object.entries(scenario.snapshotRows).every(([t, n]) => (counts.get(t) ?? 0) >= n);
  }, { timeoutMs: 180_000, intervalMs: 500, message: `${scenario.kind} snapshot records` });
  // The snapshot is complete once nothing more arrives (e.g. the last schema change and transaction events).
  await waitQuiet(s, host, 3000);
  log(`${scenario.kind}: snapshot in; running ${scenario.steps.length} steps`);

  const session = await scenarioSession(scenario, s);
  try {
    for (const step of scenario.steps) {
      for (const sql of step.sql) await session.run(sql);
    }
    for (const sql of scenario.sentinel.sql) await session.run(sql);
  } finally {
    await session.close();
  }
  await poll(async () => {
    await host.check();
    const records = await readRecords(s, [scenario.sentinel.topic]);
    return records.some((r) => idOfAfter(r.value) === scenario.sentinel.id);
  }, { timeoutMs: 120_000, intervalMs: 1000, message: `${scenario.kind} sentinel row ${scenario.sentinel.id} in ${scenario.sentinel.topic}` });
  await waitQuiet(s, host, 3000);
  const topics = await ownedTopics(s);
  const records = await readRecords(s, topics);
  log(`${scenario.kind}: captured ${records.length} records from ${topics.length} topics`);
  return records;
}

function idOfAfter(value: unknown): unknown {
  const v = value as { payload?: { after?: { id?: unknown } } } | null;
  return v?.payload?.after?.id;
}

/** One record per line (JSONL), exact integers. */
export function toJsonl(records: CapturedRecord[]): string {
  return records.map((r) => stringifyJsonExact(r)).join('\n') + '\n';
}

export function fromJsonl(text: string): CapturedRecord[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => parseJsonExact(l) as CapturedRecord);
}
