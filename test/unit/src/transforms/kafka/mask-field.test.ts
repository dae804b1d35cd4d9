import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arrayOf, boolean, bytes, decimalSchema, decodeDecimal, encodeDecimal, field, float32, int16, int64, mapOf, string, struct,
} from '../../../../../schemas/index.js';
import { TransformError } from '../../../../../src/transforms/types.js';
import { configErrors, configure, customers, run, schemaless, tombstone, transformation } from './fixtures.js';

const all = struct([
  field('s', string()), field('n', int16()), field('l', int64({ optional: true })), field('f', float32()), field('b', boolean()),
  field('d', decimalSchema(2)), field('a', arrayOf(string())), field('m', mapOf(string(), string())), field('raw', bytes({ optional: true })),
]);
const row = { s: 'secret', n: 12, l: 99, f: 1.5, b: true, d: encodeDecimal('12.34', 2), a: ['x'], m: new Map([['k', 'v']]), raw: null };
const record = { topic: 't', keySchema: null, key: null, valueSchema: all, value: row };

describe('MaskField', () => {
  it('masks each type with its empty value and keeps the schema object', () => {
    const t = configure('MaskField$Value', { fields: 's,n,l,f,b,d,a,m,raw' });
    const out = run(t, record);
    assert.equal(out.valueSchema, all);
    const v = out.value as Record<string, unknown>;
    assert.deepEqual({ ...v, d: decodeDecimal(v['d'] as Buffer, 2) }, { s: '', n: 0, l: 0, f: 0, b: false, d: '0.00', a: [], m: new Map(), raw: null });
    assert.equal(row.s, 'secret', 'the input value is not changed');
  });

  it('replaces numeric and string fields with the replacement, converted to the field type', () => {
    const t = configure('MaskField$Value', { fields: 's,n,f,d', replacement: '42' });
    const v = run(t, record).value as Record<string, unknown>;
    assert.equal(v['s'], '42');
    assert.equal(v['n'], 42);
    assert.equal(v['f'], 42);
    assert.equal(decodeDecimal(v['d'] as Buffer, 2), '42.00');
  });

  it('fails a record whose field cannot take the replacement', () => {
    assert.throws(() => configure('MaskField$Value', { fields: 'b', replacement: 'x' }).apply(record),
      (e) => e instanceof TransformError && /MaskField\$Value: Cannot mask value of type boolean with custom replacement/.test(e.message));
    assert.throws(() => configure('MaskField$Value', { fields: 'n', replacement: 'abc' }).apply(record), /Unable to convert abc/);
    assert.throws(() => configure('MaskField$Value', { fields: 'raw' }).apply({ ...record, value: { ...row, raw: Buffer.from('x') } }),
      /Cannot mask value of type bytes/);
  });

  it('masks the email of a row, and a null with a default only when replace.null.with.default is on', () => {
    const value = { id: 1, first_name: 'A', email: 'a@example.com', status: null, born: null, updated_at: null };
    const r = { topic: 't', keySchema: null, key: null, valueSchema: customers.row, value };
    assert.deepEqual(run(configure('MaskField$Value', { fields: 'email,status' }), r).value, { ...value, email: '', status: '' });
    assert.deepEqual(run(configure('MaskField$Value', { fields: 'email,status', 'replace.null.with.default': 'false' }), r).value,
      { ...value, email: '' });
  });

  it('passes tombstones through and masks schemaless values by their type', () => {
    const t = configure('MaskField$Value', { fields: 'a,b,c,missing' });
    const tomb = tombstone(1);
    assert.equal(t.apply(tomb), tomb);
    assert.deepEqual(run(t, schemaless({ a: 'x', b: 3, c: [1], d: 'kept' })).value, { a: '', b: 0, c: [], d: 'kept', missing: null });
  });

  it('refuses an empty field list and an empty replacement', () => {
    const plugin = transformation('MaskField$Value');
    assert.match(configErrors(plugin, { fields: '' })['fields']![0]!, /Empty list/);
    assert.match(configErrors(plugin, { fields: 'a', replacement: '' })['replacement']![0]!, /String must be non-empty/);
    assert.match(configErrors(plugin, {})['fields']![0]!, /Missing required configuration "fields"/);
  });
});
