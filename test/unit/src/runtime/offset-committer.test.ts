import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CdcError } from '../../../../src/errors/index.js';
import { createOffsetCommitter } from '../../../../src/runtime/offset-committer.js';
import type { QueuedRecord } from '../../../../src/runtime/record-queue.js';
import type { CommittedOffsets, SourcePartition } from '../../../../src/connect-api/index.js';
import { memoryOffsetStore, silentLogger } from '../../fakes/runtime.js';

const p1: SourcePartition = { server: 'a' };
const p2: SourcePartition = { server: 'b' };

function rec(partition: SourcePartition | undefined, pos: number | undefined): QueuedRecord {
  return { topic: 't', partition: undefined, key: null, value: null, headers: undefined, timestamp: undefined, sourcePartition: partition, sourceOffset: pos === undefined ? undefined : { pos }, size: 1 };
}

const backoff = { initialMs: 1, maxMs: 5 };
const unexpected = (err: unknown): void => assert.fail(`unexpected fatal error: ${String(err)}`);

test('writes the last offset per source partition among acknowledged records', async () => {
  const mem = memoryOffsetStore();
  const c = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 0, backoff, logger: silentLogger, onFatal: unexpected });
  // Same partition as a different object, and records without offsets in between.
  c.acked([rec(p1, 1), rec(p2, 10), rec({ server: 'a' }, 2), rec(undefined, undefined), rec(p2, 11), rec(p1, undefined)], 6);
  await c.flushTo(6);
  assert.deepEqual(mem.writes, [{ connector: 'c', entries: [{ partition: { server: 'a' }, offset: { pos: 2 } }, { partition: p2, offset: { pos: 11 } }] }]);
  assert.equal(c.committedCount, 6);
});

test('coalesces: one write in flight, the next carries only the newest offsets', async () => {
  const mem = memoryOffsetStore();
  const committed: CommittedOffsets[] = [];
  const c = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 0, backoff, logger: silentLogger, onFatal: unexpected, onCommitted: (o) => { committed.push(o); } });
  const release = mem.hold();
  c.acked([rec(p1, 1)], 1); // starts write #1, held
  c.acked([rec(p1, 2)], 2);
  c.acked([rec(p1, 3), rec(p2, 7)], 4);
  c.acked([rec(p1, 4)], 5);
  assert.equal(c.committedCount, 0);
  const flushed = c.flushTo(5);
  release();
  await flushed;
  assert.deepEqual(mem.writes.map((w) => w.entries.map((e) => e.offset)), [[{ pos: 1 }], [{ pos: 4 }, { pos: 7 }]]);
  assert.equal(c.committedCount, 5);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(committed.map((o) => o.entries.map((e) => e.offset)), [[{ pos: 1 }], [{ pos: 4 }, { pos: 7 }]]);
});

test('respects the flush interval unless a flush asks, and flushes resolve at once when nothing carries offsets', async () => {
  const mem = memoryOffsetStore();
  const c = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 3_600_000, backoff, logger: silentLogger, onFatal: unexpected });
  c.acked([rec(p1, 1)], 1);
  await c.flushTo(1);
  c.acked([rec(p1, 2)], 2);
  await new Promise((r) => setImmediate(r));
  assert.equal(mem.writes.length, 1, 'second write waits for the interval');
  await c.flushTo(2);
  assert.equal(mem.writes.length, 2);
  c.acked([rec(undefined, undefined)], 3);
  await c.flushTo(3);
  assert.equal(mem.writes.length, 2);
  c.close(new Error('closed'));
});

test('retriable write failures are retried with the same or newer offsets; non-retriable ones are fatal', async () => {
  const mem = memoryOffsetStore();
  let failures = 2;
  mem.failWhen(() => (failures-- > 0 ? new CdcError('KAFKA_UNAVAILABLE', 'down', { retriable: true }) : undefined));
  const c = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 0, backoff, logger: silentLogger, onFatal: unexpected });
  c.acked([rec(p1, 1)], 1);
  c.acked([rec(p2, 5)], 2);
  await c.flushTo(2);
  assert.deepEqual(mem.current.get(JSON.stringify(['c', p1])), { pos: 1 });
  assert.deepEqual(mem.current.get(JSON.stringify(['c', p2])), { pos: 5 });

  const fatal = new CdcError('KAFKA_NOT_AUTHORIZED', 'no', { retriable: false });
  mem.failWhen(() => fatal);
  let reported: unknown;
  const c2 = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 0, backoff, logger: silentLogger, onFatal: (e) => { reported = e; c2.close(e); } });
  c2.acked([rec(p1, 9)], 1);
  await assert.rejects(c2.flushTo(1), (e) => e === fatal);
  assert.equal(reported, fatal);
  assert.deepEqual(mem.current.get(JSON.stringify(['c', p1])), { pos: 1 });
});

test('after close nothing more is written and pending flushes reject', async () => {
  const mem = memoryOffsetStore();
  const c = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 3_600_000, backoff, logger: silentLogger, onFatal: unexpected });
  c.acked([rec(p1, 1)], 1);
  await c.flushTo(1);
  const pending = c.flushTo(5);
  c.close(new Error('stopped'));
  await assert.rejects(pending, /stopped/);
  c.acked([rec(p1, 2)], 2);
  await new Promise((r) => setImmediate(r));
  assert.equal(mem.writes.length, 1);
});

test('committedThrough: the records up to the last one whose offset is durable', async () => {
  const mem = memoryOffsetStore();
  const c = createOffsetCommitter({ connectorName: 'c', offsetStore: mem.store, intervalMs: 0, backoff, logger: silentLogger, onFatal: unexpected });
  c.acked([rec(p1, 1), rec(p1, 2), rec(undefined, undefined)], 3);
  await c.flushTo(3);
  assert.deepEqual([c.committedCount, c.committedThrough], [3, 2]);
  c.acked([rec(undefined, undefined), rec(p2, 5), rec(undefined, undefined)], 6);
  await c.flushTo(6);
  assert.deepEqual([c.committedCount, c.committedThrough], [6, 5]);
});
