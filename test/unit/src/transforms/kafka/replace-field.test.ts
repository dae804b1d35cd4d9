import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { change, configErrors, configure, customers, fieldNames, run, schemaless, tombstone, transformation } from './fixtures.js';

describe('ReplaceField', () => {
  it('excludes, includes and renames top-level fields of the envelope', () => {
    const t = configure('ReplaceField$Value', { exclude: 'source,transaction', renames: 'op:operation,ts_ms:processed_at' });
    const out = run(t, change('u', 4));
    assert.deepEqual(fieldNames(out.valueSchema), ['before', 'after', 'operation', 'processed_at', 'ts_us', 'ts_ns']);
    const value = out.value as Record<string, unknown>;
    assert.equal(value['operation'], 'u');
    assert.equal(value['processed_at'], 1_706_700_000_500);
    assert.equal('source' in value, false);
    assert.equal(out.valueSchema!.name, 'dbserver1.inventory.customers.Envelope', 'the schema keeps its name');
  });

  it('exclude wins over include', () => {
    const t = configure('ReplaceField$Value', { include: 'after,op', exclude: 'op' });
    assert.deepEqual(fieldNames(run(t, change('c', 1)).valueSchema), ['after']);
  });

  it('keeps a null with a schema default as the default, unless replace.null.with.default=false', () => {
    const on = configure('ReplaceField$Value', { include: 'status' });
    const off = configure('ReplaceField$Value', { include: 'status', 'replace.null.with.default': 'false' });
    const record = { ...change('c', 1), valueSchema: customers.row, value: { id: 1, first_name: 'a', email: null, status: null, born: null, updated_at: null } };
    assert.deepEqual(run(on, record).value, { status: 'active' });
    assert.deepEqual(run(off, record).value, { status: null });
  });

  it('caches the output schema per input schema', () => {
    const t = configure('ReplaceField$Key', { renames: 'id:customer_id' });
    const a = run(t, change('c', 1));
    const b = run(t, change('d', 2));
    assert.equal(a.keySchema, b.keySchema);
    assert.deepEqual(b.key, { customer_id: 2 });
  });

  it('passes tombstones through and works without schemas', () => {
    const t = configure('ReplaceField$Value', { exclude: 'b', renames: 'a:x' });
    const record = tombstone(1);
    assert.equal(t.apply(record), record);
    assert.deepEqual(run(t, schemaless({ a: 1, b: 2, c: 3 })).value, { x: 1, c: 3 });
    assert.deepEqual(run(t, schemaless(new Map([['a', 1], ['b', 2]]))).value, new Map([['x', 1]]));
  });

  it('refuses a bad rename and the removed whitelist/blacklist keys', () => {
    const plugin = transformation('ReplaceField$Value');
    assert.deepEqual(configErrors(plugin, { renames: 'a:b,c' }), { renames: ['Invalid value a:b,c for configuration renames: Invalid rename mapping: c'] });
    assert.match(configErrors(plugin, { renames: 'a:' })['renames']![0]!, /Invalid rename mapping: a:/);
    assert.match(configErrors(plugin, { whitelist: 'a' })['whitelist']![0]!, /removed in Kafka 4.0.*use "include"/);
  });
});
