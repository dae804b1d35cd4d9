/**
 * Confluent's AvroConverter through a real worker, a real schema registry (Apicurio's Confluent API in the test
 * bed), MariaDB and PostgreSQL. Records are decoded by an independent client (@kafkajs/confluent-schema-registry:
 * it fetches each schema by the id in the record and decodes with that schema) and compared with what the JSON
 * converter writes for the same changes. Schema evolution (ADD COLUMN) must register a new version the registry
 * finds compatible; a registry that cannot be reached holds the task back without skipping anything.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avsc from 'avsc';
import { schemaRegistry, testServices, uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readRawTopic, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig } from './mysql-helpers.js';
import { comparable, decodedJson, registryCall } from './harness/registry.js';
import { pgConnectorConfig, scratchDatabase } from './pg-helpers.js';

const AVRO = 'io.confluent.connect.avro.AvroConverter';

/** Avro longs as bigint: Debezium's source.ts_ns is beyond 2^53, which avsc's default long refuses to read. */
const longAsBigInt = (avsc.types.LongType as any).__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

function avro(url: string): Record<string, string> {
  return {
    'key.converter': AVRO, 'key.converter.schema.registry.url': url,
    'value.converter': AVRO, 'value.converter.schema.registry.url': url,
  };
}

/** Plain data for comparing: Avro bytes (a decimal's unscaled value) as the JSON converter's base64. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** A TCP relay to the registry that can be made to refuse every connection (the registry "down"). */
async function registryRelay(target: URL): Promise<{ url: string; down: boolean; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const relay = { url: '', down: false, close: async () => undefined as void };
  const server = net.createServer((client) => {
    if (relay.down) { client.destroy(); return; }
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  relay.url = `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`;
  relay.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return relay;
}

describe('Avro through the schema registry', () => {
  let registryUrl: string | undefined;
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  let decoder: SchemaRegistry;
  const topics: string[] = [];
  const subjects: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  before(async () => {
    registryUrl = schemaRegistry(await testServices());
    if (!registryUrl) return;
    decoder = new SchemaRegistry({ host: registryUrl }, {
      forSchemaOptions: { typeHook: (schema: unknown) => (schema === 'long' || (schema as { type?: unknown })?.type === 'long' ? longAsBigInt : undefined) },
    } as any);
    settings = newWorkerSettings('avro');
    w = await startInProcessWorker(settings);
    http = api(w.url);
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await w?.stop();
    if (settings) await cleanupWorkerTopics(settings, topics);
    if (registryUrl) {
      for (const s of subjects) await fetch(`${registryUrl}/subjects/${encodeURIComponent(s)}`, { method: 'DELETE' }).catch(() => undefined);
    }
    await closeTestKafka();
  });

  async function create(name: string, config: Record<string, string>): Promise<void> {
    const res = await http.post('/connectors', { name, config });
    assert.equal(res.status, 201, res.text);
    cleanups.push(() => http.delete(`/connectors/${name}`));
  }

  /** Each record of an Avro topic as { key, value } decoded through the registry (null stays null). */
  async function decodedAvro(topic: string): Promise<Array<{ key: unknown; value: unknown }>> {
    const out: Array<{ key: unknown; value: unknown }> = [];
    for (const r of await readRawTopic(topic)) {
      out.push({
        key: r.key ? plain(await decoder.decode(r.key)) : null,
        value: r.value ? plain(await decoder.decode(r.value)) : null,
      });
    }
    return out;
  }

  it('MariaDB: Avro records read back through the registry equal the JSON ones; ADD COLUMN registers a compatible new version', async (t) => {
    if (!registryUrl) return t.skip('these services have no schema registry');
    const conn = await adminConnection();
    const db = uniqueName('avro_my');
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    const jsonPrefix = uniqueName('avro_json');
    const avroPrefix = uniqueName('avro_avro');
    const jsonTopic = `${jsonPrefix}.${db}.items`;
    const avroTopic = `${avroPrefix}.${db}.items`;
    topics.push(jsonTopic, avroTopic, jsonPrefix, avroPrefix);
    subjects.push(`${avroTopic}-key`, `${avroTopic}-value`, `${avroPrefix}-key`, `${avroPrefix}-value`);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2),
      created DATETIME(3) NOT NULL, added DATE, active BOOLEAN NOT NULL DEFAULT 1, weight DOUBLE, note TEXT)`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES
      (1, 'kettle', 19.99, '2026-01-02 03:04:05.678', '2026-01-02', 1, 1.25, NULL),
      (2, 'teapot', NULL, '2026-02-03 04:05:06.000', NULL, 0, NULL, 'blue'),
      (3, 'cup', 2.50, '2026-03-04 05:06:07.890', '1999-12-31', 1, 0.2, '')`);
    await create(uniqueName('items_json'), await mysqlConnectorConfig(db, jsonPrefix));
    const avroName = uniqueName('items_avro');
    await create(avroName, await mysqlConnectorConfig(db, avroPrefix, avro(registryUrl)));
    await waitForStatus(w.url, avroName, (s) => isRunning(s));
    await waitFor(async () => (await readRawTopic(avroTopic)).length === 3 && (await readRawTopic(jsonTopic)).length === 3,
      { timeoutMs: 60_000, message: 'snapshot on both topics' });
    await conn.query(`UPDATE \`${db}\`.items SET price = 21.00, note = 'new' WHERE id = 1`);
    await conn.query(`DELETE FROM \`${db}\`.items WHERE id = 2`);
    // Records written after this ADD COLUMN carry a schema with one more optional field: a new, compatible version.
    await conn.query(`ALTER TABLE \`${db}\`.items ADD COLUMN nickname VARCHAR(20) NULL`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES (4, 'jug', 7.00, '2026-04-05 06:07:08.123', NULL, 1, 3.5, NULL, 'jj')`);
    // 3 snapshot rows, update, delete + tombstone, insert
    await waitFor(async () => (await readRawTopic(avroTopic)).length === 7 && (await readRawTopic(jsonTopic)).length === 7,
      { timeoutMs: 60_000, message: 'the changes on both topics' });

    const fromAvro = await decodedAvro(avroTopic);
    const fromJson = await decodedJson(jsonTopic);
    assert.deepEqual(fromAvro.map((r) => r.key), fromJson.map((r) => r.key));
    assert.deepEqual(fromAvro.map((r) => comparable(r.value)), fromJson.map((r) => comparable(r.value)));
    // the test is only as good as what it compared: the values of the types that differ most between the formats
    const first = fromAvro[0]!.value as any;
    assert.equal(first.after.name, 'kettle');
    assert.equal(Buffer.from(first.after.price, 'base64').readUIntBE(0, Buffer.from(first.after.price, 'base64').length), 1999);
    assert.equal(first.after.created, Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    assert.equal(first.after.added, Date.UTC(2026, 0, 2) / 86_400_000);
    assert.equal((fromAvro[6]!.value as any).after.nickname, 'jj');
    assert.equal(fromAvro[5]!.value, null, 'the delete\'s tombstone');

    const versions = await registryCall(registryUrl, `/subjects/${encodeURIComponent(`${avroTopic}-value`)}/versions`);
    assert.deepEqual(versions.body, [1, 2], 'ADD COLUMN registered a second version of the value schema');
    const latest = await registryCall(registryUrl, `/subjects/${encodeURIComponent(`${avroTopic}-value`)}/versions/2`);
    const compatible = await registryCall(registryUrl,
      `/compatibility/subjects/${encodeURIComponent(`${avroTopic}-value`)}/versions/1`, { schema: latest.body.schema });
    assert.equal(compatible.status, 200, JSON.stringify(compatible.body));
    assert.equal(compatible.body.is_compatible, true, 'version 2 is backward compatible with version 1');
    assert.deepEqual((await registryCall(registryUrl, `/subjects/${encodeURIComponent(`${avroTopic}-key`)}/versions`)).body, [1]);
  });

  it('PostgreSQL: Debezium\'s tutorial config (unwrap, route) with Avro gives the table\'s rows, decoded through the registry', async (t) => {
    if (!registryUrl) return t.skip('these services have no schema registry');
    const scratch = await scratchDatabase('avro_pg');
    cleanups.push(() => scratch.drop());
    const routed = uniqueName('avro_routed');
    const topic = `${routed}_customers`;
    topics.push(topic);
    subjects.push(`${topic}-key`, `${topic}-value`);
    await scratch.client.query('CREATE TABLE customers (id INT PRIMARY KEY, first_name TEXT, email TEXT NOT NULL, since DATE)');
    await scratch.client.query(`INSERT INTO customers VALUES (1001, 'Sally', 'sally@example.com', '2020-05-01'), (1002, 'George', 'gbailey@example.com', NULL)`);
    const name = uniqueName('tutorial_avro');
    await create(name, await pgConnectorConfig(scratch.name, uniqueName('avro_pg'), uniqueName('avro_slot'), {
      ...avro(registryUrl),
      transforms: 'unwrap,route',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.drop.tombstones': 'false',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)',
      'transforms.route.replacement': `${routed}_$3`,
    }));
    await waitForStatus(w.url, name, (s) => isRunning(s));
    await waitFor(async () => (await readRawTopic(topic)).length === 2, { timeoutMs: 60_000, message: 'snapshot rows' });
    await scratch.client.query(`UPDATE customers SET email = 'sally@new.example' WHERE id = 1001`);
    await scratch.client.query('DELETE FROM customers WHERE id = 1002');
    await waitFor(async () => (await readRawTopic(topic)).length === 4, { timeoutMs: 60_000, message: 'update and delete' });
    const records = await decodedAvro(topic);
    assert.deepEqual(records, [
      { key: { id: 1001 }, value: { id: 1001, first_name: 'Sally', email: 'sally@example.com', since: Date.UTC(2020, 4, 1) / 86_400_000 } },
      { key: { id: 1002 }, value: { id: 1002, first_name: 'George', email: 'gbailey@example.com', since: null } },
      { key: { id: 1001 }, value: { id: 1001, first_name: 'Sally', email: 'sally@new.example', since: Date.UTC(2020, 4, 1) / 86_400_000 } },
      { key: { id: 1002 }, value: null },
    ]);
    const schema = await registryCall(registryUrl, `/subjects/${encodeURIComponent(`${topic}-value`)}/versions/latest`);
    assert.match(schema.body.schema, /"connect.name":"[^"]+\.Value"/, 'the flat row keeps Debezium\'s Value schema name');
  });

  it('a registry that cannot be reached holds the task back (RUNNING, reported in status), skips nothing, and everything arrives once it answers', async (t) => {
    if (!registryUrl) return t.skip('these services have no schema registry');
    const relay = await registryRelay(new URL(registryUrl));
    cleanups.push(() => relay.close());
    relay.down = true;
    const conn = await adminConnection();
    const db = uniqueName('avro_down');
    const prefix = uniqueName('avro_down');
    const topic = `${prefix}.${db}.t`;
    topics.push(topic, prefix);
    subjects.push(`${topic}-key`, `${topic}-value`, `${prefix}-key`, `${prefix}-value`);
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v INT NOT NULL)`);
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (1, 1), (2, 2), (3, 3)`);
    const name = uniqueName('avro_down');
    await create(name, await mysqlConnectorConfig(db, prefix, { ...avro(relay.url), 'errors.retry.delay.max.ms': '500' }));
    const held = await waitForStatus(w.url, name, (s) => isRunning(s) && typeof s.tasks[0].progress?.blockedBy === 'string');
    assert.match(held.tasks[0].progress.blockedBy, /registry/i);
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (4, 4)`);
    assert.equal((await readRawTopic(topic)).length, 0, 'nothing is written while no schema id can be had');
    relay.down = false;
    await waitFor(async () => (await readRawTopic(topic)).length === 4, { timeoutMs: 60_000, message: 'all rows once the registry answers' });
    const values = (await decodedAvro(topic)).map((r) => (r.value as any).after);
    assert.deepEqual(values, [{ id: 1, v: 1 }, { id: 2, v: 2 }, { id: 3, v: 3 }, { id: 4, v: 4 }]);
    const status = await waitForStatus(w.url, name, (s) => isRunning(s) && s.tasks[0].progress?.blockedBy === undefined);
    assert.equal(status.tasks[0].progress?.skippedRecords, undefined, 'nothing was skipped');
  });
});
