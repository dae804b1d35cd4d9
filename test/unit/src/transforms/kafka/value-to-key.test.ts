import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configErrors, configure, customers, run, schemaless, tombstone, transformation } from './fixtures.js';

const rowRecord = (id: number, email: string | null) => ({
  topic: 't', keySchema: null, key: null, valueSchema: customers.row,
  value: { id, first_name: 'A', email, status: null, born: null, updated_at: null },
});

describe('ValueToKey', () => {
  it('makes the key a struct of the listed value fields, in the order listed, with their schemas', () => {
    const t = configure('ValueToKey', { fields: 'email,id' });
    const out = run(t, rowRecord(5, 'e@x'));
    assert.deepEqual(out.key, { email: 'e@x', id: 5 });
    assert.deepEqual(out.keySchema!.fields!.map((f) => [f.field, f.type, f.optional]), [['email', 'string', true], ['id', 'int32', false]]);
    assert.equal(out.keySchema!.name, undefined);
    assert.equal(run(t, rowRecord(6, null)).keySchema, out.keySchema, 'one key schema per value schema');
  });

  it('reads a null with a schema default as the default unless replace.null.with.default=false', () => {
    assert.deepEqual(run(configure('ValueToKey', { fields: 'status' }), rowRecord(1, null)).key, { status: 'active' });
    assert.deepEqual(run(configure('ValueToKey', { fields: 'status', 'replace.null.with.default': 'false' }), rowRecord(1, null)).key, { status: null });
  });

  it('fails a record without the field, and keeps the key of a tombstone', () => {
    const t = configure('ValueToKey', { fields: 'nope' });
    assert.throws(() => t.apply(rowRecord(1, null)), /ValueToKey: Field does not exist: nope/);
    const tomb = tombstone(3);
    assert.equal(t.apply(tomb), tomb);
  });

  it('builds a map key from a schemaless value', () => {
    assert.deepEqual(run(configure('ValueToKey', { fields: 'a,z' }), schemaless({ a: 1, b: 2 })).key, { a: 1, z: null });
  });

  it('is known by its simple name, and refuses duplicate or empty field lists', () => {
    const plugin = transformation('ValueToKey');
    assert.deepEqual(plugin.aliases, ['ValueToKey']);
    assert.match(configErrors(plugin, { fields: 'a,a' })['fields']![0]!, /duplicated: a/);
    assert.match(configErrors(plugin, { fields: '' })['fields']![0]!, /Empty list/);
  });
});
