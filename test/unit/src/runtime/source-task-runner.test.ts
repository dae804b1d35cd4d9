import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommittedOffsets, SourceTask } from '../../../../src/connect-api/index.js';
import { CdcError } from '../../../../src/errors/index.js';
import type { TopicSpec } from '../../../../src/kafka/index.js';
import { RecordConversionError, startSourceTask, type SourceTaskRunnerOptions } from '../../../../src/runtime/index.js';
import { controllableTask, fakeProducer, jsonConverter, memoryOffsetStore, partition, records, silentLogger } from '../../fakes/runtime.js';

function options(task: SourceTask, extra: Partial<SourceTaskRunnerOptions> & Pick<SourceTaskRunnerOptions, 'producer' | 'offsetStore'>): SourceTaskRunnerOptions {
  return {
    connectorName: 'conn', taskId: 0, task, config: {}, settings: {}, statusStore: null,
    keyConverter: jsonConverter, valueConverter: jsonConverter, topicCreation: null, logger: silentLogger,
    offsetFlushIntervalMs: 0, backoff: { initialMs: 1, maxMs: 5 }, ...extra,
  };
}

const values = (messages: Array<{ value: { toString(): string } | null }>) => messages.map((m) => JSON.parse(m.value!.toString()).n as number);
const retriable = () => new CdcError('KAFKA_UNAVAILABLE', 'broker down', { retriable: true });

test('delivers in send order, in bounded batches, and commits an offset only once its record is acknowledged', async () => {
  const fp = fakeProducer('manual');
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, maxBatchRecords: 10 }));
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 25));
  const flushed = ctx.sink.flush();
  const first = await fp.nextSend();
  assert.deepEqual(values(first.messages), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(mem.writes.length, 0, 'nothing acknowledged, nothing committed');
  first.resolve();
  const second = await fp.nextSend();
  assert.deepEqual(mem.writes.at(-1)?.entries, [{ partition, offset: { pos: 9 } }]);
  assert.deepEqual(ctx.offsets.offset(partition), { pos: 9 });
  second.resolve();
  const third = await fp.nextSend();
  assert.deepEqual(values(third.messages), [20, 21, 22, 23, 24]);
  third.resolve();
  await flushed;
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 24 });
  assert.deepEqual(values(fp.delivered), Array.from({ length: 25 }, (_, i) => i));
  t.finish();
  assert.deepEqual(await running.done, { outcome: 'finished' });
});

test('backpressure: send resolves only once acknowledged records free room in the byte-bounded queue', async () => {
  const fp = fakeProducer('manual');
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, maxQueueBytes: 500, maxBatchRecords: 2 }));
  const ctx = await t.ctx;
  let resolved = false;
  const sending = ctx.sink.send(records(0, 10)).then(() => { resolved = true; });
  assert.ok(running.stats().queuedBytes > 500);
  const first = await fp.nextSend();
  await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false, 'queue still over its bound');
  first.resolve();
  while (!resolved) (await fp.nextSend()).resolve();
  await sending;
  assert.ok(running.stats().queuedBytes <= 500);
  const stopped = running.stop();
  for (;;) {
    const next = await Promise.race([fp.nextSend(), stopped.then(() => undefined)]);
    if (!next) break;
    next.resolve();
  }
  assert.deepEqual(await running.done, { outcome: 'stopped' });
  assert.deepEqual(values(fp.delivered), Array.from({ length: 10 }, (_, i) => i));
});

test('retriable producer failures are retried: nothing lost, nothing reordered', async () => {
  const fp = fakeProducer('auto');
  fp.failWhen((attempt) => (attempt % 3 !== 0 ? retriable() : undefined));
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, maxBatchRecords: 7 }));
  const ctx = await t.ctx;
  for (let i = 0; i < 10; i++) await ctx.sink.send(records(i * 10, 10));
  await ctx.sink.flush();
  assert.deepEqual(values(fp.delivered), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 99 });
  await running.stop();
});

test('a non-retriable producer error fails the task; later sends and flushes reject; no offset for unacked records', async () => {
  const fp = fakeProducer('auto');
  const fatal = new CdcError('KAFKA_RECORD_TOO_LARGE', 'too large', { retriable: false });
  fp.failWhen((attempt) => (attempt >= 2 ? fatal : undefined));
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, maxBatchRecords: 5 }));
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 5));
  await ctx.sink.flush();
  await ctx.sink.send(records(5, 5)).catch(() => undefined);
  const outcome = await running.done;
  assert.equal(outcome.outcome, 'failed');
  assert.equal(outcome.error, fatal);
  assert.equal(ctx.signal.aborted, true, 'the task is told to stop');
  await assert.rejects(ctx.sink.send(records(10, 1)), (e) => e === fatal);
  await assert.rejects(ctx.sink.flush(), (e) => e === fatal);
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 4 });
});

