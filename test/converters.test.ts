/**
 * StringConverter, ByteArrayConverter and the header text through a real worker, MariaDB and Kafka, decoded by
 * Kafka Connect 4.4.0's own classes on the JVM (test/fixtures/ConnectDecode.java): Connect's StringConverter must
 * read back from our bytes exactly the text Connect's Struct.toString() gives for the same rows decoded by its
 * JsonConverter from a second connector, and our headers must be what its SimpleHeaderConverter writes for them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectJvm, type ConnectJvm } from './harness/connect-jvm.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readRawTopic, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig } from './mysql-helpers.js';

const STRING = 'org.apache.kafka.connect.storage.StringConverter';
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const BYTES = 'org.apache.kafka.connect.converters.ByteArrayConverter';

/** Rows only (no envelope, no schema change records), so two connectors of the same table write the same values; Connect's Date/Timestamp types. */
const ROWS = {
  'include.schema.changes': 'false',
  'time.precision.mode': 'connect',
  transforms: 'unwrap,hdr',
  'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
  'transforms.hdr.type': 'org.apache.kafka.connect.transforms.HeaderFrom$Value',
  'transforms.hdr.fields': 'price,added,created,name',
  'transforms.hdr.headers': 'h_price,h_added,h_created,h_name',
  'transforms.hdr.operation': 'copy',
};

