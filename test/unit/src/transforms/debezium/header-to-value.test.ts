import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerToValue } from '../../../../../src/transforms/debezium/header-to-value.js';
import { TransformError } from '../../../../../src/transforms/types.js';
import { alice, configErrors, emitted, mysqlCustomers, mysqlSource, NOW, transform } from './fixtures.js';

const plugin = headerToValue;

/** The delete, tombstone and create of a primary key change: they carry the __debezium.newkey / oldkey headers. */
const keyChange = () => emitted((e, out) => e.update(out, mysqlCustomers, { id: 1 }, { id: 2 }, alice, { ...alice, id: 2 }, mysqlSource(), NOW));

describe('HeaderToValue', () => {
  it('copies a header into a new optional string field at the end of the value, keeping the header', () => {
    const t = transform(plugin, { headers: '__debezium.oldkey', fields: 'oldkey', operation: 'copy' });
    const [, , create] = keyChange();
    const out = t.apply(create!)!;
    const value = out.value as Record<string, unknown>;
    assert.equal(value['oldkey'], '{"id":1}');
    assert.deepEqual(value['after'], { ...alice, id: 2 });
    assert.equal(value['op'], 'c');
    assert.deepEqual(out.valueSchema!.fields!.at(-1), { type: 'string', optional: true, field: 'oldkey' });
    assert.equal(out.valueSchema!.name, 'srv.inventory.customers.Envelope');
    assert.equal(out.valueSchema!.optional, false);
    assert.deepEqual(out.headers, create!.headers);
    const [, , again] = keyChange();
    assert.equal(t.apply(again!)!.valueSchema, out.valueSchema, 'one schema per value schema and headers present');
  });

  it('moves headers: they leave the record', () => {
    const [del] = keyChange();
    const out = transform(plugin, { headers: '__debezium.newkey', fields: 'newkey', operation: 'move' }).apply(del!)!;
    assert.equal((out.value as Record<string, unknown>)['newkey'], '{"id":2}');
    assert.deepEqual(out.headers, {});
  });

  it('nests a field into a struct field of the value', () => {
    const [, , create] = keyChange();
    const out = transform(plugin, { headers: '__debezium.oldkey', fields: 'source.oldkey', operation: 'copy' }).apply(create!)!;
    const source = (out.value as { source: Record<string, unknown> }).source;
    assert.equal(source['oldkey'], '{"id":1}');
    assert.equal(source['file'], 'binlog.000003');
    const sourceSchema = out.valueSchema!.fields!.find((f) => f.field === 'source')!;
    assert.equal(sourceSchema.name, 'io.debezium.connector.mysql.Source');
    assert.equal(sourceSchema.fields!.at(-1)!.field, 'oldkey');
    assert.equal(out.valueSchema!.fields!.length, mysqlCustomers.envelope.fields!.length);
  });

  it('adds fields only for headers the record has, and passes records with none of them and tombstones unchanged', () => {
    const t = transform(plugin, { headers: '__debezium.oldkey,__debezium.newkey', fields: 'oldkey,newkey', operation: 'move' });
    const [del, tomb, create] = keyChange();
    const out = t.apply(create!)!;
    assert.deepEqual(out.valueSchema!.fields!.slice(-1).map((f) => f.field), ['oldkey']);
    assert.equal(t.apply(tomb!), tomb);
    const [plain] = emitted((e, o) => e.create(o, mysqlCustomers, { id: 3 }, { ...alice, id: 3 }, mysqlSource(), NOW));
    assert.equal(t.apply(plain!), plain);
    assert.notEqual(t.apply(del!)!.valueSchema, out.valueSchema, 'another header present, another schema');
  });

  it('makes a binary header an optional bytes field', () => {
    const [, , create] = keyChange();
    const record = { ...create!, headers: { trace: Buffer.from([1, 2]) } };
    const out = transform(plugin, { headers: 'trace', fields: 'trace', operation: 'copy' }).apply(record)!;
    assert.deepEqual((out.value as Record<string, unknown>)['trace'], Buffer.from([1, 2]));
    assert.equal(out.valueSchema!.fields!.at(-1)!.type, 'bytes');
  });

  it('fails on a value that is not a struct with a schema', () => {
    const record = { topic: 't', keySchema: null, key: null, valueSchema: null, value: 'text', headers: { h: 'x' } };
    assert.throws(() => transform(plugin, { headers: 'h', fields: 'h', operation: 'copy' }).apply(record),
      (e: unknown) => e instanceof TransformError && /struct value/.test(e.message));
  });

  it('reports config errors by key', () => {
    assert.match(configErrors(plugin, { headers: 'a,b', fields: 'a', operation: 'copy' })['fields']![0]!, /same number of elements/);
    assert.match(configErrors(plugin, { headers: 'a,,b', fields: 'a,b,c', operation: 'copy' })['headers']![0]!, /empty elements/);
    assert.match(configErrors(plugin, { headers: 'a', fields: 'a', operation: 'swap' })['operation']![0]!, /must be one of/);
    assert.match(configErrors(plugin, { headers: 'a', fields: 'a' })['operation']![0]!, /Missing required/);
  });
});
