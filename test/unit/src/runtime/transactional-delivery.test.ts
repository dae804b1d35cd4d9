/**
 * Exactly-once delivery in the task runner: what a transaction holds (records, then their offsets), where it
 * may end, and what a failure or a fenced producer does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeRecord, SourceTask } from '../../../../src/connect-api/index.js';
import { CdcError } from '../../../../src/errors/index.js';
import type { OutgoingMessage } from '../../../../src/kafka/index.js';
import { startSourceTask, type SourceTaskRunnerOptions } from '../../../../src/runtime/index.js';
import type { OffsetEntry } from '../../../../src/storage/types.js';
import { controllableTask, fakeProducer, fakeTransactionalProducer, jsonConverter, memoryOffsetStore, partition, records, silentLogger } from '../../fakes/runtime.js';

const OFFSETS_TOPIC = 'offsets';

function options(task: SourceTask, tx: ReturnType<typeof fakeTransactionalProducer>, extra: Partial<SourceTaskRunnerOptions> = {}) {
  const mem = memoryOffsetStore();
  const applied: OffsetEntry[][] = [];
  const opts: SourceTaskRunnerOptions = {
    connectorName: 'conn', taskId: 0, task, config: {}, settings: {}, statusStore: null,
    keyConverter: jsonConverter, valueConverter: jsonConverter, topicCreation: null, logger: silentLogger,
    producer: fakeProducer().producer, offsetStore: mem.store, backoff: { initialMs: 1, maxMs: 2 },
    transactional: {
      producer: tx.producer,
      boundary: { kind: 'poll' },
      offsetWrite: (entries) => ({
        topic: OFFSETS_TOPIC,
        records: entries.map((e) => ({ key: Buffer.from(JSON.stringify(e.partition)), value: Buffer.from(JSON.stringify(e.offset)) })),
        applied: () => applied.push([...entries]),
      }),
    },
    ...extra,
  };
  return { opts, applied, mem };
}

/** Per transaction: the record values (n) and the offsets written in it. */
function describe(transactions: OutgoingMessage[][]) {
  return transactions.map((t) => ({
    n: t.filter((m) => m.topic !== OFFSETS_TOPIC).map((m) => JSON.parse(m.value!.toString()).n as number),
    offsets: t.filter((m) => m.topic === OFFSETS_TOPIC).map((m) => JSON.parse(m.value!.toString())),
  }));
}

/** Records like a snapshot chunk: only the last one carries an offset. */
function chunk(from: number, count: number): ChangeRecord[] {
  return records(from, count).map((r, i) => (i === count - 1 ? r : { ...r, partition: undefined, offset: undefined }));
}

test('each transaction holds records and then the newest offset among them, written to the offsets topic in it', async () => {
  const tx = fakeTransactionalProducer();
  const t = controllableTask();
  const { opts, applied } = options(t.task, tx, { maxBatchRecords: 4 });
  const running = startSourceTask(opts);
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 10));
  await ctx.sink.flush();
  assert.deepEqual(describe(tx.committed), [
    { n: [0, 1, 2, 3], offsets: [{ pos: 3 }] },
    { n: [4, 5, 6, 7], offsets: [{ pos: 7 }] },
    { n: [8, 9], offsets: [{ pos: 9 }] },
  ]);
  assert.deepEqual(applied.at(-1), [{ partition, offset: { pos: 9 } }], 'the store sees an offset once its transaction committed');
  t.finish();
  assert.deepEqual(await running.done, { outcome: 'finished' });
});

test('a transaction never ends between records that only a later offset covers (a snapshot chunk)', async () => {
  const tx = fakeTransactionalProducer();
  const t = controllableTask();
  const { opts } = options(t.task, tx, { maxBatchRecords: 4 });
  const running = startSourceTask(opts);
  const ctx = await t.ctx;
  await ctx.sink.send([...chunk(0, 6), ...chunk(6, 3)]);
  await ctx.sink.flush();
  assert.deepEqual(describe(tx.committed), [
    { n: [0, 1, 2, 3, 4, 5], offsets: [{ pos: 5 }] },
    { n: [6, 7, 8], offsets: [{ pos: 8 }] },
  ]);
  t.finish();
  await running.done;
});

test('a failed send or commit aborts the transaction and sends it again whole: nothing twice, nothing lost', async () => {
  const tx = fakeTransactionalProducer();
  tx.failWhen((call) => (call === 2 || call === 5 ? new CdcError('KAFKA_UNAVAILABLE', 'broker down', { retriable: true }) : undefined));
  const t = controllableTask();
  const { opts } = options(t.task, tx, { maxBatchRecords: 3 });
  const running = startSourceTask(opts);
  const ctx = await t.ctx;
  await ctx.sink.send(chunk(0, 8));
  await ctx.sink.flush();
  const all = describe(tx.committed).flatMap((d) => d.n);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(describe(tx.committed).at(-1)!.offsets, [{ pos: 7 }]);
  t.finish();
  await running.done;
});

test('a fenced producer fails the task; nothing it sent after the fence is committed', async () => {
  const tx = fakeTransactionalProducer();
  tx.failWhen((call) => (call >= 4 ? new CdcError('KAFKA_PRODUCER_FENCED', 'fenced', { retriable: false }) : undefined));
  const t = controllableTask();
  const { opts } = options(t.task, tx, { maxBatchRecords: 2 });
  const running = startSourceTask(opts);
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 6)).catch(() => undefined);
  const outcome = await running.done;
  assert.equal(outcome.outcome, 'failed');
  assert.equal((outcome.error as CdcError).code, 'KAFKA_PRODUCER_FENCED');
  assert.deepEqual(describe(tx.committed).flatMap((d) => d.n), [0, 1]);
});

test('interval boundary: one transaction for what arrives within the interval, committed at once on flush', async () => {
  const tx = fakeTransactionalProducer();
  const t = controllableTask();
  const { opts } = options(t.task, tx, { maxBatchRecords: 2 });
  opts.transactional!.boundary = { kind: 'interval', intervalMs: 60_000 };
  const running = startSourceTask(opts);
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 7));
  await ctx.sink.flush();
  assert.deepEqual(describe(tx.committed), [{ n: [0, 1, 2, 3, 4, 5, 6], offsets: [{ pos: 6 }] }]);
  t.finish();
  await running.done;
});
