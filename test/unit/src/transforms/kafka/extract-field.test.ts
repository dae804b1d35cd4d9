import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJsonConverter } from '../../../../../schemas/index.js';
import { parseFieldPath } from '../../../../../src/transforms/kafka/field-path.js';
import { change, configErrors, configure, customers, heartbeat, run, schemaless, tombstone, transformation } from './fixtures.js';

describe('ExtractField', () => {
  it('replaces the value with the after row, whose schema becomes the value schema', () => {
    const t = configure('ExtractField$Value', { field: 'after' });
    const out = run(t, change('c', 9));
    assert.equal((out.value as { id: number }).id, 9);
    assert.equal(out.valueSchema!.name, 'dbserver1.inventory.customers.Value');
    assert.equal(run(t, change('u', 10)).valueSchema, out.valueSchema);
    // A standalone schema: no field name leaks into the converted schema.
    const json = createJsonConverter({ schemasEnable: true, isKey: false }).fromConnectData(out.topic, out.valueSchema, out.value)!.toString('utf8');
    assert.match(json, /^\{"schema":\{"type":"struct","fields":\[.*\],"optional":true,"name":"dbserver1\.inventory\.customers\.Value"\},"payload":\{"id":9,/);
  });

  it('gives null for a delete (after is null), and passes a tombstone through', () => {
    const t = configure('ExtractField$Value', { field: 'after' });
    assert.equal(run(t, change('d', 1)).value, null);
    const tomb = tombstone(1);
    assert.equal(t.apply(tomb), tomb);
  });

  it('extracts a key field', () => {
    const out = run(configure('ExtractField$Key', { field: 'id' }), change('c', 3));
    assert.equal(out.key, 3);
    assert.deepEqual(out.keySchema, { type: 'int32', optional: false });
  });

  it('with field.syntax.version=V2 reaches nested fields', () => {
    const t = configure('ExtractField$Value', { field: 'source.lsn', 'field.syntax.version': 'v2' });
    const out = run(t, change('u', 1));
    assert.equal(out.value, 34389336);
    assert.equal(out.valueSchema!.type, 'int64');
    assert.throws(() => t.apply(heartbeat()), /Unknown field: source\.lsn/, 'a record of another shape');
  });

  it('fails on a field the schema lacks; V1 reads a dotted name as one field', () => {
    assert.throws(() => configure('ExtractField$Value', { field: 'source.lsn' }).apply(change('c', 1)), /ExtractField\$Value: Unknown field: source\.lsn/);
    assert.throws(() => configure('ExtractField$Value', { field: 'nope', 'field.syntax.version': 'V2' }).apply(heartbeat()), /Unknown field: nope/);
  });

  it('reads a null with a default as the default unless replace.null.with.default=false', () => {
    const record = { topic: 't', keySchema: null, key: null, valueSchema: customers.row, value: { id: 1, status: null } };
    assert.equal(run(configure('ExtractField$Value', { field: 'status' }), record).value, 'active');
    assert.equal(run(configure('ExtractField$Value', { field: 'status', 'replace.null.with.default': 'false' }), record).value, null);
  });

  it('works on schemaless maps, nested with V2', () => {
    assert.equal(run(configure('ExtractField$Value', { field: 'a.b', 'field.syntax.version': 'V2' }), schemaless({ a: { b: 5 } })).value, 5);
    assert.equal(run(configure('ExtractField$Value', { field: 'a.b' }), schemaless({ 'a.b': 6 })).value, 6);
    assert.equal(run(configure('ExtractField$Value', { field: 'a.b', 'field.syntax.version': 'V2' }), schemaless({ a: null })).value, null);
    assert.throws(() => configure('ExtractField$Value', { field: 'x' }).apply(schemaless(5)), /Only Map objects supported in absence of schema/);
  });

  it('refuses an unclosed backtick and an unknown syntax version', () => {
    const plugin = transformation('ExtractField$Value');
    assert.match(configErrors(plugin, { field: '`a.b', 'field.syntax.version': 'V2' })['field']![0]!, /Incomplete backtick pair/);
    assert.match(configErrors(plugin, { field: 'a', 'field.syntax.version': 'V3' })['field.syntax.version']![0]!, /V1, V2/);
  });
});

describe('field paths (KIP-821)', () => {
  it('splits V2 paths on dots, with backticks around names holding dots', () => {
    assert.deepEqual(parseFieldPath('a.b.c', 'V2'), ['a', 'b', 'c']);
    assert.deepEqual(parseFieldPath('`foo.bar`.baz', 'V2'), ['foo.bar', 'baz']);
    assert.deepEqual(parseFieldPath('a.`b.c`', 'V2'), ['a', 'b.c']);
    assert.deepEqual(parseFieldPath('`a\\`.b`.c', 'V2'), ['a`.b', 'c']);
    assert.deepEqual(parseFieldPath('a.', 'V2'), ['a', '']);
    assert.deepEqual(parseFieldPath('a.b', 'V1'), ['a.b']);
    assert.ok('error' in (parseFieldPath('`a.b', 'V2') as object));
  });
});
