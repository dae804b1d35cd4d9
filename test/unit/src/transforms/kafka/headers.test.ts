import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { change, configErrors, configure, configurePredicate, fieldNames, heartbeat, run, schemaless, tombstone, transformation } from './fixtures.js';

describe('InsertHeader / DropHeaders', () => {
  it('sets a header on every record, replacing one of the same name', () => {
    const t = configure('InsertHeader', { header: 'source-system', 'value.literal': 'tscdc' });
    assert.deepEqual(run(t, change('c', 1)).headers, { 'source-system': 'tscdc' });
    assert.deepEqual(run(t, { ...heartbeat(), headers: { a: 'x', 'source-system': 'old' } }).headers, { a: 'x', 'source-system': 'tscdc' });
    assert.match(configErrors(transformation('InsertHeader'), { header: 'h' })['value.literal']![0]!, /Missing required configuration/);
  });

  it('removes the named headers and returns the record itself when it has none of them', () => {
    const t = configure('DropHeaders', { headers: '__debezium.oldkey,b' });
    assert.deepEqual(run(t, { ...change('u', 1), headers: { '__debezium.oldkey': '{"id":1}', keep: 'y' } }).headers, { keep: 'y' });
    const record = { ...change('u', 1), headers: { keep: 'y' } };
    assert.equal(t.apply(record), record);
    assert.match(configErrors(transformation('DropHeaders'), { headers: '' })['headers']![0]!, /Empty list/);
  });
});

describe('HeaderFrom', () => {
  it('copies fields into headers as the header converter writes them', () => {
    const t = configure('HeaderFrom$Value', { fields: 'op,source,ts_ms', headers: 'op,src,when', operation: 'copy' });
    const record = change('c', 1);
    const out = run(t, record);
    assert.equal(out.value, record.value);
    assert.equal(out.valueSchema, record.valueSchema);
    assert.equal(out.headers!['op'], 'c');
    assert.equal(out.headers!['when'], '1706700000500');
    assert.match(out.headers!['src'] as string, /^\{"version":"3\.\d+\.\d+\.Final","connector":"postgresql",.*"table":"customers","txId":780,/);
  });

  it('moves key fields out of the key into headers', () => {
    const t = configure('HeaderFrom$Key', { fields: 'id', headers: 'customer-id', operation: 'move' });
    const out = run(t, { ...change('c', 8), headers: { other: 'x' } });
    assert.deepEqual(out.key, {});
    assert.deepEqual(fieldNames(out.keySchema), []);
    assert.deepEqual(out.headers, { other: 'x', 'customer-id': '8' });
    assert.equal(run(t, change('u', 9)).keySchema, out.keySchema);
  });

  it('removes a header for a null field (our headers cannot hold null)', () => {
    const t = configure('HeaderFrom$Value', { fields: 'transaction', headers: 'tx', operation: 'copy' });
    assert.deepEqual(run(t, { ...change('c', 1), headers: { tx: 'stale' } }).headers, {});
  });

  it('works schemaless, passes tombstones, fails on a missing field', () => {
    const t = configure('HeaderFrom$Value', { fields: 'a,b', headers: 'ha,hb', operation: 'move' });
    const out = run(t, schemaless({ a: 'x', b: 2, c: 3 }));
    assert.deepEqual(out.value, { c: 3 });
    assert.deepEqual(out.headers, { ha: 'x', hb: '2' });
    const tomb = tombstone(1);
    assert.equal(t.apply(tomb), tomb);
    assert.throws(() => t.apply(change('c', 1)), /HeaderFrom\$Value: field a is not in the value schema/);
  });

  it('refuses fields and headers of different lengths', () => {
    assert.deepEqual(configErrors(transformation('HeaderFrom$Value'), { fields: 'a,b', headers: 'h', operation: 'copy' }),
      { headers: ["'fields' config must have the same number of elements as 'headers' config."] });
    assert.match(configErrors(transformation('HeaderFrom$Value'), { fields: 'a', headers: 'h', operation: 'steal' })['operation']![0]!, /move, copy/);
  });
});

describe('predicates', () => {
  it('TopicNameMatches matches the whole topic name', () => {
    const p = configurePredicate('TopicNameMatches', { pattern: 'dbserver1\\.inventory\\..*' });
    assert.equal(p.test(change('c', 1)), true);
    assert.equal(p.test(heartbeat()), false);
    assert.equal(configurePredicate('TopicNameMatches', { pattern: 'inventory' }).test(change('c', 1)), false);
  });

  it('HasHeaderKey looks for the header name', () => {
    const p = configurePredicate('HasHeaderKey', { name: 'h' });
    assert.equal(p.test({ ...change('c', 1), headers: { h: '' } }), true);
    assert.equal(p.test(change('c', 1)), false);
  });

  it('RecordIsTombstone is true for a null value only', () => {
    const p = configurePredicate('RecordIsTombstone');
    assert.equal(p.test(tombstone(1)), true);
    assert.equal(p.test(change('d', 1)), false);
  });

  it('Filter drops every record', () => {
    assert.equal(configure('Filter').apply(change('c', 1)), null);
  });
});
