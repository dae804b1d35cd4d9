/**
 * The type table against the real MariaDB and Kafka: every column type read by the snapshot and by the binlog
 * gives the same event value, the values are Debezium's, and the same holds without schemas in the JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { decodeDecimal } from '../schemas/index.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readTopic, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig } from './mysql-helpers.js';

const COLUMNS = `
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, b1 BOOLEAN,
  bit1 BIT(1), bit12 BIT(12), bit64 BIT(64),
  dec_small DECIMAL(5,2), dec_big DECIMAL(65,30), f FLOAT, d DOUBLE,
  c CHAR(10), vc VARCHAR(100) CHARACTER SET utf8mb4, vlatin VARCHAR(20) CHARACTER SET latin1, t TEXT,
  bin BINARY(4), vbin VARBINARY(10), bl BLOB,
  dt DATE, dt_nn DATE NOT NULL DEFAULT '2000-01-01', tm TIME(3), tmneg TIME, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL, yr YEAR,
  e ENUM('small','medium','large'), st SET('a','b','c'), j JSON,
  pt POINT, g GEOMETRY, u UUID, ip4 INET4, ip6 INET6`;

const FULL_ROW = `
  -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 1,
  b'1', b'101100000001', x'FFFFFFFFFFFFFFFE',
  -999.99, 12345678901234567890123456789012345.123456789012345678901234567890, 3.14159274, 1.7976931348623157e308,
  'abc', 'héllo 😀', 'café', REPEAT('x', 3000),
  x'01020304', x'00ff', x'deadbeef',
  '2024-02-29', '2024-03-01', '12:34:56.789', '-838:59:59', '9999-12-31 23:59:59', '1000-01-01 00:00:00.000001', '2038-01-19 03:14:07.499', 2155,
  'large', 'a,c', '{"k": [1, 2.5, "x"], "n": null}',
  ST_GeomFromText('POINT(1.5 -2)', 4326), ST_GeomFromText('LINESTRING(0 0, 1 1)'), '123e4567-e89b-12d3-a456-426614174000', '192.168.0.1', '2001:db8::ff00:42:8329'`;

const ZERO_ROW = `
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0,
  b'0', b'0', NULL,
  0, -0.000000000000000000000000000001, 4/3, 94.24777960769379,
  '', '', NULL, NULL, x'', NULL, NULL,
  '0000-00-00', '0000-00-00', '00:00:00', NULL, '0000-00-00 00:00:00', NULL, NULL, 0,
  'not-a-member', '', NULL,
  NULL, NULL, NULL, NULL, '::1'`;

/** JSON.parse that keeps integers beyond 2^53 exact (as strings). */
function parseExact(text: string): any {
  return JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
}

