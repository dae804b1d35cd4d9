/**
 * Shared pieces of the PostgreSQL connector's integration tests: a scratch database per test, connector
 * configs, slot inspection, and materialising topics (latest value per key; delete/tombstone removes it).
 */
import pg from 'pg';
import { testServices, uniqueName } from './harness/services.js';
import { readTopic, type TopicRecord } from './harness/worker.js';

export async function pgClient(database?: string): Promise<pg.Client> {
  const s = await testServices();
  const c = new pg.Client({ host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password || undefined, database: database ?? s.pg.database });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export interface ScratchDb {
  name: string;
  /** Superuser connection to the scratch database. */
  client: pg.Client;
  /** Terminates connections, drops slots of this database, drops the database. */
  drop(): Promise<void>;
}

export async function scratchDatabase(prefix: string): Promise<ScratchDb> {
  const name = uniqueName(prefix);
  const admin = await pgClient();
  await admin.query(`CREATE DATABASE "${name}"`);
  const client = await pgClient(name);
  return {
    name,
    client,
    async drop() {
      await client.end().catch(() => undefined);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]).catch(() => undefined);
      await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active`, [name]).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

export async function pgConnectorConfig(db: string, prefix: string, slot: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const s = await testServices();
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': s.pg.host,
    'database.port': String(s.pg.port),
    'database.user': s.pg.user,
    ...(s.pg.password ? { 'database.password': s.pg.password } : {}),
    'database.dbname': db,
    'topic.prefix': prefix,
    'slot.name': slot,
    'publication.name': `${slot}_pub`,
    ...extra,
  };
}

export interface SlotState {
  active: boolean;
  confirmedFlushLsn: bigint | null;
}

export async function slotState(client: pg.Client, slot: string): Promise<SlotState | null> {
  const r = (await client.query(`SELECT active, confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1`, [slot])).rows[0];
  if (!r) return null;
  return { active: r.active, confirmedFlushLsn: r.lsn ? lsnValue(r.lsn) : null };
}

export function lsnValue(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/** Unwraps JsonConverter's `{schema, payload}` when schemas are enabled. */
export function payloadOf(text: string | null): any {
  if (text === null) return null;
  const parsed = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && 'payload' in parsed && 'schema' in parsed ? parsed.payload : parsed;
}

export function schemaOf(text: string | null): any {
  if (text === null) return null;
  const parsed = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && 'schema' in parsed ? parsed.schema : null;
}

export interface Decoded {
  key: any;
  value: any;
  record: TopicRecord;
}

export async function decodedTopic(topic: string): Promise<Decoded[]> {
  return (await readTopic(topic)).map((record) => ({ key: payloadOf(record.key), value: payloadOf(record.value), record }));
}

/** Latest `after` per key (JSON of the key), deletes and tombstones remove the key. */
export function materialiseRecords(records: readonly Decoded[]): Map<string, Record<string, unknown>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const d of records) {
    const k = JSON.stringify(d.key);
    if (d.value === null || d.value.op === 'd') state.delete(k);
    else if (d.value.op === 't') state.clear();
    else state.set(k, d.value.after as Record<string, unknown>);
  }
  return state;
}

export async function materialise(topic: string): Promise<Map<string, Record<string, unknown>>> {
  return materialiseRecords(await decodedTopic(topic));
}

/** Rows of a table keyed like `materialise`; `select` decides how values look (cast to match the events). */
export async function tableState(client: pg.Client, select: string, keyColumns: string[]): Promise<Map<string, Record<string, unknown>>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const row of (await client.query(select)).rows as Record<string, unknown>[]) {
    const key: Record<string, unknown> = {};
    for (const c of keyColumns) key[c] = row[c];
    state.set(JSON.stringify(key), row);
  }
  return state;
}

export function diffStates(expected: Map<string, Record<string, unknown>>, actual: Map<string, Record<string, unknown>>, limit = 10): string[] {
  const out: string[] = [];
  for (const [k, v] of expected) {
    const a = actual.get(k);
    if (!a) out.push(`missing ${k}`);
    else if (JSON.stringify(a) !== JSON.stringify(v)) out.push(`differs ${k}: expected ${JSON.stringify(v)} got ${JSON.stringify(a)}`);
    if (out.length >= limit) return out;
  }
  for (const k of actual.keys()) {
    if (!expected.has(k)) out.push(`unexpected ${k}`);
    if (out.length >= limit) return out;
  }
  return out;
}

/** Creates a Debezium signal table (`signal.data.collection`) in the scratch database. */
export async function createSignalTable(client: pg.Client, name = 'public.debezium_signal'): Promise<string> {
  await client.query(`CREATE TABLE ${name} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048))`);
  return name;
}

let signalSeq = 0;

/** Inserts a signal row (e.g. `execute-snapshot` with `{"data-collections": [...]}`); returns its id. */
export async function insertSignal(client: pg.Client, table: string, type: string, data: unknown = {}): Promise<string> {
  const id = `test-${process.pid}-${Date.now()}-${signalSeq++}`;
  await client.query(`INSERT INTO ${table} (id, type, data) VALUES ($1, $2, $3)`, [id, type, JSON.stringify(data)]);
  return id;
}

/** The flush position (lsn_proc) of the connector's offset as committed in the worker's offsets topic, or null. */
export async function committedFlushLsn(offsetTopic: string, prefix: string): Promise<bigint | null> {
  let latest: bigint | null = null;
  for (const r of await readTopic(offsetTopic)) {
    if (r.key === null || !r.key.includes(`"server":"${prefix}"`)) continue;
    latest = r.value === null ? null : BigInt(JSON.parse(r.value).lsn_proc);
  }
  return latest;
}

/**
 * Samples the slot until stopped: its confirmed_flush_lsn must never be beyond the flush LSN of the offsets in
 * Kafka. The slot is read first: offsets only grow, so a later read can only make the check easier.
 */
export function watchSlot(c: pg.Client, slot: string, offsetTopic: string, prefix: string) {
  let stopping = false;
  let samples = 0;
  const violations: string[] = [];
  const done = (async () => {
    while (!stopping) {
      const s = await slotState(c, slot);
      const committed = await committedFlushLsn(offsetTopic, prefix);
      if (s?.confirmedFlushLsn != null && committed !== null && s.confirmedFlushLsn > committed) {
        violations.push(`slot confirmed ${s.confirmedFlushLsn} > committed offset flush ${committed}`);
      }
      samples++;
    }
  })();
  return { samples: () => samples, violations, async stop() { stopping = true; await done; } };
}