describe('StringConverter, ByteArrayConverter, SimpleHeaderConverter', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  let jvm: ConnectJvm;
  const topics: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  before(async () => {
    jvm = connectJvm();
    settings = newWorkerSettings('conv');
    w = await startInProcessWorker(settings);
    http = api(w.url);
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await w?.stop();
    if (settings) await cleanupWorkerTopics(settings, topics);
    jvm?.close();
    await closeTestKafka();
  });

  async function create(name: string, config: Record<string, string>): Promise<void> {
    const res = await http.post('/connectors', { name, config });
    assert.equal(res.status, 201, res.text);
    cleanups.push(() => http.delete(`/connectors/${name}`));
  }

  async function database(tag: string, ddl: string): Promise<{ db: string; conn: Awaited<ReturnType<typeof adminConnection>> }> {
    const conn = await adminConnection();
    const db = uniqueName(tag);
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(ddl.replaceAll('$db', db));
    return { db, conn };
  }

  it('MariaDB: string keys and texts read back by Connect\'s StringConverter equal Connect\'s Struct.toString() of the JSON records; headers as SimpleHeaderConverter writes them', async () => {
    const { db, conn } = await database('conv_str', `CREATE TABLE \`$db\`.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL,
      price DECIMAL(10,2), weight DOUBLE, added DATE, created DATETIME(3) NOT NULL, note TEXT)`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES
      (1, 'kettle "K"', 19.99, 1.25, '2026-01-02', '2026-01-02 03:04:05.678', NULL),
      (2, 'thé', NULL, 1e10, NULL, '2026-02-03 04:05:06.000', 'a\\\\b'),
      (3, 'cup', 0.00, 0.2, '1999-12-31', '2026-03-04 05:06:07.890', '')`);
    // A: string keys (the common use), JSON values. B: JSON keys, string values in UTF-16.
    const prefixA = uniqueName('conv_a');
    const prefixB = uniqueName('conv_b');
    const topicA = `${prefixA}.${db}.items`;
    const topicB = `${prefixB}.${db}.items`;
    topics.push(topicA, topicB, prefixA, prefixB);
    const nameA = uniqueName('conv_a');
    await create(nameA, await mysqlConnectorConfig(db, prefixA, { ...ROWS, 'key.converter': 'StringConverter', 'value.converter': JSON_CONVERTER }));
    await create(uniqueName('conv_b'), await mysqlConnectorConfig(db, prefixB, {
      ...ROWS, 'key.converter': JSON_CONVERTER, 'value.converter': STRING, 'value.converter.converter.encoding': 'UTF-16',
    }));
    await waitForStatus(w.url, nameA, (s) => isRunning(s));
    await waitFor(async () => (await readRawTopic(topicA)).length === 3 && (await readRawTopic(topicB)).length === 3, { timeoutMs: 60_000, message: 'the snapshot on both topics' });
    await conn.query(`UPDATE \`${db}\`.items SET price = 0.5, note = 'new' WHERE id = 1`);
    await conn.query(`INSERT INTO \`${db}\`.items VALUES (4, 'jug', 7.00, -0.5, '2026-04-05', '2026-04-05 06:07:08.123', 'x')`);
    await waitFor(async () => (await readRawTopic(topicA)).length === 5 && (await readRawTopic(topicB)).length === 5, { timeoutMs: 60_000, message: 'the changes on both topics' });

    const a = await readRawTopic(topicA);
    const b = await readRawTopic(topicB);
    const keysA = jvm.decode(a.map((r) => ({ kind: 'string', isKey: true, bytes: r.key })));
    const keysB = jvm.decode(b.map((r) => ({ kind: 'json', isKey: true, bytes: r.key })));
    const valuesA = jvm.decode(a.map((r) => ({ kind: 'json', bytes: r.value })));
    const valuesB = jvm.decode(b.map((r) => ({ kind: 'string', props: { 'converter.encoding': 'UTF-16' }, bytes: r.value })));
    assert.deepEqual(keysA.map((k) => k.text), keysB.map((k) => k.text), 'our string keys = Connect\'s Struct.toString() of the same keys');
    assert.deepEqual(valuesB.map((v) => v.text), valuesA.map((v) => v.text), 'our string values = Connect\'s Struct.toString() of the same rows');
    // the comparison is only as good as what it compared
    assert.deepEqual(keysA.map((k) => k.text), ['Struct{id=1}', 'Struct{id=2}', 'Struct{id=3}', 'Struct{id=1}', 'Struct{id=4}']);
    assert.equal(a[0]!.key!.toString('utf8'), 'Struct{id=1}', 'plain UTF-8 text on the wire');
    assert.equal(valuesB[0]!.text, 'Struct{id=1,name=kettle "K",price=19.99,weight=1.25,added=Fri Jan 02 00:00:00 UTC 2026,created=Fri Jan 02 03:04:05 UTC 2026}');
    assert.match(valuesB[1]!.text!, /^Struct\{id=2,name=thé,weight=1\.0E10,created=.*,note=a\\b\}$/);
    assert.deepEqual([...b[0]!.value!.subarray(0, 2)], [0xfe, 0xff], 'UTF-16 with its byte order mark');

    // Headers: what Connect's SimpleHeaderConverter writes for the same fields of the row Connect decoded.
    for (const [i, r] of a.entries()) {
      const expected = valuesA[i]!.headers!;
      for (const f of ['price', 'added', 'created', 'name']) {
        assert.equal(r.headers[`h_${f}`] ?? null, expected[f], `record ${i} header h_${f}`);
      }
    }
    assert.equal(a[0]!.headers['h_added'], '2026-01-02');
    assert.equal(a[0]!.headers['h_created'], '2026-01-02T03:04:05.678Z');
    const parsed = jvm.decode(a.map((r) => ({ kind: 'header', bytes: Buffer.from(r.headers['h_price'] ?? '', 'utf8') })));
    assert.equal(parsed[0]!.roundTrip, '19.99', 'Connect parses our header text and writes it back unchanged');
  });

  it('MariaDB: ByteArrayConverter passes a transform\'s bytes through; a struct fails the task with Connect\'s message', async () => {
    const { db, conn } = await database('conv_bytes', 'CREATE TABLE `$db`.blobs (id INT PRIMARY KEY, body VARBINARY(64) NOT NULL)');
    await conn.query(`INSERT INTO \`${db}\`.blobs VALUES (1, X'00ff10'), (2, X'')`);
    const prefix = uniqueName('conv_bytes');
    const topic = `${prefix}.${db}.blobs`;
    topics.push(topic, prefix);
    await create(uniqueName('conv_bytes'), await mysqlConnectorConfig(db, prefix, {
      'key.converter': 'String', 'value.converter': BYTES, 'include.schema.changes': 'false',
      transforms: 'unwrap,body', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.body.type': 'org.apache.kafka.connect.transforms.ExtractField$Value', 'transforms.body.field': 'body',
    }));
    await waitFor(async () => (await readRawTopic(topic)).length === 2, { timeoutMs: 60_000, message: 'the snapshot' });
    const records = await readRawTopic(topic);
    const decoded = jvm.decode(records.map((r) => ({ kind: 'bytearray', bytes: r.value })));
    assert.equal(decoded[0]!.base64, Buffer.from([0x00, 0xff, 0x10]).toString('base64'));
    assert.equal(decoded[0]!.type, 'BYTES');

    const failing = uniqueName('conv_bytes_bad');
    const badPrefix = uniqueName('conv_bad');
    topics.push(badPrefix, `${badPrefix}.${db}.blobs`);
    await create(failing, await mysqlConnectorConfig(db, badPrefix, { 'value.converter': BYTES }));
    const failed = await waitForStatus(w.url, failing, (s) => s.tasks[0]?.state === 'FAILED');
    assert.match(failed.tasks[0].trace as string, /Invalid schema type for ByteArrayConverter: STRUCT/);
    assert.equal((await readRawTopic(`${badPrefix}.${db}.blobs`)).length, 0, 'nothing was written');
  });

  it('a bad converter.encoding is a 400 naming the prefixed key; another header converter is refused', async () => {
    const config = await mysqlConnectorConfig('nodb', uniqueName('conv_v'), { 'key.converter': STRING, 'key.converter.converter.encoding': 'EBCDIC-9' });
    const res = await http.put(`/connector-plugins/${config['connector.class']}/config/validate`, config);
    const byName = new Map((res.body.configs as any[]).map((c) => [c.value.name, c.value.errors as string[]]));
    assert.match(byName.get('key.converter.converter.encoding')![0]!, /Unsupported encoding/);
    const create400 = await http.post('/connectors', { name: uniqueName('conv_400'), config: { ...config, 'key.converter.converter.encoding': 'UTF-8', 'header.converter': JSON_CONVERTER } });
    assert.equal(create400.status, 400);
    assert.match(create400.text, /header\.converter/);
  });
});