describe('MySQL connector: type mapping, snapshot and stream alike', () => {
  let conn: mysql.Connection;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const db = uniqueName('types');
  const prefix = uniqueName('types');
  const prefixNoSchema = uniqueName('types_ns');
  const topic = `${prefix}.${db}.alltypes`;
  const topicNoSchema = `${prefixNoSchema}.${db}.alltypes`;

  before(async () => {
    conn = await adminConnection();
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.alltypes (${COLUMNS})`);
    await conn.query("SET SESSION sql_mode = '', time_zone = '+00:00'");
    await conn.query(`INSERT INTO \`${db}\`.alltypes VALUES (1, ${FULL_ROW}), (2, ${ZERO_ROW})`);
    settings = newWorkerSettings('mysqltypes');
    worker = await startInProcessWorker(settings);
    for (const [name, p, extra] of [
      [`${prefix}-c`, prefix, {}],
      [`${prefixNoSchema}-c`, prefixNoSchema, { 'value.converter.schemas.enable': 'false', 'key.converter.schemas.enable': 'false' }],
    ] as const) {
      const res = await api(worker.url).post('/connectors', { name, config: await mysqlConnectorConfig(db, p, extra) });
      assert.equal(res.status, 201, res.text);
      await waitForStatus(worker.url, name, (s) => isRunning(s));
    }
    // Both snapshots are in: stream the same rows again under other keys
    await waitFor(async () => (await readTopic(topic)).length >= 2 && (await readTopic(topicNoSchema)).length >= 2, { message: 'snapshots' });
    await conn.query(`INSERT INTO \`${db}\`.alltypes VALUES (101, ${FULL_ROW}), (102, ${ZERO_ROW})`);
    await waitFor(async () => (await readTopic(topic)).length >= 4 && (await readTopic(topicNoSchema)).length >= 4, { message: 'streamed rows' });
  });

  after(async () => {
    await worker?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await conn?.end();
    if (settings) await cleanupWorkerTopics(settings, [topic, topicNoSchema, prefix, prefixNoSchema]);
    await closeTestKafka();
  });

  async function events(t: string): Promise<Map<number, any>> {
    const out = new Map<number, any>();
    for (const r of await readTopic(t)) {
      const v = parseExact(r.value!);
      const payload = 'payload' in v && 'schema' in v ? v.payload : v;
      out.set(payload.after.id, { payload, schema: 'schema' in v ? v.schema : null });
    }
    return out;
  }

  it('gives the same value from the snapshot and from the binlog', async () => {
    const ev = await events(topic);
    assert.equal(ev.get(1).payload.op, 'r');
    assert.equal(ev.get(101).payload.op, 'c');
    for (const [snap, stream] of [[1, 101], [2, 102]]) {
      const a = { ...ev.get(snap).payload.after, id: 0 };
      const b = { ...ev.get(stream).payload.after, id: 0 };
      assert.deepEqual(b, a, `row ${stream} (binlog) differs from row ${snap} (snapshot)`);
    }
    // One schema for both
    assert.deepEqual(ev.get(101).schema.fields[1], ev.get(1).schema.fields[1]);
  });

  it('points source.pos of a streamed row at its own rows event, as Debezium does', async () => {
    const { source } = (await events(topic)).get(101).payload;
    const [found] = await conn.query(`SHOW BINLOG EVENTS IN '${source.file}' FROM ${source.pos} LIMIT 1`) as any;
    assert.match(found[0].Event_type, /^Write_rows/, `event at ${source.file}:${source.pos}`);
  });

  it('maps values as Debezium does', async () => {
    const v = (await events(topic)).get(101).payload.after;
    assert.deepEqual(
      [v.ti, v.tiu, v.si, v.siu, v.mi, v.miu, v.i, v.iu, v.bi, v.biu, v.b1],
      [-128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, '-9223372036854775808', -1, 1],
    );
    assert.equal(v.bit1, true);
    assert.deepEqual(Buffer.from(v.bit12, 'base64'), Buffer.from([0x01, 0x0b]));
    assert.deepEqual(Buffer.from(v.bit64, 'base64'), Buffer.from('feffffffffffffff', 'hex'));
    assert.equal(decodeDecimal(Buffer.from(v.dec_small, 'base64'), 2), '-999.99');
    assert.equal(decodeDecimal(Buffer.from(v.dec_big, 'base64'), 30), '12345678901234567890123456789012345.123456789012345678901234567890');
    assert.equal(v.f, 3.1415927); // the exact single, printed as Java's Float.toString
    assert.equal(v.d, 1.7976931348623157e308);
    assert.deepEqual([v.c, v.vc, v.vlatin, v.t.length], ['abc', 'héllo 😀', 'café', 3000]);
    assert.deepEqual([v.bin, v.vbin, v.bl], ['AQIDBA==', 'AP8=', '3q2+7w==']);
    assert.equal(v.dt, 19782);
    assert.equal(v.tm, 45_296_789_000);
    assert.equal(v.tmneg, -3_020_399_000_000);
    assert.equal(v.dtm, 253402300799000);
    assert.equal(v.dtm6, '-30610223999999999'); // beyond 2^53: exact in the JSON
    assert.equal(v.ts, '2038-01-19T03:14:07.499Z');
    assert.equal(v.yr, 2155);
    assert.deepEqual([v.e, v.st, v.j], ['large', 'a,c', '{"k": [1, 2.5, "x"], "n": null}']);
    assert.deepEqual({ ...v.pt, wkb: undefined }, { x: 1.5, y: -2, srid: 4326, wkb: undefined });
    assert.equal(Buffer.from(v.pt.wkb, 'base64').length, 21);
    assert.equal(v.g.srid, null, 'SRID 0 (none) is null');
    assert.equal(Buffer.from(v.g.wkb, 'base64').readUInt32LE(1), 2);
    assert.deepEqual([v.u, v.ip4, v.ip6], ['123e4567-e89b-12d3-a456-426614174000', '192.168.0.1', '2001:db8::ff00:42:8329']);
  });

  it('maps zero dates to null (nullable) or the epoch (NOT NULL), and YEAR 0000 to 0', async () => {
    const v = (await events(topic)).get(102).payload.after;
    assert.equal(v.dt, null);
    assert.equal(v.dt_nn, 0);
    assert.equal(v.dtm, null);
    assert.equal(v.yr, 0);
    assert.equal(v.tm, 0);
    assert.equal(v.bit1, false);
    assert.equal(v.bin, 'AAAAAA==');
    assert.equal(decodeDecimal(Buffer.from(v.dec_big, 'base64'), 30), '-0.000000000000000000000000000001');
    assert.equal(v.ip6, '::1');
  });

  it('reads FLOAT and DOUBLE exactly (the server prints FLOAT with 6 digits, the driver parses DOUBLE with 15) and an invalid ENUM alike in snapshot and stream', async () => {
    const ev = await events(topic);
    for (const id of [2, 102]) {
      const v = ev.get(id).payload.after;
      assert.deepEqual([v.f, v.d], [1.3333334, 94.24777960769379], `row ${id}`);
      assert.equal(v.e, '', `row ${id}: an invalid ENUM value (stored by a non-strict server) is '' in snapshot and stream alike`);
    }
  });

  it('declares Debezium\'s schemas', async () => {
    const schema = (await events(topic)).get(1).schema;
    const after = schema.fields.find((f: any) => f.field === 'after');
    const field = (name: string) => after.fields.find((f: any) => f.field === name);
    assert.equal(schema.name, `${prefix}.${db}.alltypes.Envelope`);
    assert.deepEqual([field('ti').type, field('siu').type, field('iu').type, field('biu').type], ['int16', 'int32', 'int64', 'int64']);
    assert.equal(field('dec_big').name, 'org.apache.kafka.connect.data.Decimal');
    assert.deepEqual(field('dec_big').parameters, { scale: '30', 'connect.decimal.precision': '65' });
    assert.deepEqual([field('dt').name, field('tm').name, field('dtm').name, field('dtm6').name, field('ts').name, field('yr').name],
      ['io.debezium.time.Date', 'io.debezium.time.MicroTime', 'io.debezium.time.Timestamp', 'io.debezium.time.MicroTimestamp',
        'io.debezium.time.ZonedTimestamp', 'io.debezium.time.Year']);
    assert.deepEqual([field('e').name, field('e').parameters], ['io.debezium.data.Enum', { allowed: 'small,medium,large' }]);
    assert.equal(field('st').name, 'io.debezium.data.EnumSet');
    assert.deepEqual([field('bit12').name, field('bit12').parameters], ['io.debezium.data.Bits', { length: '12' }]);
    assert.equal(field('pt').name, 'io.debezium.data.geometry.Point');
    assert.equal(field('u').name, 'io.debezium.data.Uuid');
    assert.equal(field('g').name, 'io.debezium.data.geometry.Geometry');
    assert.equal(field('f').type, 'float'); // Connect's JSON name of FLOAT32
    assert.equal(field('id').optional, false);
    assert.equal(field('dt_nn').optional, false);
    assert.equal(field('dt').optional, true);
    const source = schema.fields.find((f: any) => f.field === 'source');
    assert.equal(source.name, 'io.debezium.connector.mysql.Source');
  });

  it('writes the same payloads without schemas', async () => {
    const withSchemas = await events(topic);
    const without = await events(topicNoSchema);
    for (const id of [1, 2, 101, 102]) {
      assert.equal(without.get(id).schema, null);
      assert.deepEqual(without.get(id).payload.after, withSchemas.get(id).payload.after);
    }
  });
});