test('run() throwing fails the task with its error, after delivering what it queued', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  const boom = new CdcError('POSITION_LOST', 'binlog gone', { retriable: false });
  const task: SourceTask = {
    async run(ctx) {
      await ctx.sink.send(records(0, 3));
      throw boom;
    },
  };
  const running = startSourceTask(options(task, { producer: fp.producer, offsetStore: mem.store }));
  assert.deepEqual(await running.done, { outcome: 'failed', error: boom });
  assert.equal(fp.delivered.length, 3);
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 2 });
});

test('run() returning on its own finishes after everything is delivered and committed', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  const task: SourceTask = { async run(ctx) { await ctx.sink.send(records(0, 50)); } };
  const running = startSourceTask(options(task, { producer: fp.producer, offsetStore: mem.store, offsetFlushIntervalMs: 3_600_000 }));
  assert.deepEqual(await running.done, { outcome: 'finished' });
  assert.equal(fp.delivered.length, 50);
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 49 });
});

test('stop(): aborts the task, delivers the queue, commits, and reports stopped', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  const committed: CommittedOffsets[] = [];
  const t = controllableTask({ committed: (o) => { committed.push(o); } });
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, offsetFlushIntervalMs: 3_600_000 }));
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 20));
  await running.stop();
  assert.equal(ctx.signal.aborted, true);
  assert.deepEqual(await running.done, { outcome: 'stopped' });
  assert.equal(fp.delivered.length, 20);
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 19 });
  assert.deepEqual(committed.at(-1)?.entries, [{ partition, offset: { pos: 19 } }]);
});

test('stop timeout: undelivered records are dropped and their offsets never written', async () => {
  const fp = fakeProducer('manual');
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, stopTimeoutMs: 20, maxBatchRecords: 5 }));
  const ctx = await t.ctx;
  await ctx.sink.send(records(0, 10));
  (await fp.nextSend()).resolve();
  await fp.nextSend(); // second batch hangs: Kafka never answers
  await running.stop();
  assert.deepEqual(await running.done, { outcome: 'stopped' });
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 4 });
  assert.equal(mem.writes.length, 1);
});

test('after stop, a send is refused once the queue is full, and so is every later one (what is queued stays a prefix)', async () => {
  const fp = fakeProducer('manual');
  const mem = memoryOffsetStore();
  const task: SourceTask = {
    async run(ctx) {
      await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
      // A task that fires several sends after the abort without waiting for each.
      await Promise.all([0, 1, 2, 3, 4].map((i) => ctx.sink.send(records(i * 4, 4))));
    },
  };
  const running = startSourceTask(options(task, { producer: fp.producer, offsetStore: mem.store, maxQueueBytes: 300, stopTimeoutMs: 60_000 }));
  const stopped = running.stop();
  const seen: number[] = [];
  for (;;) {
    const next = await Promise.race([fp.nextSend(), stopped.then(() => undefined)]);
    if (!next) break;
    seen.push(...values(next.messages));
    next.resolve();
  }
  assert.deepEqual(await running.done, { outcome: 'stopped' });
  assert.deepEqual(seen, [0, 1, 2, 3], 'the first send (queued while there was room) is delivered, nothing after it');
  assert.deepEqual(mem.current.get(JSON.stringify(['conn', partition])), { pos: 3 });
});

test('conversion happens in the caller\'s turn; a converter error rejects send with a RecordConversionError', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const broken = { fromConnectData: () => { throw new TypeError('cannot encode'); } };
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, valueConverter: broken }));
  const ctx = await t.ctx;
  let thrownSync = false;
  const sending = (() => {
    try {
      return ctx.sink.send(records(0, 1));
    } catch {
      thrownSync = true;
      return Promise.resolve();
    }
  })();
  assert.equal(thrownSync, false);
  await assert.rejects(sending, (e) => e instanceof RecordConversionError && e.code === 'RECORD_CONVERSION_FAILED' && !e.retriable);
  assert.equal(running.stats().sent, 0);
  t.throwError(await sending.catch((e: unknown) => e));
  assert.equal((await running.done).outcome, 'failed');
});

