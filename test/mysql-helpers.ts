/**
 * Shared pieces of the MySQL connector's integration tests: a MariaDB admin connection, connector configs,
 * and materialising a topic (latest value per key; a delete or tombstone removes the key).
 */
import mysql from 'mysql2/promise';
import { readTopic, type TopicRecord } from './harness/worker.js';
import { testServices } from './harness/services.js';

export async function adminConnection(extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  const s = await testServices();
  const conn = await mysql.createConnection({
    host: s.mysql.host, port: s.mysql.port, user: s.mysql.user, password: s.mysql.password,
    multipleStatements: true, dateStrings: true, supportBigNumbers: true, bigNumberStrings: false, ...extra,
  });
  conn.on('error', () => undefined);
  return conn;
}

/** A connector config for the test MariaDB capturing database `db`. */
export async function mysqlConnectorConfig(db: string, prefix: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const s = await testServices();
  return {
    'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
    'tasks.max': '1',
    'database.hostname': s.mysql.host,
    'database.port': String(s.mysql.port),
    'database.user': s.mysql.user,
    ...(s.mysql.password ? { 'database.password': s.mysql.password } : {}),
    'database.server.id': String(100000 + Math.floor(Math.random() * 1_000_000_000)),
    'topic.prefix': prefix,
    'database.include.list': db,
    ...extra,
  };
}

export interface Decoded {
  key: unknown;
  /** The envelope (or null for a tombstone). */
  value: Record<string, unknown> | null;
  record: TopicRecord;
}

/** Unwraps JsonConverter's `{schema, payload}` when schemas are enabled. */
export function payloadOf(text: string | null): any {
  if (text === null) return null;
  const parsed = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && 'payload' in parsed && 'schema' in parsed ? parsed.payload : parsed;
}

export async function decodedTopic(topic: string): Promise<Decoded[]> {
  return (await readTopic(topic)).map((record) => ({ key: payloadOf(record.key), value: payloadOf(record.value), record }));
}

/** Latest `after` per key (JSON of the key), deletes and tombstones remove the key. */
export async function materialise(topic: string): Promise<Map<string, Record<string, unknown>>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const d of await decodedTopic(topic)) {
    const k = JSON.stringify(d.key);
    if (d.value === null || d.value.op === 'd') state.delete(k);
    else state.set(k, d.value.after as Record<string, unknown>);
  }
  return state;
}

/** Rows of a table keyed like `materialise` (key = JSON of the key columns in key order). */
export async function tableState(conn: mysql.Connection, db: string, table: string, keyColumns: string[]): Promise<Map<string, Record<string, unknown>>> {
  const [rows] = await conn.query(`SELECT * FROM \`${db}\`.\`${table}\``);
  const state = new Map<string, Record<string, unknown>>();
  for (const row of rows as Record<string, unknown>[]) {
    const key: Record<string, unknown> = {};
    for (const c of keyColumns) key[c] = row[c];
    state.set(JSON.stringify(key), row);
  }
  return state;
}

/** Differences between two materialised states (empty = equal), for assertion messages. */
export function diffStates(expected: Map<string, Record<string, unknown>>, actual: Map<string, Record<string, unknown>>, limit = 10): string[] {
  const out: string[] = [];
  for (const [k, v] of expected) {
    const a = actual.get(k);
    if (!a) out.push(`missing ${k}`);
    else if (JSON.stringify(a) !== JSON.stringify(v)) out.push(`differs ${k}: expected ${JSON.stringify(v)} got ${JSON.stringify(a)}`);
    if (out.length >= limit) return out;
  }
  for (const k of actual.keys()) {
    if (!expected.has(k)) out.push(`unexpected ${k}: ${JSON.stringify(actual.get(k))}`);
    if (out.length >= limit) return out;
  }
  return out;
}

/** Debezium's signal table in `db` (default name debezium_signal); returns `db.table`. */
export async function createSignalTable(conn: mysql.Connection, db: string, table = 'debezium_signal'): Promise<string> {
  await conn.query(`CREATE TABLE \`${db}\`.\`${table}\` (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048))`);
  return `${db}.${table}`;
}

let signalSeq = 0;

/** Inserts a signal row (e.g. `execute-snapshot` with `{"data-collections": [...]}`) into `db.table`; returns its id. */
export async function insertSignal(conn: mysql.Connection, table: string, type: string, data: unknown = {}): Promise<string> {
  const id = `test-${process.pid}-${Date.now()}-${signalSeq++}`;
  const [db, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
  await conn.query(`INSERT INTO \`${db}\`.\`${name}\` (id, type, data) VALUES (?, ?, ?)`, [id, type, JSON.stringify(data)]);
  return id;
}
