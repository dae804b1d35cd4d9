/**
 * Confluent's JsonSchemaConverter through a real worker, MariaDB, Kafka and a real schema registry (Apicurio's
 * Confluent API in the test bed). Records are decoded by an independent client (@kafkajs/confluent-schema-registry:
 * it fetches each schema by the id in the record, and validates the payload against it with ajv) and compared
 * with what the JSON converter writes for the same changes. ADD COLUMN must register a new version the registry
 * finds compatible.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { schemaRegistry, testServices, uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readRawTopic, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig } from './mysql-helpers.js';
import { comparable, decodedJson, registryCall } from './harness/registry.js';
import { firstMessageOf } from './harness/protobuf.js';

const JSON_SCHEMA = 'io.confluent.connect.json.JsonSchemaConverter';
const PROTOBUF = 'io.confluent.connect.protobuf.ProtobufConverter';
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

/** Without nulls (Protobuf has no null: an optional field that is null is absent). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, withoutNulls(x)]));
}

/** protobufjs (as the decoder uses it) names fields in camelCase: back to the columns' snake_case. */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(x)]));
}

describe('JSON Schema and Protobuf converters through the schema registry', () => {
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
    // strict: false lets ajv pass over the connect.* annotations (Confluent's validator ignores them too).
    decoder = new SchemaRegistry({ host: registryUrl }, { [SchemaType.JSON]: { strict: false } });
    settings = newWorkerSettings('regconv');
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

  /** Each record of a topic as { key, value } decoded (and validated) through the registry; null stays null. */
  async function decodedRegistry(topic: string): Promise<Array<{ key: unknown; value: unknown }>> {
    const out: Array<{ key: unknown; value: unknown }> = [];
    for (const r of await readRawTopic(topic)) {
      out.push({ key: r.key ? await decoder.decode(r.key) : null, value: r.value ? await decoder.decode(r.value) : null });
    }
    return out;
  }

  /** Each record of a Protobuf topic decoded through the registry, as plain data (zeros written out, absent optionals left out). */
  async function decodedProtobuf(topic: string): Promise<Array<{ key: unknown; value: unknown }>> {
    const plain = async (bytes: Buffer | null) => {
      if (!bytes) return null;
      assert.equal(bytes[5], 0, 'message indexes [0] as a single 0 byte');
      const m = await decoder.decode(bytes);
      return withoutNulls(snakeKeys(m.$type.toObject(m, { longs: Number, bytes: String, defaults: true })));
    };
    const out: Array<{ key: unknown; value: unknown }> = [];
    for (const r of await readRawTopic(topic)) out.push({ key: await plain(r.key), value: await plain(r.value) });
    return out;
  }

  it('MariaDB: JSON Schema records read back through the registry equal the JSON ones; ADD COLUMN registers a compatible new version', async (t) => {
    if (!registryUrl) return t.skip('these services have no schema registry');
    const conn = await adminConnection();
    const db = uniqueName('jss_my');
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    const jsonPrefix = uniqueName('jss_json');
    const jssPrefix = uniqueName('jss_reg');
    const jsonTopic = `${jsonPrefix}.${db}.items`;
    const jssTopic = `${jssPrefix}.${db}.items`;
    topics.push(jsonTopic, jssTopic, jsonPrefix, jssPrefix);
    subjects.push(`${jssTopic}-key`, `${jssTopic}-value`, `${jssPrefix}-key`, `${jssPrefix}-value`);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2),
      created DATETIME(3) NOT NULL, added DATE, active BOOLEAN NOT NULL DEFAULT 1, weight DOUBLE, note TEXT)`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES
      (1, 'kettle', 19.99, '2026-01-02 03:04:05.678', '2026-01-02', 1, 1.25, NULL),
      (2, 'teapot', NULL, '2026-02-03 04:05:06.000', NULL, 0, NULL, 'blue'),
      (3, 'cup', 2.50, '2026-03-04 05:06:07.890', '1999-12-31', 1, 0.2, '')`);
    // Decimals as JSON numbers on both sides: the schema says "number", which base64 text would not validate against.
    await create(uniqueName('items_json'), await mysqlConnectorConfig(db, jsonPrefix, {
      'value.converter': JSON_CONVERTER, 'value.converter.decimal.format': 'NUMERIC',
    }));
    const jssName = uniqueName('items_jss');
    await create(jssName, await mysqlConnectorConfig(db, jssPrefix, {
      'key.converter': JSON_SCHEMA, 'key.converter.schema.registry.url': registryUrl,
      'value.converter': JSON_SCHEMA, 'value.converter.schema.registry.url': registryUrl,
      'value.converter.decimal.format': 'NUMERIC',
      // Closed objects: the registry's BACKWARD check refuses a property added to an open content model.
      'value.converter.object.additional.properties': 'false',
    }));
    await waitForStatus(w.url, jssName, (s) => isRunning(s));
    await waitFor(async () => (await readRawTopic(jssTopic)).length === 3 && (await readRawTopic(jsonTopic)).length === 3,
      { timeoutMs: 60_000, message: 'snapshot on both topics' });
    await conn.query(`UPDATE \`${db}\`.items SET price = 21.00, note = 'new' WHERE id = 1`);
    await conn.query(`DELETE FROM \`${db}\`.items WHERE id = 2`);
    await conn.query(`ALTER TABLE \`${db}\`.items ADD COLUMN nickname VARCHAR(20) NULL`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES (4, 'jug', 7.00, '2026-04-05 06:07:08.123', NULL, 1, 3.5, NULL, 'jj')`);
    // 3 snapshot rows, update, delete + tombstone, insert
    await waitFor(async () => (await readRawTopic(jssTopic)).length === 7 && (await readRawTopic(jsonTopic)).length === 7,
      { timeoutMs: 60_000, message: 'the changes on both topics' });

    const raw = await readRawTopic(jssTopic);
    assert.equal(raw[0]!.value![0], 0, 'magic byte');
    const fromRegistry = await decodedRegistry(jssTopic);
    const fromJson = await decodedJson(jsonTopic);
    assert.deepEqual(fromRegistry.map((r) => r.key), fromJson.map((r) => r.key));
    assert.deepEqual(fromRegistry.map((r) => comparable(r.value)), fromJson.map((r) => comparable(r.value)));
    // the test is only as good as what it compared
    const first = fromRegistry[0]!.value as any;
    assert.equal(first.after.name, 'kettle');
    assert.equal(first.after.price, 19.99);
    assert.equal(first.after.created, Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    assert.equal((fromRegistry[6]!.value as any).after.nickname, 'jj');
    assert.equal(fromRegistry[5]!.value, null, 'the delete\'s tombstone');

    const subject = encodeURIComponent(`${jssTopic}-value`);
    const versions = await registryCall(registryUrl, `/subjects/${subject}/versions`);
    assert.deepEqual(versions.body, [1, 2], 'ADD COLUMN registered a second version of the value schema');
    const v2 = await registryCall(registryUrl, `/subjects/${subject}/versions/2`);
    assert.equal(v2.body.schemaType, 'JSON');
    assert.match(v2.body.schema, /"nickname":\{"oneOf":\[\{"type":"null"\},\{"type":"string"\}\],"connect.index":8\}/);
    const compatible = await registryCall(registryUrl, `/compatibility/subjects/${subject}/versions/1`, { schemaType: 'JSON', schema: v2.body.schema });
    assert.equal(compatible.status, 200, JSON.stringify(compatible.body));
    assert.equal(compatible.body.is_compatible, true, 'version 2 is backward compatible with version 1');
    assert.deepEqual((await registryCall(registryUrl, `/subjects/${encodeURIComponent(`${jssTopic}-key`)}/versions`)).body, [1]);
  });

  it('MariaDB: Protobuf records read back through the registry equal the JSON ones; ADD COLUMN registers a compatible new version', async (t) => {
    if (!registryUrl) return t.skip('these services have no schema registry');
    const conn = await adminConnection();
    const db = uniqueName('pb_my');
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    const jsonPrefix = uniqueName('pb_json');
    const pbPrefix = uniqueName('pb_reg');
    const jsonTopic = `${jsonPrefix}.${db}.items`;
    const pbTopic = `${pbPrefix}.${db}.items`;
    topics.push(jsonTopic, pbTopic, jsonPrefix, pbPrefix);
    subjects.push(`${pbTopic}-key`, `${pbTopic}-value`, `${pbPrefix}-key`, `${pbPrefix}-value`);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2),
      created DATETIME(3) NOT NULL, added DATE, active BOOLEAN NOT NULL DEFAULT 1, weight DOUBLE, note TEXT, big BIGINT)`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES
      (1, 'kettle', 19.99, '2026-01-02 03:04:05.678', '2026-01-02', 1, 1.25, NULL, 9007199254740993),
      (2, 'teapot', NULL, '2026-02-03 04:05:06.000', NULL, 0, NULL, 'blue', NULL),
      (3, 'cup', 2.50, '2026-03-04 05:06:07.890', '1999-12-31', 1, 0.2, '', -1)`);
    // Decimals as strings here, to compare with the JSON converter's records field by field (precise decimals and
    // Connect's temporal types have their own test below).
    const common = { 'decimal.handling.mode': 'string' };
    await create(uniqueName('items_json'), await mysqlConnectorConfig(db, jsonPrefix, common));
    const pbName = uniqueName('items_pb');
    await create(pbName, await mysqlConnectorConfig(db, pbPrefix, {
      ...common,
      'key.converter': PROTOBUF, 'key.converter.schema.registry.url': registryUrl,
      'value.converter': PROTOBUF, 'value.converter.schema.registry.url': registryUrl,
      // proto3 optional: a null column reads back as absent, not as the type's zero
      'value.converter.optional.for.nullables': 'true',
    }));
    await waitForStatus(w.url, pbName, (s) => isRunning(s));
    await waitFor(async () => (await readRawTopic(pbTopic)).length === 3 && (await readRawTopic(jsonTopic)).length === 3,
      { timeoutMs: 60_000, message: 'snapshot on both topics' });
    await conn.query(`UPDATE \`${db}\`.items SET price = 21.00, note = 'new' WHERE id = 1`);
    await conn.query(`DELETE FROM \`${db}\`.items WHERE id = 2`);
    await conn.query(`ALTER TABLE \`${db}\`.items ADD COLUMN nickname VARCHAR(20) NULL`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES (4, 'jug', 7.00, '2026-04-05 06:07:08.123', NULL, 1, 3.5, NULL, NULL, 'jj')`);
    await waitFor(async () => (await readRawTopic(pbTopic)).length === 7 && (await readRawTopic(jsonTopic)).length === 7,
      { timeoutMs: 60_000, message: 'the changes on both topics' });

    const fromRegistry = await decodedProtobuf(pbTopic);
    const fromJson = (await decodedJson(jsonTopic)).map((r) => ({ key: withoutNulls(r.key), value: withoutNulls(r.value) }));
    assert.deepEqual(fromRegistry.map((r) => r.key), fromJson.map((r) => r.key));
    // JSON.parse rounds the BIGINT beyond 2^53 as Number() does for the decoded int64: compare after both roundings.
    assert.deepEqual(fromRegistry.map((r) => comparable(r.value)), fromJson.map((r) => comparable(r.value)));
    const first = fromRegistry[0]!.value as any;
    assert.equal(first.after.name, 'kettle');
    assert.equal(first.after.price, '19.99');
    assert.equal(first.after.created, Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    assert.equal(first.after.note, undefined, 'a NULL column is absent');
    assert.equal((fromRegistry[2]!.value as any).after.note, '', 'an empty string is present (proto3 optional)');
    assert.equal((fromRegistry[1]!.value as any).after.active, 0, 'a zero is written out');
    assert.equal((fromRegistry[6]!.value as any).after.nickname, 'jj');
    assert.equal(fromRegistry[5]!.value, null, 'the delete\'s tombstone');
    const raw = await readRawTopic(pbTopic);
    const exact = await decoder.decode(raw[0]!.value!);
    assert.equal(String((exact as any).after.big), '9007199254740993', 'int64 keeps every digit on the wire');

    const subject = encodeURIComponent(`${pbTopic}-value`);
    const versions = await registryCall(registryUrl, `/subjects/${subject}/versions`);
    assert.deepEqual(versions.body, [1, 2], 'ADD COLUMN registered a second version of the value schema');
    const v2 = await registryCall(registryUrl, `/subjects/${subject}/versions/2`);
    assert.equal(v2.body.schemaType, 'PROTOBUF');
    assert.match(v2.body.schema, /optional string nickname = 10;/);
    const compatible = await registryCall(registryUrl, `/compatibility/subjects/${subject}/versions/1`, { schemaType: 'PROTOBUF', schema: v2.body.schema });
    assert.equal(compatible.status, 200, JSON.stringify(compatible.body));
    assert.equal(compatible.body.is_compatible, true, 'version 2 is backward compatible with version 1');
  });

  it('MariaDB: precise decimals, Connect\'s Date/Time/Timestamp (time.precision.mode=connect) and SMALLINT/TINYINT as Confluent\'s ProtobufConverter writes them', async (t) => {
    if (!registryUrl) return t.skip('these services have no schema registry');
    const conn = await adminConnection();
    const db = uniqueName('pb_logical');
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    const prefix = uniqueName('pb_lt');
    const topic = `${prefix}.${db}.m`;
    topics.push(topic, prefix);
    subjects.push(`${topic}-key`, `${topic}-value`, `${prefix}-key`, `${prefix}-value`);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.m (id INT PRIMARY KEY, price DECIMAL(10,2), neg DECIMAL(6,3) NOT NULL, zero DECIMAL(5,2) NOT NULL,
      d DATE, t TIME(3), ts DATETIME(3), small SMALLINT NOT NULL, tiny TINYINT NOT NULL)`);
    await conn.query(`INSERT INTO \`${db}\`.m VALUES (1, 19.99, -0.5, 0, '2024-01-01', '12:34:56.789', '2026-01-02 03:04:05.678', -300, 7)`);
    const name = uniqueName('logical_pb');
    await create(name, await mysqlConnectorConfig(db, prefix, {
      'time.precision.mode': 'connect',
      'key.converter': PROTOBUF, 'key.converter.schema.registry.url': registryUrl,
      'value.converter': PROTOBUF, 'value.converter.schema.registry.url': registryUrl,
    }));
    await waitForStatus(w.url, name, (s) => isRunning(s));
    await conn.query(`INSERT INTO \`${db}\`.m VALUES (2, NULL, 123.456, 0, '1969-12-31', '00:00:00.000', '1969-12-31 23:59:59.999', 32767, -128)`);
    await waitFor(async () => (await readRawTopic(topic)).length === 2, { timeoutMs: 60_000, message: 'the snapshot and the insert' });

    const rows: any[] = [];
    for (const r of await readRawTopic(topic)) {
      const value = r.value!;
      assert.equal(value[0], 0, 'magic byte');
      assert.equal(value[5], 0, 'message indexes [0]');
      const registered = await registryCall(registryUrl, `/schemas/ids/${value.readUInt32BE(1)}`);
      const type = firstMessageOf(registered.body.schema);
      rows.push(type.toObject(type.decode(value.subarray(6)), { longs: Number, bytes: Array }).after);
    }
    assert.deepEqual(rows[0], {
      id: 1, price: { value: [0x07, 0xcf], precision: 4, scale: 2 }, neg: { value: [0xfe, 0x0c], precision: 3, scale: 3 },
      zero: { value: [0], precision: 1, scale: 2 }, d: { year: 2024, month: 1, day: 1 },
      t: { hours: 12, minutes: 34, seconds: 56, nanos: 789_000_000 }, ts: { seconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nanos: 678_000_000 },
      small: -300, tiny: 7,
    });
    assert.deepEqual(rows[1], {
      id: 2, neg: { value: [0x01, 0xe2, 0x40], precision: 6, scale: 3 }, zero: { value: [0], precision: 1, scale: 2 },
      d: { year: 1969, month: 12, day: 31 }, t: { hours: 0, minutes: 0, seconds: 0, nanos: 0 }, ts: { seconds: -1, nanos: 999_000_000 }, small: 32767, tiny: -128,
    }, 'a NULL decimal is absent; before 1970 the nanos stay positive');

    const latest = await registryCall(registryUrl, `/subjects/${encodeURIComponent(`${topic}-value`)}/versions/latest`);
    assert.match(latest.body.schema, /import "confluent\/type\/decimal\.proto";/);
    assert.match(latest.body.schema, /confluent\.type\.Decimal price = 2 \[\(confluent\.field_meta\) = \{ params \{ key: "precision" value: "10" \} params \{ key: "scale" value: "2" \} \}\];/);
    assert.match(latest.body.schema, /int32 tiny = 9 \[\(confluent\.field_meta\) = \{ params \{ key: "connect\.type" value: "int16" \} \}\];/);
    assert.deepEqual(latest.body.references ?? [], [], 'known types are not registered as references (skip.known.types)');
  });
});
