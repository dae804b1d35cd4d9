import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { extractNewRecordState } from '../../../../../src/transforms/debezium/extract-new-record-state.js';
import { TransformError } from '../../../../../src/transforms/types.js';
import {
  heartbeatKeySchema, heartbeatValueSchema, schemaChangeKeySchema, schemaChangeValueSchema, field, rowSchema, string,
  envelopeSchema, keySchema, int32,
} from '../../../../../schemas/index.js';
import {
  alice, alice2, configErrors, emitted, mysqlCustomers, mysqlSource, mysqlSourceSchema, NOW, pgCustomers, pgSource, transform,
} from './fixtures.js';

const plugin = extractNewRecordState;
const unwrap = (props: Record<string, string> = {}) => transform(plugin, props);
function run(props: Record<string, string>, records: ChangeRecord[]) {
  const t = unwrap(props);
  return records.map((r) => t.apply(r));
}

/** A create, an update, a delete and its tombstone of `alice` on MySQL. */
function lifecycle(): ChangeRecord[] {
  const t = mysqlCustomers;
  return emitted((e, out) => {
    e.create(out, t, { id: 1 }, alice, mysqlSource(), NOW);
    e.update(out, t, { id: 1 }, { id: 1 }, alice, alice2, mysqlSource(), NOW);
    e.delete(out, t, { id: 1 }, alice2, mysqlSource(), NOW);
  });
}

const names = (s: { fields?: { field: string }[] } | null) => s?.fields?.map((f) => f.field);

