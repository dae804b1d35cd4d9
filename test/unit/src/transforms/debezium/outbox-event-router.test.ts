import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { outboxEventRouter } from '../../../../../src/transforms/debezium/outbox-event-router.js';
import { TransformError } from '../../../../../src/transforms/types.js';
import {
  envelopeSchema, field, heartbeatKeySchema, heartbeatValueSchema, int32, jsonSchema, keySchema, microTimestampSchema, rowSchema, string,
  uuidSchema, zonedTimestampSchema,
} from '../../../../../schemas/index.js';
import { configErrors, emitted, NOW, pgSource, pgSourceSchema, transform, type Table } from './fixtures.js';

const plugin = outboxEventRouter;
const TOPIC = 'pg.public.outbox';
const row = rowSchema(TOPIC, [
  field('id', uuidSchema()),
  field('aggregatetype', string()),
  field('aggregateid', string()),
  field('type', string()),
  field('payload', jsonSchema({ optional: true })),
  field('created_at', microTimestampSchema({ optional: true })),
  field('created_tz', zonedTimestampSchema({ optional: true })),
  field('shard', int32({ optional: true })),
  field('version', int32({ optional: true })),
]);
const outbox: Table = {
  topic: TOPIC, dataCollection: 'public.outbox', row,
  keySchema: keySchema(TOPIC, [field('id', uuidSchema())]),
  envelope: envelopeSchema(TOPIC, row, pgSourceSchema),
};

let seq = 0;
function event(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    id: `0000000${seq}-aaaa-bbbb-cccc-000000000000`, aggregatetype: 'Order', aggregateid: `o-${seq}`, type: 'OrderCreated',
    payload: `{"order":${seq}}`, created_at: 1_700_000_000_456_789, created_tz: null, shard: 2, version: 3, ...over,
  };
}

const inserted = (row: Record<string, unknown>) =>
  emitted((e, out) => e.create(out, outbox, { id: row['id'] }, row, pgSource(), NOW))[0]!;

