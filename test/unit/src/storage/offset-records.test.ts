import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeOffsetRecord, encodeOffsetKey, encodeOffsetValue, partitionIdentity } from '../../../../src/storage/offset-records.js';

test('offset key and value are written as Connect\'s JsonConverter writes them (Debezium MySQL shape)', () => {
  const key = encodeOffsetKey('inventory-connector', { server: 'dbserver1' });
  assert.equal(key.toString('utf8'), '["inventory-connector",{"server":"dbserver1"}]');
  const value = encodeOffsetValue({ ts_sec: 1700000000, file: 'mysql-bin.000003', pos: 154, gtids: '0-1-42', row: 1, snapshot: true });
  assert.equal(value?.toString('utf8'), '{"ts_sec":1700000000,"file":"mysql-bin.000003","pos":154,"gtids":"0-1-42","row":1,"snapshot":true}');
  assert.equal(encodeOffsetValue(null), null);
});

test('the same partition map always gives the same key bytes; key order is the connector\'s', () => {
  const a = encodeOffsetKey('c', { server: 's', db: 'd' });
  const b = encodeOffsetKey('c', { server: 's', db: 'd' });
  assert.ok(a.equals(b));
  assert.equal(a.toString(), '["c",{"server":"s","db":"d"}]');
});

test('keys written by real Connect decode, including big longs, and re-encode to the same bytes', () => {
  const rawKey = Buffer.from('["pg-conn",{"server":"pg1"}]');
  const rawValue = Buffer.from('{"lsn_proc":18446744073709551000,"lsn":24023128,"txId":555,"ts_usec":1700000000000000}');
  const rec = decodeOffsetRecord(rawKey, rawValue);
  assert.ok(rec);
  assert.equal(rec.connector, 'pg-conn');
  assert.deepEqual(rec.partition, { server: 'pg1' });
  assert.equal(rec.offset?.lsn_proc, 18446744073709551000n);
  assert.ok(encodeOffsetKey(rec.connector, rec.partition).equals(rawKey));
  assert.ok(encodeOffsetValue(rec.offset)?.equals(rawValue));
});

test('a reset is a tombstone; non-Connect records are skipped', () => {
  assert.deepEqual(decodeOffsetRecord(Buffer.from('["c",{"server":"s"}]'), null), { connector: 'c', partition: { server: 's' }, offset: null });
  assert.equal(decodeOffsetRecord(Buffer.from('{"a":1}'), Buffer.from('{}')), undefined);
  assert.equal(decodeOffsetRecord(Buffer.from('["c"]'), Buffer.from('{}')), undefined);
  assert.equal(decodeOffsetRecord(Buffer.from('["c",{"s":1}]'), Buffer.from('[1]')), undefined);
  assert.equal(decodeOffsetRecord(Buffer.from('["c",{"s":1'), Buffer.from('{}')), undefined);
});

test('partition identity ignores key order but not values or connector', () => {
  assert.equal(partitionIdentity('c', { a: 1, b: 'x' }), partitionIdentity('c', { b: 'x', a: 1 }));
  assert.notEqual(partitionIdentity('c', { a: 1 }), partitionIdentity('d', { a: 1 }));
});
