import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyValue } from '../../../../src/storage/config-records.js';
import {
  activeTopicRecord, activeTopicTombstone, connectorStatusRecord, decodeStatusRecord, taskStatusRecord,
} from '../../../../src/storage/status-records.js';

const text = (kv: KeyValue) => [kv.key.toString('utf8'), kv.value === null ? null : kv.value.toString('utf8')];
const decode = (kv: KeyValue) => decodeStatusRecord(kv.key, kv.value);

test('connector status is byte-exact with KafkaStatusBackingStore (trace null written explicitly)', () => {
  const kv = connectorStatusRecord('inv', { state: 'RUNNING', trace: null, workerId: '10.0.0.5:8083', generation: 3 });
  assert.deepEqual(text(kv), ['status-connector-inv', '{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3}']);
  assert.deepEqual(decode(kv), { kind: 'connector', connector: 'inv', status: { state: 'RUNNING', trace: null, workerId: '10.0.0.5:8083', generation: 3 } });
});

test('task status with a multi-line trace, for a connector whose name contains dashes', () => {
  const status = { state: 'FAILED' as const, trace: 'Boom\n\tat x', workerId: 'w', generation: 0 };
  const kv = taskStatusRecord('my-db-conn', 12, status);
  assert.deepEqual(text(kv), ['status-task-my-db-conn-12', '{"state":"FAILED","trace":"Boom\\n\\tat x","worker_id":"w","generation":0}']);
  assert.deepEqual(decode(kv), { kind: 'task', connector: 'my-db-conn', task: 12, status });
});

test('active topic record (KIP-558) key and value', () => {
  const kv = activeTopicRecord({ topic: 'dbserver1.inventory.customers', connector: 'inv-conn', task: 0, discoverTimestamp: 1700000000123 });
  assert.deepEqual(text(kv), [
    'status-topic-dbserver1.inventory.customers:connector-inv-conn',
    '{"topic":{"name":"dbserver1.inventory.customers","connector":"inv-conn","task":0,"discoverTimestamp":1700000000123}}',
  ]);
  assert.deepEqual(decode(kv), { kind: 'topic', connector: 'inv-conn', topic: 'dbserver1.inventory.customers',
    active: { topic: 'dbserver1.inventory.customers', connector: 'inv-conn', task: 0, discoverTimestamp: 1700000000123 } });
});

test('connector names containing ":connector-" still split at the first separator', () => {
  assert.deepEqual(decode(activeTopicTombstone('a:connector-b', 't')), { kind: 'topic', connector: 'a:connector-b', topic: 't', active: null });
});

test('tombstones and malformed records', () => {
  assert.deepEqual(decode(connectorStatusRecord('c', null)), { kind: 'connector', connector: 'c', status: null });
  assert.deepEqual(decode(taskStatusRecord('c', 1, null)), { kind: 'task', connector: 'c', task: 1, status: null });
  assert.equal(decodeStatusRecord(Buffer.from('status-connector-c'), Buffer.from('{"state":"DANCING"}')), undefined);
  assert.equal(decodeStatusRecord(Buffer.from('status-task-c'), Buffer.from('{"state":"RUNNING"}')), undefined);
  assert.equal(decodeStatusRecord(Buffer.from('something-else'), Buffer.from('{}')), undefined);
});