describe('outbox EventRouter', () => {
  it('routes an inserted outbox row to outbox.event.<aggregatetype>, keyed by aggregateid, with the payload as value and an id header', () => {
    const row = event();
    const record = { ...inserted(row), partition: { server: 'pg' }, offset: { lsn: 1 }, headers: { existing: 'yes' } };
    const out = transform(plugin).apply(record)!;
    assert.equal(out.topic, 'outbox.event.Order');
    assert.equal(out.key, row['aggregateid']);
    assert.deepEqual(out.keySchema, { type: 'string', optional: false });
    assert.equal(out.value, row['payload']);
    assert.deepEqual(out.valueSchema, { type: 'string', optional: true, name: 'io.debezium.data.Json', version: 1 });
    assert.deepEqual(out.headers, { existing: 'yes', id: row['id'] });
    assert.equal(out.timestamp, NOW, 'when Debezium processed the event');
    assert.deepEqual([out.partition, out.offset], [{ server: 'pg' }, { lsn: 1 }], 'the source position is kept for offsets');
  });

  it('routes snapshot reads; drops deletes, tombstones and truncates; skips or fails on updates', () => {
    const row = event();
    const [read] = emitted((e, out) => e.read(out, outbox, { id: row['id'] }, row, pgSource(), NOW));
    const [del, tomb] = emitted((e, out) => e.delete(out, outbox, { id: row['id'] }, row, pgSource(), NOW));
    const [upd] = emitted((e, out) => e.update(out, outbox, { id: row['id'] }, { id: row['id'] }, row, { ...row, type: 'x' }, pgSource(), NOW));
    const [trunc] = emitted((e, out) => e.truncate(out, outbox, pgSource(), NOW));
    const t = transform(plugin);
    assert.equal(t.apply(read!)!.topic, 'outbox.event.Order');
    for (const r of [del, tomb, upd, trunc]) assert.equal(t.apply(r!), null);
    assert.equal(transform(plugin, { 'table.op.invalid.behavior': 'error' }).apply(upd!), null);
    assert.throws(() => transform(plugin, { 'table.op.invalid.behavior': 'fatal' }).apply(upd!),
      (e: unknown) => e instanceof TransformError && /Unexpected update/.test(e.message));
  });

  it('passes records that are not change events unchanged', () => {
    const heartbeat: ChangeRecord = { topic: '__debezium-heartbeat.pg', keySchema: heartbeatKeySchema, key: { serverName: 'pg' }, valueSchema: heartbeatValueSchema, value: { ts_ms: NOW } };
    assert.equal(transform(plugin).apply(heartbeat), heartbeat);
  });

  it('routes by another column and replacement; a value the regex does not match is the topic itself', () => {
    const props = { 'route.by.field': 'type', 'route.topic.regex': 'Order(.*)', 'route.topic.replacement': 'orders.$1' };
    assert.equal(transform(plugin, props).apply(inserted(event()))!.topic, 'orders.Created');
    assert.equal(transform(plugin, props).apply(inserted(event({ type: 'Shipped' })))!.topic, 'Shipped');
  });

  it('keys by table.field.event.key with its schema, or gives a null string key when it is empty', () => {
    const row = event();
    const byId = transform(plugin, { 'table.field.event.key': 'id' }).apply(inserted(row))!;
    assert.equal(byId.key, row['id']);
    assert.equal(byId.keySchema!.name, 'io.debezium.data.Uuid');
    const none = transform(plugin, { 'table.field.event.key': '' }).apply(inserted(row))!;
    assert.equal(none.key, null);
    assert.deepEqual(none.keySchema, { type: 'string', optional: false });
  });

  it('places additional columns in headers, next to the payload in a named struct, and as the Kafka partition', () => {
    const t = transform(plugin, {
      'table.fields.additional.placement': 'type:header:eventType,type:envelope,aggregatetype:envelope:agg,shard:partition',
      'table.field.event.schema.version': 'version',
    });
    const row = event();
    const out = t.apply(inserted(row))!;
    assert.equal(out.headers!['eventType'], 'OrderCreated');
    assert.deepEqual(out.value, { payload: row['payload'], type: 'OrderCreated', agg: 'Order' });
    assert.equal(out.valueSchema!.name, 'pg.public.outbox.Order.Value');
    assert.equal(out.valueSchema!.version, 3);
    assert.deepEqual(out.valueSchema!.fields!.map((f) => f.field), ['payload', 'type', 'agg']);
    assert.equal(out.kafkaPartition, 2);
    assert.equal(t.apply(inserted(event()))!.valueSchema, out.valueSchema, 'one value schema per payload schema, route and version');
    const other = t.apply(inserted(event({ aggregatetype: 'Customer' })))!;
    assert.equal(other.valueSchema!.name, 'pg.public.outbox.Customer.Value');
  });

  it('fails on an additional column the table lacks, unless table.fields.additional.error.on.missing=false', () => {
    const props = { 'table.fields.additional.placement': 'nope:header' };
    assert.throws(() => transform(plugin, props).apply(inserted(event())), (e: unknown) => e instanceof TransformError && /nope/.test(e.message));
    const out = transform(plugin, { ...props, 'table.fields.additional.error.on.missing': 'false' }).apply(inserted(event()))!;
    assert.equal(out.headers!['nope'], undefined);
  });

  it('takes the record timestamp from table.field.event.timestamp, in milliseconds', () => {
    const t = transform(plugin, { 'table.field.event.timestamp': 'created_at' });
    assert.equal(t.apply(inserted(event()))!.timestamp, 1_700_000_000_456);
    assert.equal(t.apply(inserted(event({ created_at: null })))!.timestamp, NOW, 'a null falls back to ts_ms');
    assert.throws(() => transform(plugin, { 'table.field.event.timestamp': 'created_tz' }).apply(inserted(event({ created_tz: '2024-01-01T00:00:00Z' }))),
      (e: unknown) => e instanceof TransformError && /Unsupported field type/.test(e.message));
  });

  it('gives a tombstone for a null or blank payload with route.tombstone.on.empty.payload', () => {
    const t = transform(plugin, { 'route.tombstone.on.empty.payload': 'true', 'table.fields.additional.placement': 'type:envelope' });
    for (const payload of [null, '  ']) {
      const out = t.apply(inserted(event({ payload })))!;
      assert.equal(out.value, null);
      assert.equal(out.valueSchema, null);
      assert.equal(out.topic, 'outbox.event.Order');
    }
    assert.deepEqual(transform(plugin).apply(inserted(event({ payload: null })))!.value, null, 'off: the null payload is the value');
  });

  it('expands a JSON payload into a struct with an inferred schema, the same object for documents of the same shape', () => {
    const t = transform(plugin, { 'table.expand.json.payload': 'true' });
    const doc = '{"n":1,"big":5000000000,"f":1.0,"s":"x","ok":true,"none":null,"tags":["a","b"],"empty":[],"addr":{"city":"Oslo"},"lines":[{"sku":"a"},{"qty":2}]}';
    const out = t.apply(inserted(event({ payload: doc })))!;
    assert.deepEqual(out.value, {
      n: 1, big: 5_000_000_000, f: 1, s: 'x', ok: true, tags: ['a', 'b'], addr: { city: 'Oslo' },
      lines: [{ sku: 'a', qty: null }, { sku: null, qty: 2 }],
    });
    const schema = out.valueSchema!;
    assert.equal(schema.name, 'payload');
    assert.equal(schema.optional, true);
    assert.deepEqual(schema.fields!.map((f) => `${f.field}:${f.type}`), ['n:int32', 'big:int64', 'f:float64', 's:string', 'ok:boolean', 'tags:array', 'addr:struct', 'lines:array']);
    assert.equal(schema.fields![6]!.name, 'payload.addr');
    assert.deepEqual(schema.fields![7]!.items!.fields!.map((f) => f.field), ['sku', 'qty']);
    const again = t.apply(inserted(event({ payload: doc.replace('"Oslo"', '"Bergen"') })))!;
    assert.equal(again.valueSchema, schema);
    const nulls = transform(plugin, { 'table.expand.json.payload': 'true', 'table.json.payload.null.behavior': 'optional_bytes' }).apply(inserted(event({ payload: doc })))!;
    assert.equal(nulls.valueSchema!.fields!.find((f) => f.field === 'none')!.type, 'bytes');
  });

  it('leaves payloads that do not expand as they are', () => {
    const t = transform(plugin, { 'table.expand.json.payload': 'true' });
    for (const payload of ['not json', '[1,2]', '{"a":', '{"a":[1,"x"]}', '{"a":123456789012345678901234}']) {
      const out = t.apply(inserted(event({ payload })))!;
      assert.equal(out.value, payload);
      assert.equal(out.valueSchema!.name, 'io.debezium.data.Json');
    }
  });

  it('reports config errors by key', () => {
    assert.match(configErrors(plugin, { 'table.fields.additional.placement': 'type' })['table.fields.additional.placement']![0]!, /column:placement/);
    assert.match(configErrors(plugin, { 'table.fields.additional.placement': 'type:body' })['table.fields.additional.placement']![0]!, /header, envelope or partition/);
    assert.match(configErrors(plugin, { 'route.topic.replacement': 'x.${other}' })['route.topic.replacement']![0]!, /no group with name/);
    assert.match(configErrors(plugin, { 'table.op.invalid.behavior': 'ignore' })['table.op.invalid.behavior']![0]!, /must be one of/);
  });
});
