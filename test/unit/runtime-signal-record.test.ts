/** Records of the Kafka signal topic, as the runtime's signal channel reads them (parseSignalRecord; pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSignalRecord } from '../../src/runtime/index.js';

const b = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

test('a record keyed by the topic.prefix (plain or JSON string) is a signal; the id is the value\'s or kafka-<partition>-<offset>', () => {
  const exec = { type: 'execute-snapshot', data: { 'data-collections': ['inventory.customers'] } };
  assert.deepEqual(parseSignalRecord(b('inv'), b(exec), 0, 7, 'inv'), {
    kind: 'signal', id: 'kafka-0-7', type: 'execute-snapshot',
    parsed: { ok: true, command: { kind: 'execute', id: 'kafka-0-7', dataCollections: ['inventory.customers'], conditions: {}, surrogateKey: null } },
  });
  const pause = parseSignalRecord(b('"inv"'), b({ id: 'p-1', type: 'pause-snapshot' }), 2, 3, 'inv');
  assert.deepEqual(pause, { kind: 'signal', id: 'p-1', type: 'pause-snapshot', parsed: { ok: true, command: { kind: 'pause', id: 'p-1' } } });
  // data as a JSON string, as the signal table holds it
  const stringData = parseSignalRecord(b('inv'), b({ type: 'stop-snapshot', data: '{"data-collections": ["a.b"]}' }), 0, 1, 'inv');
  assert.deepEqual(stringData.kind === 'signal' && stringData.parsed, { ok: true, command: { kind: 'stop', id: 'kafka-0-1', dataCollections: ['a.b'] } });
});

test('other keys are another connector\'s; other types are ignored; broken values are invalid', () => {
  assert.deepEqual(parseSignalRecord(b('other'), b({ type: 'execute-snapshot' }), 0, 0, 'inv'), { kind: 'other-key' });
  assert.deepEqual(parseSignalRecord(null, b({ type: 'execute-snapshot' }), 0, 0, 'inv'), { kind: 'other-key' });
  assert.deepEqual(parseSignalRecord(b('inv'), b({ type: 'log', data: { message: 'x' } }), 0, 4, 'inv'),
    { kind: 'signal', id: 'kafka-0-4', type: 'log', parsed: { ok: 'ignored', type: 'log' } });
  assert.deepEqual(parseSignalRecord(b('inv'), b('not json'), 0, 5, 'inv'), { kind: 'invalid', id: 'kafka-0-5', error: 'the record value is not JSON' });
  assert.equal(parseSignalRecord(b('inv'), null, 0, 6, 'inv').kind, 'invalid');
  assert.deepEqual(parseSignalRecord(b('inv'), b({ id: 'x', data: {} }), 0, 6, 'inv'), { kind: 'invalid', id: 'x', error: 'the record value has no "type"' });
  const bad = parseSignalRecord(b('inv'), b({ type: 'execute-snapshot', data: { 'data-collections': 'a.b' } }), 0, 8, 'inv');
  assert.equal(bad.kind === 'signal' && bad.parsed.ok, false);
});
