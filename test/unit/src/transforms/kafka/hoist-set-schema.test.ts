import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { change, configErrors, configure, customers, run, schemaless, tombstone, transformation } from './fixtures.js';

describe('HoistField', () => {
  it('wraps the key struct in an unnamed struct with one field', () => {
    const t = configure('HoistField$Key', { field: 'pk' });
    const out = run(t, change('c', 2));
    assert.deepEqual(out.key, { pk: { id: 2 } });
    assert.equal(out.keySchema!.name, undefined);
    assert.equal(out.keySchema!.fields![0]!.field, 'pk');
    assert.equal(out.keySchema!.fields![0]!.name, 'dbserver1.inventory.customers.Key');
    assert.equal(run(t, change('u', 3)).keySchema, out.keySchema);
  });

  it('wraps schemaless values in a map, and passes a tombstone through', () => {
    const t = configure('HoistField$Value', { field: 'line' });
    assert.deepEqual(run(t, schemaless('hello')).value, { line: 'hello' });
    const tomb = tombstone(1);
    assert.equal(t.apply(tomb), tomb);
  });
});

describe('SetSchemaMetadata', () => {
  it('renames the value schema and sets its version, keeping fields and values', () => {
    const t = configure('SetSchemaMetadata$Value', { 'schema.name': 'com.example.Customer', 'schema.version': '3' });
    const record = change('c', 1);
    const out = run(t, record);
    assert.equal(out.valueSchema!.name, 'com.example.Customer');
    assert.equal(out.valueSchema!.version, 3);
    assert.equal(out.valueSchema!.fields, customers.envelope.fields);
    assert.equal(out.value, record.value, 'no field has a default: the value object is reused');
    assert.equal(run(t, change('u', 2)).valueSchema, out.valueSchema);
    assert.equal(customers.envelope.name, 'dbserver1.inventory.customers.Envelope', 'the input schema is not changed');
  });

  it('changes only the version when no name is given; a tombstone without schema passes', () => {
    const t = configure('SetSchemaMetadata$Key', { 'schema.version': '7' });
    const out = run(t, change('c', 1));
    assert.equal(out.keySchema!.name, 'dbserver1.inventory.customers.Key');
    assert.equal(out.keySchema!.version, 7);
    const v = configure('SetSchemaMetadata$Value', { 'schema.name': 'x' });
    const tomb = tombstone(1);
    assert.equal(v.apply(tomb), tomb);
    assert.throws(() => v.apply(schemaless({ a: 1 })), /SetSchemaMetadata\$Value: Schema required for \[updating schema metadata\]/);
  });

  it('fills a null that has a default when renaming a row schema', () => {
    const t = configure('SetSchemaMetadata$Value', { 'schema.name': 'Row' });
    const value = { id: 1, first_name: 'a', email: null, status: null, born: null, updated_at: null };
    const record = { topic: 't', keySchema: null, key: null, valueSchema: customers.row, value };
    assert.equal((run(t, record).value as { status: unknown }).status, 'active');
    const keep = configure('SetSchemaMetadata$Value', { 'schema.name': 'Row', 'replace.null.with.default': 'false' });
    assert.equal(run(keep, record).value, value);
  });

  it('refuses a config with neither name nor version', () => {
    assert.deepEqual(configErrors(transformation('SetSchemaMetadata$Value'), {}), { 'schema.name': ['Neither schema name nor version configured'] });
    assert.match(configErrors(transformation('SetSchemaMetadata$Value'), { 'schema.version': 'x' })['schema.version']![0]!, /Not a number of type INT/);
  });
});
