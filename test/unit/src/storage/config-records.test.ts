import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  connectorConfigRecord, connectorTombstone, decodeConfigRecord, targetStateRecord, targetStateTombstone,
  taskCommitRecord, taskConfigRecord, type KeyValue,
} from '../../../../src/storage/config-records.js';

const text = (kv: KeyValue) => [kv.key.toString('utf8'), kv.value === null ? null : kv.value.toString('utf8')];
const decode = (kv: KeyValue) => decodeConfigRecord(kv.key, kv.value);

test('connector config record is byte-exact with KafkaConfigBackingStore', () => {
  const kv = connectorConfigRecord('inventory-connector', { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': '1' });
  assert.deepEqual(text(kv), ['connector-inventory-connector', '{"properties":{"connector.class":"io.debezium.connector.mysql.MySqlConnector","tasks.max":"1"}}']);
  assert.deepEqual(decode(kv), { kind: 'connector', connector: 'inventory-connector', properties: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': '1' } });
});

test('task config and commit records', () => {
  const task = taskConfigRecord('my-conn', 3, { 'task.class': 'x' });
  assert.deepEqual(text(task), ['task-my-conn-3', '{"properties":{"task.class":"x"}}']);
  assert.deepEqual(decode(task), { kind: 'task', connector: 'my-conn', task: 3, properties: { 'task.class': 'x' } });
  const commit = taskCommitRecord('my-conn', 2);
  assert.deepEqual(text(commit), ['commit-my-conn', '{"tasks":2}']);
  assert.deepEqual(decode(commit), { kind: 'commit', connector: 'my-conn', tasks: 2 });
});

test('target state v1 record writes PAUSED for STOPPED in "state" and the real state in "state.v2"', () => {
  assert.deepEqual(text(targetStateRecord('c', 'STOPPED')), ['target-state-c', '{"state":"PAUSED","state.v2":"STOPPED"}']);
  assert.deepEqual(text(targetStateRecord('c', 'PAUSED')), ['target-state-c', '{"state":"PAUSED","state.v2":"PAUSED"}']);
  assert.deepEqual(text(targetStateRecord('c', 'STARTED')), ['target-state-c', '{"state":"STARTED","state.v2":"STARTED"}']);
  for (const s of ['STOPPED', 'PAUSED', 'STARTED'] as const) {
    assert.deepEqual(decode(targetStateRecord('c', s)), { kind: 'target-state', connector: 'c', state: s });
  }
});

test('target state written by an older worker (v0, "state" only) is read', () => {
  assert.deepEqual(decodeConfigRecord(Buffer.from('target-state-c'), Buffer.from('{"state":"PAUSED"}')),
    { kind: 'target-state', connector: 'c', state: 'PAUSED' });
});

test('tombstones decode as deletions', () => {
  assert.deepEqual(text(connectorTombstone('c')), ['connector-c', null]);
  assert.deepEqual(decode(connectorTombstone('c')), { kind: 'connector', connector: 'c', properties: null });
  assert.deepEqual(decode(targetStateTombstone('c')), { kind: 'target-state', connector: 'c', state: null });
});

test('config values with null (allowed by Connect\'s map schema) are dropped; malformed records are skipped', () => {
  assert.deepEqual(decodeConfigRecord(Buffer.from('connector-c'), Buffer.from('{"properties":{"a":"1","b":null}}')),
    { kind: 'connector', connector: 'c', properties: { a: '1' } });
  assert.equal(decodeConfigRecord(Buffer.from('connector-c'), Buffer.from('not json')), undefined);
  assert.equal(decodeConfigRecord(Buffer.from('task-c-x'), Buffer.from('{"properties":{}}')), undefined);
  assert.equal(decodeConfigRecord(Buffer.from('commit-c'), Buffer.from('{"tasks":"many"}')), undefined);
  assert.equal(decodeConfigRecord(null, Buffer.from('{}')), undefined);
});

test('records of kinds we do not use (session key, restart requests) are recognised and ignored', () => {
  assert.deepEqual(decodeConfigRecord(Buffer.from('session-key'), Buffer.from('{"key":"a","algorithm":"HmacSHA256","creation-timestamp":1}')),
    { kind: 'other', key: 'session-key' });
  assert.deepEqual(decodeConfigRecord(Buffer.from('restart-connector-c'), Buffer.from('{"include-tasks":true,"only-failed":false}')),
    { kind: 'other', key: 'restart-connector-c' });
});
