import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJsonConverter } from '../../../../../schemas/index.js';
import { TransformError } from '../../../../../src/transforms/types.js';
import { change, configErrors, configure, customers, fieldNames, heartbeat, run, schemaless, tombstone, transformation } from './fixtures.js';

describe('InsertField', () => {
  it('adds topic, partition, timestamp and a static field to the envelope, in that order after its fields', () => {
    const t = configure('InsertField$Value', {
      'topic.field': 'kafka_topic', 'partition.field': 'kafka_partition!', 'timestamp.field': 'kafka_ts', 'static.field': 'origin', 'static.value': 'tscdc',
    });
    const out = run(t, change('c', 7, { kafkaPartition: 2, timestamp: 1_706_700_001_000 }));
    assert.deepEqual(fieldNames(out.valueSchema).slice(-4), ['kafka_topic', 'kafka_partition', 'kafka_ts', 'origin']);
    const value = out.value as Record<string, unknown>;
    assert.equal(value['kafka_topic'], 'dbserver1.inventory.customers');
    assert.equal(value['kafka_partition'], 2);
    assert.equal(value['kafka_ts'], 1_706_700_001_000);
    assert.equal(value['origin'], 'tscdc');
    assert.equal((value['after'] as { id: number }).id, 7);
    const added = out.valueSchema!.fields!.slice(-4);
    assert.deepEqual(added.map((f) => f.optional), [true, false, true, true]);
    assert.equal(added[2]!.name, 'org.apache.kafka.connect.data.Timestamp');
    assert.equal(out.valueSchema!.name, 'dbserver1.inventory.customers.Envelope');
    // The input is not touched.
    assert.equal(fieldNames(customers.envelope).includes('kafka_topic'), false);
  });

  it('leaves partition and timestamp null when the record has none (the producer assigns them), as Connect does', () => {
    const t = configure('InsertField$Value', { 'partition.field': 'p', 'timestamp.field': 'ts' });
    const value = run(t, change('u', 1)).value as Record<string, unknown>;
    assert.equal(value['p'], null);
    assert.equal(value['ts'], null);
  });

  it('returns the same output schema object for the same input schema (converters cache per schema)', () => {
    const t = configure('InsertField$Key', { 'topic.field': 'topic' });
    const a = run(t, change('c', 1));
    const b = run(t, change('u', 2));
    assert.equal(a.keySchema, b.keySchema);
    assert.deepEqual(b.key, { id: 2, topic: 'dbserver1.inventory.customers' });
    assert.equal(b.valueSchema, customers.envelope, 'the value is untouched by a $Key transform');
  });

  it('output converts to JSON with the new field in the schema', () => {
    const t = configure('InsertField$Value', { 'static.field': 'origin', 'static.value': 'x' });
    const out = run(t, heartbeat());
    const json = createJsonConverter({ schemasEnable: true, isKey: false }).fromConnectData(out.topic, out.valueSchema, out.value)!.toString('utf8');
    assert.match(json, /"field":"origin"/);
    assert.match(json, /"payload":\{"ts_ms":1706700000500,"origin":"x"\}/);
  });

  it('passes tombstones through', () => {
    const t = configure('InsertField$Value', { 'topic.field': 't' });
    const record = tombstone(3);
    assert.equal(t.apply(record), record);
  });

  it('works on schemaless maps', () => {
    const t = configure('InsertField$Value', { 'topic.field': 't' });
    assert.deepEqual(run(t, schemaless({ a: 1 })).value, { a: 1, t: 'json-topic' });
  });

  it('fails a record whose value is not a struct, naming the transform', () => {
    const t = configure('InsertField$Value', { 'topic.field': 't' });
    assert.throws(() => t.apply({ ...schemaless('text'), valueSchema: { type: 'string', optional: false } }),
      (e) => e instanceof TransformError && /^InsertField\$Value: Only Struct objects supported for \[field insertion\], found: string/.test(e.message));
  });

  it('fails a struct that already has the field', () => {
    const t = configure('InsertField$Value', { 'topic.field': 'op' });
    assert.throws(() => t.apply(change('c', 1)), /field name duplication op/);
  });

  it('refuses offset.field (sink records only), no field at all, and a static field without value', () => {
    const plugin = transformation('InsertField$Value');
    assert.match(configErrors(plugin, { 'offset.field': 'o' })['offset.field']![0]!, /sink records only/);
    assert.match(configErrors(plugin, {})['topic.field']![0]!, /No field insertion configured/);
    assert.deepEqual(configErrors(plugin, { 'static.field': 's' })['static.value'], ['No value specified for static field: s']);
  });
});
