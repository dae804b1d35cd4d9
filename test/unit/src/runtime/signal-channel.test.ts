/** Records of the Kafka signal topic, as the runtime's signal channel reads them (parseSignalRecord; pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSignalRecord } from '../../../../src/runtime/index.js';

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

test('the channel hands signals to the task, starts a new consumer after a fatal error, and stops it on close', async () => {
  const { openKafkaSignalChannel } = await import('../../../../src/runtime/index.js');
  const { pino } = await import('pino');
  type Started = { onRecord: (k: Buffer | null, v: Buffer | null, p: number, o: number) => void | Promise<void>; onFatal?: (e: unknown) => void; stopped: boolean };
  const consumers: Started[] = [];
  const ensured: string[] = [];
  const delivered: string[] = [];
  const channel = openKafkaSignalChannel({
    kafka: {
      ensureTopic: async (name) => { ensured.push(name); return true; },
      consumeGroup: async (o) => {
        assert.equal(o.groupId, 'g');
        const c: Started = { onRecord: o.onRecord, onFatal: o.onFatal, stopped: false };
        consumers.push(c);
        return { stop: async () => { c.stopped = true; } };
      },
    },
    topic: 'inv-signal', groupId: 'g', topicPrefix: 'inv', logger: pino({ level: 'silent' }),
    backoff: { initialMs: 1, maxMs: 5 },
    deliver: (cmd) => { delivered.push(`${cmd.kind}:${cmd.id}`); return cmd.kind === 'resume' ? 'not paused' : null; },
  });
  const until = async (cond: () => boolean) => { for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2)); assert.ok(cond()); };
  await until(() => consumers.length === 1);
  assert.deepEqual(ensured, ['inv-signal']);
  await consumers[0]!.onRecord(b('inv'), b({ id: 's1', type: 'pause-snapshot' }), 0, 0);
  await consumers[0]!.onRecord(b('other'), b({ id: 's2', type: 'pause-snapshot' }), 0, 1);
  consumers[0]!.onFatal!(new Error('boom'));
  await until(() => consumers.length === 2);
  assert.equal(consumers[0]!.stopped, true, 'the failed consumer is stopped before a new one starts');
  await consumers[1]!.onRecord(b('inv'), b({ id: 's3', type: 'resume-snapshot' }), 0, 2);
  await channel.close();
  assert.equal(consumers[1]!.stopped, true);
  assert.deepEqual(delivered, ['pause:s1', 'resume:s3']);
});