test('output topics are created once (topic.creation) and recorded once as active topics', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  const created: Array<[string, TopicSpec]> = [];
  const active: string[] = [];
  const spec: TopicSpec = { partitions: 3, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } };
  const task: SourceTask = {
    async run(ctx) {
      await ctx.sink.send([...records(0, 3, 'a'), ...records(3, 3, 'b')]);
      await ctx.sink.send([...records(6, 3, 'a'), ...records(9, 1, 'c')]);
      await ctx.sink.flush();
    },
  };
  const running = startSourceTask(options(task, {
    producer: fp.producer, offsetStore: mem.store, topicCreation: spec, maxBatchRecords: 2,
    admin: { ensureTopic: async (name, s) => { created.push([name, s]); return true; } },
    statusStore: { putActiveTopic: async (connector, topic, taskId) => { active.push(`${connector}/${topic}/${taskId}`); } },
  }));
  assert.deepEqual(await running.done, { outcome: 'finished' });
  assert.deepEqual(created, [['a', spec], ['b', spec], ['c', spec]]);
  assert.deepEqual(active, ['conn/a/0', 'conn/b/0', 'conn/c/0']);
  assert.deepEqual(fp.delivered.map((m) => m.topic).join(''), 'aaabbbaaac');
});

test('progress reports are kept and forwarded', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  const forwarded: unknown[] = [];
  const task: SourceTask = { async run(ctx) { ctx.reportProgress({ phase: 'snapshot', table: 'customers', rows: 10 }); } };
  const running = startSourceTask(options(task, { producer: fp.producer, offsetStore: mem.store, onProgress: (p) => forwarded.push(p) }));
  await running.done;
  assert.deepEqual(running.progress(), { phase: 'snapshot', table: 'customers', rows: 10 });
  assert.deepEqual(forwarded, [{ phase: 'snapshot', table: 'customers', rows: 10 }]);
});

test('done waits until the task has handled its last committed offsets', async () => {
  const fp = fakeProducer('auto');
  const mem = memoryOffsetStore();
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let called!: () => void;
  const calledOnce = new Promise<void>((r) => { called = r; });
  const handled: CommittedOffsets[] = [];
  const task: SourceTask = {
    async run(ctx) { await ctx.sink.send(records(0, 3)); },
    async committed(offsets) {
      called();
      await gate;
      handled.push(offsets);
    },
  };
  const running = startSourceTask(options(task, { producer: fp.producer, offsetStore: mem.store }));
  let finished = false;
  void running.done.then(() => { finished = true; });
  await calledOnce;
  await new Promise((r) => setImmediate(r));
  assert.equal(finished, false, 'not done while committed() is still running');
  release();
  assert.deepEqual(await running.done, { outcome: 'finished' });
  assert.deepEqual(handled.at(-1)?.entries, [{ partition, offset: { pos: 2 } }]);
});

test('maxUncommittedRecords: Kafka never holds more records past the durable offset, even with commits an hour apart', async () => {
  const fp = fakeProducer('manual');
  const mem = memoryOffsetStore();
  const t = controllableTask();
  const running = startSourceTask(options(t.task, { producer: fp.producer, offsetStore: mem.store, offsetFlushIntervalMs: 3_600_000, maxUncommittedRecords: 5, maxBatchRecords: 3 }));
  const ctx = await t.ctx;
  // Like a snapshot: only every 3rd record carries an offset (a chunk's last), a restart resumes after it.
  const sent = records(0, 30).map((r) => (r.value as { n: number }).n % 3 === 2 ? r : { ...r, offset: undefined });
  const sending = ctx.sink.send(sent);
  let inKafka = 0;
  while (inKafka < 30) {
    const batch = await fp.nextSend();
    const durable = mem.current.get(JSON.stringify(['conn', partition])) as { pos: number } | undefined;
    const resumeAt = durable === undefined ? 0 : durable.pos + 1;
    inKafka += batch.messages.length;
    // A crash now re-sends from resumeAt: at most the bound, as the tail after the last offset (2) plus a batch (3) fits in it.
    assert.ok(inKafka - resumeAt <= 5, `${inKafka - resumeAt} records past the durable offset`);
    batch.resolve();
  }
  await sending;
  assert.ok(mem.writes.length >= 5, 'commits came from the bound, not the interval');
  t.finish();
  assert.deepEqual(await running.done, { outcome: 'finished' });
});