describe('ExtractNewRecordState', () => {
  it('by default (tombstone mode) flattens creates and updates, turns a delete into a null value and drops the tombstone', () => {
    const t = unwrap();
    const records = lifecycle();
    const [c, u, d, tomb] = records.map((r) => t.apply(r));
    assert.deepEqual(c!.value, alice);
    assert.equal(c!.value, (records[0]!.value as { after: unknown }).after, 'a row needing no change is not copied');
    assert.deepEqual(u!.value, { ...alice2, status: 'new' }, 'null replaced by the column default');
    assert.equal(c!.topic, 'srv.inventory.customers');
    assert.deepEqual(c!.key, { id: 1 });
    assert.equal(c!.keySchema, mysqlCustomers.keySchema);
    assert.equal(c!.valueSchema!.name, 'srv.inventory.customers.Value');
    assert.equal(c!.valueSchema!.optional, false, 'Debezium rebuilds the row as a required struct');
    assert.deepEqual(names(c!.valueSchema), ['id', 'name', 'status', 'region']);
    assert.equal(c!.valueSchema, u!.valueSchema, 'one output schema per envelope schema');
    assert.equal(d!.value, null);
    assert.equal(d!.valueSchema!.name, 'srv.inventory.customers.Value', 'the delete keeps the row schema');
    assert.deepEqual(d!.key, { id: 1 });
    assert.equal(tomb, null);
  });

  it('returns the same output schema object for every record of a table, and another for another table', () => {
    const t = unwrap({ 'add.fields': 'op' });
    const [a, b] = lifecycle().map((r) => t.apply(r));
    assert.equal(a!.valueSchema, b!.valueSchema);
    const [pg] = emitted((e, out) => e.create(out, pgCustomers, { id: 1 }, alice, pgSource(), NOW)).map((r) => t.apply(r));
    assert.notEqual(pg!.valueSchema, a!.valueSchema);
    assert.equal(pg!.valueSchema!.name, 'pg.public.customers.Value');
  });

  it('drops truncate events', () => {
    const [trunc] = emitted((e, out) => e.truncate(out, mysqlCustomers, mysqlSource(), NOW));
    assert.equal(unwrap().apply(trunc!), null);
  });

  it('passes records that are not change events unchanged: schema changes, heartbeats, transaction metadata', () => {
    const schemaChange: ChangeRecord = {
      topic: 'srv', keySchema: schemaChangeKeySchema('mysql'), key: { databaseName: 'inventory' },
      valueSchema: schemaChangeValueSchema('mysql', mysqlSourceSchema),
      value: { source: mysqlSource(), ts_ms: NOW, databaseName: 'inventory', schemaName: null, ddl: 'CREATE TABLE x (id INT)', tableChanges: [] },
    };
    const heartbeat: ChangeRecord = {
      topic: '__debezium-heartbeat.srv', keySchema: heartbeatKeySchema, key: { serverName: 'srv' }, valueSchema: heartbeatValueSchema, value: { ts_ms: NOW },
    };
    const tx = emitted((e, out) => e.create(out, mysqlCustomers, { id: 1 }, alice, mysqlSource(), NOW), { transactions: true });
    assert.deepEqual(tx.map((r) => r.topic), ['srv.transaction', 'srv.inventory.customers', 'srv.transaction']);
    const t = unwrap({ 'add.fields': 'op', 'add.headers': 'op' });
    for (const r of [schemaChange, heartbeat, tx[0]!, tx[2]!]) assert.equal(t.apply(r), r);
  });

  it('drop removes deletes and tombstones', () => {
    const [c, u, d, tomb] = run({ 'delete.tombstone.handling.mode': 'drop' }, lifecycle());
    assert.ok(c && u);
    assert.equal(d, null);
    assert.equal(tomb, null);
  });

  it('rewrite turns a delete into the old row with __deleted="true", marks other rows "false" and drops tombstones', () => {
    const [c, u, d, tomb] = run({ 'delete.tombstone.handling.mode': 'rewrite' }, lifecycle());
    assert.deepEqual(c!.value, { ...alice, __deleted: 'false' });
    assert.deepEqual(d!.value, { ...alice2, status: 'new', __deleted: 'true' });
    assert.equal(c!.valueSchema, d!.valueSchema, 'deletes share the schema of the other rows');
    assert.deepEqual(c!.valueSchema!.fields!.at(-1), { type: 'string', optional: true, field: '__deleted' });
    assert.ok(u);
    assert.equal(tomb, null);
  });

  it('rewrite-with-tombstone also keeps the tombstones', () => {
    const [, , d, tomb] = run({ 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }, lifecycle());
    assert.equal((d!.value as { __deleted: string }).__deleted, 'true');
    assert.equal(tomb!.value, null);
    assert.deepEqual(tomb!.key, { id: 1 });
  });

  it('delete-to-tombstone makes the delete a tombstone (null value and value schema) and drops the connector\'s', () => {
    const [, , d, tomb] = run({ 'delete.tombstone.handling.mode': 'delete-to-tombstone' }, lifecycle());
    assert.equal(d!.value, null);
    assert.equal(d!.valueSchema, null);
    assert.deepEqual(d!.key, { id: 1 });
    assert.equal(tomb, null);
  });

  it('honours the deprecated drop.tombstones / delete.handling.mode when delete.tombstone.handling.mode is not set (Debezium 3.0/3.1)', () => {
    const outcome = (props: Record<string, string>) => run(props, lifecycle()).slice(2)
      .map((r) => (r === null ? 'dropped' : r.value === null ? 'null' : `__deleted=${(r.value as { __deleted?: string }).__deleted}`));
    assert.deepEqual(outcome({ 'drop.tombstones': 'false' }), ['dropped', 'null'], 'delete.handling.mode defaults to drop');
    assert.deepEqual(outcome({ 'delete.handling.mode': 'none' }), ['null', 'dropped']);
    assert.deepEqual(outcome({ 'delete.handling.mode': 'none', 'drop.tombstones': 'false' }), ['null', 'null']);
    assert.deepEqual(outcome({ 'delete.handling.mode': 'rewrite' }), ['__deleted=true', 'dropped']);
    assert.deepEqual(outcome({ 'delete.handling.mode': 'rewrite', 'drop.tombstones': 'false' }), ['__deleted=true', 'null']);
    assert.deepEqual(outcome({ 'delete.handling.mode': 'rewrite', 'delete.tombstone.handling.mode': 'drop' }), ['dropped', 'dropped'],
      'the new key takes precedence');
  });

  it('add.fields appends envelope metadata after the columns, with optional copies of the field schemas', () => {
    const t = unwrap({ 'add.fields': 'op,table,lsn,source.ts_ms,ts_ms:EVENT_TS,snapshot' });
    const [c] = emitted((e, out) => e.create(out, pgCustomers, { id: 1 }, alice, pgSource(), NOW)).map((r) => t.apply(r));
    assert.deepEqual(c!.value, { ...alice, __op: 'c', __table: 'customers', __lsn: 33_816_960, __source_ts_ms: NOW - 5, __EVENT_TS: NOW, __snapshot: 'false' });
    const added = c!.valueSchema!.fields!.slice(4);
    assert.deepEqual(added.map((f) => [f.field, f.type, f.optional]), [
      ['__op', 'string', true], ['__table', 'string', true], ['__lsn', 'int64', true], ['__source_ts_ms', 'int64', true],
      ['__EVENT_TS', 'int64', true], ['__snapshot', 'string', true],
    ]);
    const snapshot = added.at(-1)!;
    assert.equal(snapshot.name, 'io.debezium.data.Enum', 'logical name and parameters are kept');
    assert.ok(snapshot.parameters);
    assert.equal(snapshot.default, undefined, 'the default is not');
  });

  it('add.fields leaves out fields this connector does not have, takes id from the transaction block, and applies add.fields.prefix', () => {
    const t = unwrap({ 'add.fields': 'lsn,file,id,total_order', 'add.fields.prefix': 'meta_' });
    const [plain] = emitted((e, out) => e.create(out, mysqlCustomers, { id: 1 }, alice, mysqlSource(), NOW)).map((r) => t.apply(r));
    assert.deepEqual(plain!.value, { ...alice, meta_file: 'binlog.000003', meta_id: null, meta_total_order: null });
    const [, inTx] = emitted((e, out) => e.create(out, mysqlCustomers, { id: 1 }, alice, mysqlSource(), NOW), { transactions: true }).map((r) => t.apply(r));
    assert.deepEqual(inTx!.value, { ...alice, meta_file: 'binlog.000003', meta_id: 'tx-1', meta_total_order: 1 });
  });

  it('add.fields on a delete needs a rewrite mode, as in Debezium', () => {
    const [, , d] = run({ 'delete.tombstone.handling.mode': 'rewrite', 'add.fields': 'op,source.ts_ms' }, lifecycle());
    assert.deepEqual(d!.value, { ...alice2, status: 'new', __deleted: 'true', __op: 'd', __source_ts_ms: NOW - 5 });
    const [, , plainDelete] = run({ 'add.fields': 'op' }, lifecycle());
    assert.equal(plainDelete!.value, null);
  });

  it('add.headers adds header text, keeps the connector\'s headers, and gives tombstones only op="d"', () => {
    const t = unwrap({ 'add.headers': 'op,source.ts_ms,db,gtid:GTID', 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' });
    const keyChange = emitted((e, out) => e.update(out, mysqlCustomers, { id: 1 }, { id: 2 }, alice, { ...alice, id: 2 }, mysqlSource(), NOW));
    const [d, tomb, c] = keyChange.map((r) => t.apply(r));
    assert.deepEqual(d!.headers, { '__debezium.newkey': '{"id":2}', __op: 'd', __source_ts_ms: String(NOW - 5), __db: 'inventory' },
      'a null gtid adds no header');
    assert.deepEqual(tomb!.headers, { '__debezium.newkey': '{"id":2}', __op: 'd' });
    assert.deepEqual(c!.headers, { '__debezium.oldkey': '{"id":1}', __op: 'c', __source_ts_ms: String(NOW - 5), __db: 'inventory' });
  });

  it('route.by.field routes by the row after the change, and deletes by the row before', () => {
    const t = unwrap({ 'route.by.field': 'region', 'delete.tombstone.handling.mode': 'rewrite' });
    const [c, u, d] = lifecycle().map((r) => t.apply(r));
    assert.deepEqual([c!.topic, u!.topic, d!.topic], ['eu', 'us', 'us']);
    const [noRegion] = emitted((e, out) => e.create(out, mysqlCustomers, { id: 2 }, { ...alice, id: 2, region: null }, mysqlSource(), NOW)).map((r) => t.apply(r));
    assert.equal(noRegion!.topic, 'srv.inventory.customers', 'a null value keeps the topic');
  });

  it('route.by.field fails on a column that is missing or not a string', () => {
    const [c] = lifecycle();
    assert.throws(() => unwrap({ 'route.by.field': 'id' }).apply(c!), (e: unknown) => e instanceof TransformError && /not a string/.test(e.message));
    assert.throws(() => unwrap({ 'route.by.field': 'nope' }).apply(c!), (e: unknown) => e instanceof TransformError && /not a column/.test(e.message));
  });

  it('replace.null.with.default=false keeps nulls as they are', () => {
    const [, u] = run({ 'replace.null.with.default': 'false' }, lifecycle());
    assert.deepEqual(u!.value, alice2);
  });

  it('refuses an added field that collides with a column', () => {
    const row = rowSchema('srv.db.t', [field('id', int32()), field('__op', string())]);
    const env = envelopeSchema('srv.db.t', row, mysqlSourceSchema);
    const t = { topic: 'srv.db.t', dataCollection: 'db.t', keySchema: keySchema('srv.db.t', [field('id', int32())]), envelope: env };
    const [c] = emitted((e, out) => e.create(out, t, { id: 1 }, { id: 1, __op: 'x' }, mysqlSource(), NOW));
    assert.throws(() => unwrap({ 'add.fields': 'op' }).apply(c!), (e: unknown) => e instanceof TransformError && /already has a field/.test(e.message));
    assert.equal(unwrap({ 'add.fields': 'op:operation' }).apply(c!)!.valueSchema!.fields!.at(-1)!.field, '__operation');
  });

  it('writes int64 header values as text, bigint nanoseconds included', () => {
    const t = unwrap({ 'add.headers': 'ts_ns' });
    const [c] = lifecycle().map((r) => t.apply(r));
    assert.equal(c!.headers!['__ts_ns'], String(BigInt(NOW) * 1_000_000n));
  });

  it('reports config errors by key', () => {
    assert.match(configErrors(plugin, { 'delete.tombstone.handling.mode': 'keep' })['delete.tombstone.handling.mode']![0]!, /must be one of/);
    assert.match(configErrors(plugin, { 'delete.handling.mode': 'rewrite-with-tombstone' })['delete.handling.mode']![0]!, /must be one of/);
    assert.match(configErrors(plugin, { 'add.fields': 'op:a:b' })['add.fields']![0]!, /more than one ':'/);
    assert.match(configErrors(plugin, { 'add.headers': 'source.ts_ms.x' })['add.headers']![0]!, /field or struct.field/);
    assert.match(configErrors(plugin, { 'drop.fields.header.name': 'drop' })['drop.fields.header.name']![0]!, /not supported/);
    assert.deepEqual(configErrors(plugin, { 'drop.fields.from.key': 'true' }), {});
  });
});
