/**
 * PostgreSQL types as Debezium maps them, identical in snapshot (`r`) and streaming (`c`) events; unchanged
 * TOASTed values; REPLICA IDENTITY DEFAULT vs FULL before images; TRUNCATE; columns added, retyped and dropped
 * while streaming. One connector (in-process worker) over a scratch database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { decodedTopic, pgConnectorConfig, scratchDatabase, schemaOf, type Decoded, type ScratchDb } from './pg-helpers.js';

/** [column, type, literal, expected payload value, expected schema name (or type when unnamed)]. */
const TYPES: Array<[string, string, string, unknown, string]> = [
  ['c_int2', 'int2', '-32768', -32768, 'int16'],
  ['c_int4', 'int4', '2147483647', 2147483647, 'int32'],
  ['c_int8', 'int8', '9007199254740993', '9007199254740993 (raw)', 'int64'],
  ['c_oid', 'oid', '4000000000', 4000000000, 'int64'],
  ['c_num', 'numeric(10,2)', '12345678.90', 'SZYC0g==', 'org.apache.kafka.connect.data.Decimal'],
  ['c_num_free', 'numeric', '1.2500', { scale: 2, value: 'fQ==' }, 'io.debezium.data.VariableScaleDecimal'],
  ['c_num_nan', 'numeric', "'NaN'", null, 'io.debezium.data.VariableScaleDecimal'],
  ['c_real', 'real', '1.5', 1.5, 'float'],
  ['c_double', 'float8', '-2.25e-10', -2.25e-10, 'double'],
  ['c_bool', 'bool', 'true', true, 'boolean'],
  ['c_text', 'text', "'héllo wörld'", 'héllo wörld', 'string'],
  ['c_varchar', 'varchar(5)', "'abc'", 'abc', 'string'],
  ['c_char', 'char(5)', "'ab'", 'ab   ', 'string'],
  ['c_bytea', 'bytea', "'\\x00ff'", 'AP8=', 'bytes'],
  ['c_uuid', 'uuid', "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'io.debezium.data.Uuid'],
  ['c_json', 'json', `'{"a": [1, 2]}'`, '{"a": [1, 2]}', 'io.debezium.data.Json'],
  ['c_jsonb', 'jsonb', `'{"b": 1, "a": 2}'`, '{"a": 2, "b": 1}', 'io.debezium.data.Json'],
  ['c_xml', 'xml', "'<a>1</a>'", '<a>1</a>', 'io.debezium.data.Xml'],
  ['c_date', 'date', "'2024-02-29'", 19782, 'io.debezium.time.Date'],
  ['c_time', 'time', "'13:45:30.123456'", 49530123456, 'io.debezium.time.MicroTime'],
  ['c_time3', 'time(3)', "'13:45:30.123'", 49530123, 'io.debezium.time.Time'],
  ['c_timetz', 'timetz', "'13:45:30+02'", '11:45:30Z', 'io.debezium.time.ZonedTime'],
  ['c_ts', 'timestamp', "'2024-02-29 13:45:30.123456'", 1709214330123456, 'io.debezium.time.MicroTimestamp'],
  ['c_ts3', 'timestamp(3)', "'2024-02-29 13:45:30.123'", 1709214330123, 'io.debezium.time.Timestamp'],
  ['c_ts_inf', 'timestamp', "'infinity'", '9223372036825200000 (raw)', 'io.debezium.time.MicroTimestamp'],
  ['c_tstz', 'timestamptz', "'2024-02-29 13:45:30.5+01'", '2024-02-29T12:45:30.500000Z', 'io.debezium.time.ZonedTimestamp'],
  ['c_tstz_inf', 'timestamptz', "'-infinity'", '-infinity', 'io.debezium.time.ZonedTimestamp'],
  ['c_interval', 'interval', "'1 year 2 mons 3 days 04:05:06.5'", 37091106500000, 'io.debezium.time.MicroDuration'],
  ['c_int_arr', 'int4[]', "'{1,NULL,3}'", [1, null, 3], 'array'],
  ['c_text_arr', 'text[]', `'{"a,b",c}'`, ['a,b', 'c'], 'array'],
  ['c_enum', 'mood', "'happy'", 'happy', 'io.debezium.data.Enum'],
  ['c_hstore', 'hstore', `'"k"=>"v", "n"=>NULL'`, '{"k":"v","n":null}', 'io.debezium.data.Json'],
  ['c_inet', 'inet', "'192.168.0.1/24'", '192.168.0.1/24', 'string'],
  ['c_cidr', 'cidr', "'10.0.0.0/8'", '10.0.0.0/8', 'string'],
  ['c_macaddr', 'macaddr', "'08:00:2b:01:02:03'", '08:00:2b:01:02:03', 'string'],
  ['c_money', 'money', "'1234.56'", 'AeJA', 'org.apache.kafka.connect.data.Decimal'],
  ['c_bit1', 'bit(1)', "B'1'", true, 'boolean'],
  ['c_bit', 'bit(4)', "B'1010'", 'Cg==', 'io.debezium.data.Bits'],
  ['c_varbit', 'varbit(8)', "B'101'", 'BQ==', 'io.debezium.data.Bits'],
  ['c_range', 'int4range', "'[1,10)'", '[1,10)', 'string'],
  ['c_tsrange', 'tstzrange', "'[2024-01-01 00:00:00+00,2024-01-02 00:00:00+00)'", '["2024-01-01 00:00:00+00","2024-01-02 00:00:00+00")', 'string'],
  ['c_domain', 'positive_int', '42', 42, 'int32'],
  ['c_citext', 'citext', "'MiXeD'", 'MiXeD', 'string'],
];

function fieldSchemas(d: Decoded): Record<string, any> {
  const afterSchema = schemaOf(d.record.value).fields.find((f: any) => f.field === 'after');
  return Object.fromEntries(afterSchema.fields.map((f: any) => [f.field, f]));
}

describe('PostgreSQL types, TOAST, replica identity, truncate, schema changes', () => {
  let db: ScratchDb;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const prefix = uniqueName('pgtypes');
  const slot = uniqueName('pgtypes');
  const topics = ['all_types', 'toast_default', 'toast_full', 'ri_default', 'ri_full', 'trunc', 'evolve'].map((t) => `${prefix}.public.${t}`);
  const topic = (t: string) => `${prefix}.public.${t}`;
  const insertAll = (id: number) =>
    `INSERT INTO all_types (id, ${TYPES.map((t) => t[0]).join(', ')}) VALUES (${id}, ${TYPES.map((t) => t[2]).join(', ')})`;
  const bigValue = `(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 300))`;

  before(async () => {
    db = await scratchDatabase('pgtypes');
    const c = db.client;
    await c.query(`CREATE EXTENSION hstore; CREATE EXTENSION citext`);
    await c.query(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE DOMAIN positive_int AS int4 CHECK (VALUE > 0)`);
    await c.query(`CREATE TABLE all_types (id int PRIMARY KEY, ${TYPES.map((t) => `${t[0]} ${t[1]}`).join(', ')})`);
    await c.query(insertAll(1));
    await c.query(`CREATE TABLE toast_default (id int PRIMARY KEY, big text, small int)`);
    await c.query(`CREATE TABLE toast_full (id int PRIMARY KEY, big text, small int); ALTER TABLE toast_full REPLICA IDENTITY FULL`);
    await c.query(`CREATE TABLE ri_default (id int PRIMARY KEY, v text NOT NULL, n int)`);
    await c.query(`CREATE TABLE ri_full (id int PRIMARY KEY, v text NOT NULL, n int); ALTER TABLE ri_full REPLICA IDENTITY FULL`);
    await c.query(`CREATE TABLE trunc (id int PRIMARY KEY)`);
    await c.query(`CREATE TABLE evolve (id int PRIMARY KEY, a int)`);
    settings = newWorkerSettings('pgtypes');
    worker = await startInProcessWorker(settings);
    const res = await api(worker.url).post('/connectors', {
      name: 'types', config: await pgConnectorConfig(db.name, prefix, slot, { 'skipped.operations': 'none', 'slot.drop.on.stop': 'true' }),
    });
    assert.equal(res.status, 201, res.text);
    await waitForStatus(worker.url, 'types', (s) => isRunning(s));
    await waitFor(async () => (await decodedTopic(topic('all_types'))).length === 1, { timeoutMs: 60_000, message: 'snapshot row' });
  });

  after(async () => {
    await api(worker.url).delete('/connectors/types').catch(() => undefined);
    await waitFor(async () => (await db.client.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 0, { timeoutMs: 30_000 }).catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await db?.drop();
    await cleanupWorkerTopics(settings, topics).catch(() => undefined);
    await closeTestKafka();
  });

  it('maps every common type as Debezium does, the same in snapshot and streaming', async () => {
    await db.client.query(insertAll(2));
    const events = await waitFor(async () => {
      const e = await decodedTopic(topic('all_types'));
      return e.length === 2 ? e : undefined;
    }, { timeoutMs: 30_000, message: 'streamed row' });
    const [snap, stream] = events;
    assert.equal(snap!.value.op, 'r');
    assert.equal(stream!.value.op, 'c');
    const { id: _a, ...snapAfter } = snap!.value.after;
    const { id: _b, ...streamAfter } = stream!.value.after;
    assert.deepEqual(streamAfter, snapAfter, 'snapshot and streaming values are identical');
    assert.deepEqual(fieldSchemas(stream!), fieldSchemas(snap!), 'snapshot and streaming schemas are identical');
    const schemas = fieldSchemas(stream!);
    for (const [col, type, , expected, schemaName] of TYPES) {
      if (typeof expected === 'string' && expected.endsWith(' (raw)')) {
        assert.ok(stream!.record.value!.includes(`"${col}":${expected.slice(0, -6)}`), `${col} (${type}) raw JSON`);
      } else {
        assert.deepEqual(stream!.value.after[col], expected, `${col} (${type})`);
      }
      const s = schemas[col];
      assert.equal(s.name ?? s.type, schemaName, `${col} (${type}) schema`);
    }
    assert.equal(schemas.c_enum.parameters.allowed, 'sad,ok,happy');
    assert.deepEqual(schemas.c_num.parameters, { scale: '2', 'connect.decimal.precision': '10' });
    assert.deepEqual(schemas.c_bit.parameters, { length: '4' });
    assert.equal(schemas.c_int_arr.items.type, 'int32');
  });

  it('gives unchanged TOASTed values the placeholder with REPLICA IDENTITY DEFAULT and the real value with FULL', async () => {
    await db.client.query(`INSERT INTO toast_default VALUES (1, ${bigValue}, 1); INSERT INTO toast_full VALUES (1, ${bigValue}, 1)`);
    await db.client.query(`UPDATE toast_default SET small = 2; UPDATE toast_full SET small = 2`);
    const big = async (t: string) => (await db.client.query(`SELECT big FROM ${t}`)).rows[0].big as string;
    const upd = async (t: string) => waitFor(async () => (await decodedTopic(topic(t))).find((e) => e.value?.op === 'u'), { timeoutMs: 30_000, message: `update of ${t}` });
    const d = await upd('toast_default');
    assert.ok((await big('toast_default')).length > 8000);
    assert.equal(d.value.after.big, '__debezium_unavailable_value');
    assert.equal(d.value.after.small, 2);
    assert.equal(d.value.before, null);
    const f = await upd('toast_full');
    assert.equal(f.value.after.big, await big('toast_full'));
    assert.equal(f.value.before.big, await big('toast_full'));
    assert.equal(f.value.before.small, 1);
  });

  it('has before images as the replica identity allows: none/key-only with DEFAULT, full rows with FULL', async () => {
    for (const t of ['ri_default', 'ri_full']) {
      await db.client.query(`INSERT INTO ${t} VALUES (1, 'one', 10); UPDATE ${t} SET n = 11 WHERE id = 1; DELETE FROM ${t} WHERE id = 1`);
    }
    const ops = async (t: string) => waitFor(async () => {
      const e = (await decodedTopic(topic(t))).filter((x) => x.value !== null);
      return e.length === 3 ? e : undefined;
    }, { timeoutMs: 30_000, message: `events of ${t}` });
    const [, dUpd, dDel] = await ops('ri_default');
    assert.equal(dUpd!.value.before, null);
    assert.deepEqual(dUpd!.value.after, { id: 1, v: 'one', n: 11 });
    assert.deepEqual(dDel!.value.before, { id: 1, v: '', n: null }, 'key-only image; required v gets its type default as in Debezium');
    const [, fUpd, fDel] = await ops('ri_full');
    assert.deepEqual(fUpd!.value.before, { id: 1, v: 'one', n: 10 });
    assert.deepEqual(fDel!.value.before, { id: 1, v: 'one', n: 11 });
  });

  it('emits truncate events (op t) when not skipped', async () => {
    await db.client.query(`INSERT INTO trunc VALUES (1), (2); TRUNCATE trunc`);
    const t = await waitFor(async () => (await decodedTopic(topic('trunc'))).find((e) => e.value?.op === 't'), { timeoutMs: 30_000, message: 'truncate event' });
    assert.equal(t.key, null);
    assert.equal(t.value.before, null);
    assert.equal(t.value.after, null);
    assert.equal(t.value.source.table, 'trunc');
  });

  it('applies added, retyped and dropped columns to the events that follow', async () => {
    const c = db.client;
    await c.query(`INSERT INTO evolve VALUES (1, 1)`);
    await c.query(`ALTER TABLE evolve ADD COLUMN b text NOT NULL DEFAULT 'x'`);
    await c.query(`INSERT INTO evolve VALUES (2, 2, 'two')`);
    // NOT NULL is not in pgoutput's relation message: it is read from the catalog when the relation is seen, so
    // the event of row 2 must be out before column b is dropped (a catalog without b has no NOT NULL to tell).
    await waitFor(async () => (await decodedTopic(topic('evolve'))).length === 2, { timeoutMs: 30_000, message: 'row 2 event' });
    await c.query(`ALTER TABLE evolve ALTER COLUMN a TYPE numeric(6,1)`);
    await c.query(`INSERT INTO evolve VALUES (3, 3.5, 'three')`);
    await c.query(`ALTER TABLE evolve DROP COLUMN b`);
    await c.query(`INSERT INTO evolve VALUES (4, 4)`);
    const events = await waitFor(async () => {
      const e = await decodedTopic(topic('evolve'));
      return e.length === 4 ? e : undefined;
    }, { timeoutMs: 30_000, message: 'evolve events' });
    assert.deepEqual(events.map((e) => e.value.after), [
      { id: 1, a: 1 },
      { id: 2, a: 2, b: 'two' },
      { id: 3, a: 'Iw==', b: 'three' },
      { id: 4, a: 'KA==' },
    ]);
    const s = events.map(fieldSchemas);
    assert.equal(s[0]!.a.type, 'int32');
    assert.deepEqual([s[1]!.b.type, s[1]!.b.optional], ['string', false]);
    assert.equal(s[2]!.a.name, 'org.apache.kafka.connect.data.Decimal');
    assert.equal(s[3]!.b, undefined);
  });
});
