import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecordQueue, recordSize, RECORD_OVERHEAD_BYTES, type QueuedRecord } from '../../../../src/runtime/record-queue.js';

function rec(n: number, valueBytes = 10): QueuedRecord {
  const value = Buffer.alloc(valueBytes, n % 256);
  return { topic: 't', partition: undefined, key: null, value, headers: undefined, timestamp: undefined, sourcePartition: undefined, sourceOffset: { n }, size: recordSize('t', null, value, undefined) };
}

test('record size counts key, value, headers, topic and a fixed overhead', () => {
  assert.equal(recordSize('abc', Buffer.alloc(5), Buffer.alloc(7), { h: 'xy' }), RECORD_OVERHEAD_BYTES + 3 + 5 + 7 + 1 + 2);
  assert.equal(recordSize('abc', null, null, undefined), RECORD_OVERHEAD_BYTES + 3);
});

test('take returns records in order, bounded by count and bytes, at least one', () => {
  const q = createRecordQueue(1 << 20);
  q.push(Array.from({ length: 10 }, (_, i) => rec(i)));
  const size = rec(0).size;
  assert.deepEqual(q.take(3, 1 << 20).map((r) => r.sourceOffset?.n), [0, 1, 2]);
  assert.deepEqual(q.take(100, size * 2).map((r) => r.sourceOffset?.n), [3, 4]);
  assert.deepEqual(q.take(100, 1).map((r) => r.sourceOffset?.n), [5]);
  assert.deepEqual(q.take(100, 1 << 20).map((r) => r.sourceOffset?.n), [6, 7, 8, 9]);
  assert.deepEqual(q.take(100, 1 << 20), []);
  assert.equal(q.length, 0);
});

test('bytes stay counted until released; waitForRoom resolves only once below the bound', async () => {
  const one = rec(0, 100).size;
  const q = createRecordQueue(one * 2);
  q.push([rec(0, 100), rec(1, 100), rec(2, 100)]);
  assert.equal(q.hasRoom(), false);
  let roomy = false;
  const room = q.waitForRoom().then(() => { roomy = true; });
  const batch = q.take(2, 1 << 20);
  await Promise.resolve();
  assert.equal(roomy, false, 'taking alone frees nothing: records in flight still count');
  q.release(batch[0]!.size);
  await room;
  assert.equal(roomy, true);
  assert.equal(q.bytes, one * 2);
});

test('waitForRecords resolves on push and on wakeAll', async () => {
  const q = createRecordQueue(1000);
  const waiting = q.waitForRecords();
  q.push([rec(1)]);
  await waiting;
  q.take(10, 1000);
  const woken = q.waitForRecords();
  q.wakeAll();
  await woken;
});

test('a long stream through the queue keeps order (prefix compaction)', () => {
  const q = createRecordQueue(1 << 30);
  const seen: number[] = [];
  let next = 0;
  for (let round = 0; round < 50; round++) {
    q.push(Array.from({ length: 997 }, () => rec(next++)));
    for (const r of q.take(613, 1 << 30)) seen.push(r.sourceOffset!.n as number);
  }
  while (q.length > 0) for (const r of q.take(5000, 1 << 30)) seen.push(r.sourceOffset!.n as number);
  assert.equal(seen.length, next);
  assert.ok(seen.every((n, i) => n === i));
});
