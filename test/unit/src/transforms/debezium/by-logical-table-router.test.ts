import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { byLogicalTableRouter } from '../../../../../src/transforms/debezium/by-logical-table-router.js';
import { heartbeatKeySchema, heartbeatValueSchema } from '../../../../../schemas/index.js';
import { alice, configErrors, customersTable, emitted, mysqlSource, mysqlSourceSchema, NOW, transform } from './fixtures.js';

const plugin = byLogicalTableRouter;
const shard1 = customersTable('srv.shard1.customers', 'shard1.customers', mysqlSourceSchema);
const shard2 = customersTable('srv.shard2.customers', 'shard2.customers', mysqlSourceSchema);
const keyless = customersTable('srv.shard3.customers', 'shard3.customers', mysqlSourceSchema, false);
const merge = { 'topic.regex': '(.*)\\.shard\\d+\\.(.*)', 'topic.replacement': '$1.all_shards.$2' };

/** Create and delete (with tombstone) of alice in `table`. */
const events = (table = shard1) => emitted((e, out) => {
  e.create(out, table, table.keySchema ? { id: 1 } : null, alice, mysqlSource(), NOW);
  e.delete(out, table, table.keySchema ? { id: 1 } : null, alice, mysqlSource(), NOW);
});

const names = (s: { fields?: { field: string }[] } | null) => s?.fields?.map((f) => f.field);

