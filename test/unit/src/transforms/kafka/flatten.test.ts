import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrayOf, field, int32, mapOf, string, struct } from '../../../../../schemas/index.js';
import { change, configure, fieldNames, run, schemaChange, schemaless, tombstone } from './fixtures.js';

describe('Flatten', () => {
  it('flattens the envelope: nested names joined by the delimiter, fields under optional structs optional', () => {
    const t = configure('Flatten$Value', { delimiter: '_' });
    const out = run(t, change('c', 5));
    const names = fieldNames(out.valueSchema);
    assert.deepEqual(names.slice(0, 7), ['before_id', 'before_first_name', 'before_email', 'before_status', 'before_born', 'before_updated_at', 'after_id']);
    assert.ok(names.includes('source_lsn') && names.includes('transaction_total_order') && names.includes('op'));
    const byName = new Map(out.valueSchema!.fields!.map((f) => [f.field, f]));
    assert.equal(byName.get('after_id')!.optional, true, 'after is optional, so its id is too');
    assert.equal(byName.get('source_db')!.optional, false);
    assert.equal(byName.get('source_snapshot')!.default, 'false', 'defaults and logical names stay');
    assert.equal(byName.get('after_born')!.name, 'org.apache.kafka.connect.data.Date');
    const v = out.value as Record<string, unknown>;
    assert.equal(v['before_id'], null, 'a null struct gives nulls');
    assert.equal(v['after_id'], 5);
    assert.equal(v['source_table'], 'customers');
    assert.equal(v['transaction_id'], null);
    assert.equal(v['op'], 'c');
    assert.equal(out.valueSchema!.name, 'dbserver1.inventory.customers.Envelope');
    assert.equal(run(t, change('d', 6)).valueSchema, out.valueSchema);
  });

  it('keeps arrays as they are (schema change records)', () => {
    const out = run(configure('Flatten$Value'), schemaChange());
    assert.ok(fieldNames(out.valueSchema).includes('tableChanges'));
    assert.ok(fieldNames(out.valueSchema).includes('source.file'));
    assert.deepEqual((out.value as Record<string, unknown>)['tableChanges'], []);
  });

  it('fails on a map inside a struct, as Connect does', () => {
    const s = struct([field('m', mapOf(string(), int32()))]);
    assert.throws(() => configure('Flatten$Value').apply({ topic: 't', keySchema: null, key: null, valueSchema: s, value: { m: {} } }),
      /Flatten\$Value: Flatten transformation does not support MAP for record with schemas \(for field m\)/);
  });

  it('flattens schemaless maps, passes a tombstone through', () => {
    const out = run(configure('Flatten$Value'), schemaless({ a: { b: 1, c: { d: null } }, e: [1, { x: 1 }], f: 'x' }));
    assert.deepEqual(out.value, { 'a.b': 1, 'a.c.d': null, e: [1, { x: 1 }], f: 'x' });
    const tomb = tombstone(1);
    assert.equal(configure('Flatten$Value').apply(tomb), tomb);
  });

  it('passes an array of structs along unchanged', () => {
    const s = struct([field('list', arrayOf(struct([field('x', int32())])))]);
    const out = run(configure('Flatten$Value'), { topic: 't', keySchema: null, key: null, valueSchema: s, value: { list: [{ x: 1 }] } });
    assert.deepEqual(out.value, { list: [{ x: 1 }] });
  });
});