describe('ByLogicalTableRouter', () => {
  it('reroutes a shard\'s change events and renames the key, row and envelope schemas after the logical topic', () => {
    const t = transform(plugin, merge);
    const [c, d] = events().map((r) => t.apply(r));
    assert.equal(c!.topic, 'srv.all_shards.customers');
    assert.equal(c!.keySchema!.name, 'srv.all_shards.customers.Key');
    assert.deepEqual(names(c!.keySchema), ['id', '__dbz__physicalTableIdentifier']);
    assert.deepEqual(c!.keySchema!.fields![1], { type: 'string', optional: false, field: '__dbz__physicalTableIdentifier' });
    assert.deepEqual(c!.key, { id: 1, __dbz__physicalTableIdentifier: 'srv.shard1.customers' });
    const env = c!.valueSchema!;
    assert.equal(env.name, 'srv.all_shards.customers.Envelope');
    assert.equal(env.version, 2);
    assert.deepEqual(names(env), ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
    const [before, after] = env.fields!;
    assert.equal(before!.name, 'srv.all_shards.customers.Value');
    assert.equal(before!.optional, true);
    assert.deepEqual(names(after!), ['id', 'name', 'status', 'region']);
    assert.equal(env.fields![2], shard1.envelope.fields![2], 'other envelope fields are the same objects');
    assert.equal(d!.valueSchema, env, 'one renamed envelope per envelope schema and topic');
    assert.equal(c!.keySchema, d!.keySchema);
  });

  it('keeps the envelope value, which still fits the renamed schema', () => {
    const [c] = events();
    const routed = transform(plugin, merge).apply(c!)!;
    assert.equal(routed.value, c!.value);
  });

  it('gives every shard\'s records the logical topic and tells them apart by the key field', () => {
    const t = transform(plugin, merge);
    const [one] = events(shard1).map((r) => t.apply(r));
    const [two] = events(shard2).map((r) => t.apply(r));
    assert.equal(one!.topic, two!.topic);
    assert.deepEqual(one!.keySchema, two!.keySchema);
    assert.notDeepEqual(one!.key, two!.key);
  });

  it('reroutes tombstones with the new key and keeps their null value', () => {
    const [, , tomb] = events().map((r) => transform(plugin, merge).apply(r));
    assert.equal(tomb!.topic, 'srv.all_shards.customers');
    assert.deepEqual(tomb!.key, { id: 1, __dbz__physicalTableIdentifier: 'srv.shard1.customers' });
    assert.equal(tomb!.value, null);
    assert.equal(tomb!.valueSchema, null);
  });

  it('leaves records of topics the regex does not match whole, and those it maps to an empty name', () => {
    const [c] = events();
    assert.equal(transform(plugin, { 'topic.regex': 'shard1', 'topic.replacement': 'x' }).apply(c!), c);
    assert.equal(transform(plugin, { 'topic.regex': '.*', 'topic.replacement': '' }).apply(c!), c);
  });

  it('derives the key field from key.field.regex / key.field.replacement, or keeps the key with key.enforce.uniqueness=false', () => {
    const [c] = events();
    const named = transform(plugin, { ...merge, 'key.field.regex': '.*\\.(?<shard>shard\\d+)\\..*', 'key.field.replacement': '${shard}', 'key.field.name': 'shard' }).apply(c!)!;
    assert.deepEqual(named.key, { id: 1, shard: 'shard1' });
    const plain = transform(plugin, { ...merge, 'key.enforce.uniqueness': 'false' }).apply(c!)!;
    assert.equal(plain.key, c!.key);
    assert.deepEqual(names(plain.keySchema), ['id']);
    assert.equal(plain.keySchema!.name, 'srv.all_shards.customers.Key');
  });

  it('routes keyless tables without a key schema, as Debezium does', () => {
    const [c] = events(keyless).map((r) => transform(plugin, merge).apply(r));
    assert.equal(c!.key, null);
    assert.equal(c!.keySchema, null);
    assert.equal(c!.valueSchema!.name, 'srv.all_shards.customers.Envelope');
  });

  it('reroutes other records of a matching topic without touching their value', () => {
    const heartbeat: ChangeRecord = {
      topic: 'srv.shard1.customers', keySchema: heartbeatKeySchema, key: { serverName: 'srv' }, valueSchema: heartbeatValueSchema, value: { ts_ms: NOW },
    };
    const out = transform(plugin, merge).apply(heartbeat)!;
    assert.equal(out.valueSchema, heartbeatValueSchema);
    assert.equal(out.value, heartbeat.value);
    assert.equal(out.keySchema!.name, 'srv.all_shards.customers.Key');
  });

  it('adjusts the new schema names for Avro when asked', () => {
    const [c] = events();
    const props = { 'topic.regex': '(.*)\\.shard\\d+\\.(.*)', 'topic.replacement': '$1.all-shards.$2' };
    assert.equal(transform(plugin, props).apply(c!)!.valueSchema!.name, 'srv.all-shards.customers.Envelope');
    const avro = transform(plugin, { ...props, 'schema.name.adjustment.mode': 'avro' }).apply(c!)!;
    assert.equal(avro.topic, 'srv.all-shards.customers', 'the topic itself is not adjusted');
    assert.equal(avro.valueSchema!.name, 'srv.all_shards.customers.Envelope');
    assert.equal(avro.valueSchema!.fields![0]!.name, 'srv.all_shards.customers.Value');
    assert.equal(avro.keySchema!.name, 'srv.all_shards.customers.Key');
  });

  it('reports config errors by key', () => {
    assert.match(configErrors(plugin, { 'topic.replacement': 'x' })['topic.regex']![0]!, /Missing required configuration/);
    assert.match(configErrors(plugin, { 'topic.regex': '(', 'topic.replacement': 'x' })['topic.regex']![0]!, /Invalid regular expression/);
    assert.match(configErrors(plugin, { 'topic.regex': '(a)', 'topic.replacement': '$2' })['topic.replacement']![0]!, /no group 2/);
    assert.match(configErrors(plugin, { ...merge, 'key.field.regex': '(.*)' })['key.field.replacement']![0]!, /must be non-empty/);
    assert.match(configErrors(plugin, { ...merge, 'schema.name.adjustment.mode': 'avro2' })['schema.name.adjustment.mode']![0]!, /must be one of/);
  });
});
