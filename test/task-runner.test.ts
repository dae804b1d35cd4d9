/**
 * The source task runner against a real Kafka: records arrive in order, offsets land in the offsets topic in
 * Connect's exact bytes only for delivered records, a restarted task resumes where the last one committed, and
 * failures (a task's own, or Kafka refusing a record) report the task as failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createJsonConverter } from '../schemas/json-converter.js';
import type { ChangeRecord, SourcePartition, SourceTask, SourceTaskContext } from '../src/connect-api/index.js';
import { createKafkaClient, plaintextConnection, type KafkaClient, type RecordProducer } from '../src/kafka/index.js';
import { startSourceTask, type RunningTask } from '../src/runtime/index.js';
import {
  createKafkaOffsetStore, createKafkaStatusStore, type KafkaOffsetStore, type KafkaStatusStore,
} from '../src/storage/index.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';

const logger = pino({ level: 'warn' });
const keyConverter = createJsonConverter({ schemasEnable: false, isKey: true });
const valueConverter = createJsonConverter({ schemasEnable: false, isKey: false });
const s1: SourcePartition = { server: 's1' };
const s2: SourcePartition = { server: 's2' };

interface Row { key: string | null; value: string | null; partition: number; offset: number }

describe('source task runner with Kafka', () => {
  let kafka: KafkaClient;
  let offsetStore: KafkaOffsetStore;
  let statusStore: KafkaStatusStore;
  const offsetsTopic = uniqueName('runner_offsets');
  const statusTopic = uniqueName('runner_status');
  const topics: string[] = [offsetsTopic, statusTopic];
  const producers: RecordProducer[] = [];

  before(async () => {
    const s = await testServices();
    kafka = createKafkaClient({ connection: plaintextConnection(s.kafkaBrokers), clientId: 'task-runner-test', logger });
    offsetStore = createKafkaOffsetStore(kafka, { topic: offsetsTopic, replicationFactor: -1 });
    statusStore = createKafkaStatusStore(kafka, { topic: statusTopic, replicationFactor: -1 });
    await Promise.all([offsetStore.start(), statusStore.start()]);
  });

  after(async () => {
    await Promise.all(producers.map((p) => p.disconnect()));
    await offsetStore.stop();
    await statusStore.stop();
    const existing = new Set(await kafka.listTopics());
    await kafka.deleteTopics(topics.filter((t) => existing.has(t)));
    await kafka.close();
  });

  async function readAll(topic: string): Promise<Row[]> {
    const rows: Row[] = [];
    await kafka.readToEnd(topic, (k, v, partition, offset) => rows.push({ key: k?.toString() ?? null, value: v?.toString() ?? null, partition, offset }));
    return rows;
  }

  function run(connectorName: string, task: SourceTask, topicConfigs: Record<string, string> = {}): RunningTask {
    const producer = kafka.createProducer();
    producers.push(producer);
    return startSourceTask({
      connectorName, taskId: 0, task, config: {}, settings: {}, producer, offsetStore, statusStore, admin: kafka,
      keyConverter, valueConverter, topicCreation: { partitions: 1, replicationFactor: -1, configs: topicConfigs },
      logger, offsetFlushIntervalMs: 200, maxBatchRecords: 500,
    });
  }

  /** Row i: key {"id": i % 50}, value {"n": i}, alternating between two source partitions. */
  function rows(topic: string, from: number, count: number): ChangeRecord[] {
    const out: ChangeRecord[] = [];
    for (let i = from; i < from + count; i++) {
      out.push({ topic, keySchema: null, key: { id: i % 50 }, valueSchema: null, value: { n: i }, partition: i % 2 === 0 ? s1 : s2, offset: { pos: i } });
    }
    return out;
  }

  /** Resumes after the highest committed position and emits up to `until`, then flushes and returns. */
  function countingTask(topic: string, until: number, onStart?: (ctx: SourceTaskContext) => void): SourceTask {
    return {
      async run(ctx) {
        onStart?.(ctx);
        const last = Math.max(Number(ctx.offsets.offset(s1)?.pos ?? -1), Number(ctx.offsets.offset(s2)?.pos ?? -1));
        for (let i = last + 1; i < until && !ctx.signal.aborted; i += 100) await ctx.sink.send(rows(topic, i, Math.min(100, until - i)));
        await ctx.sink.flush();
      },
    };
  }

  it('delivers records in order, commits offsets in Connect\'s bytes, records the active topic; a restart resumes with no gap', async () => {
    const conn = uniqueName('conn');
    const out = uniqueName('runner_out');
    topics.push(out);
    const first = run(conn, countingTask(out, 3000), { 'cleanup.policy': 'compact' });
    assert.deepEqual(await first.done, { outcome: 'finished' });
    assert.deepEqual(first.stats(), { sent: 3000, acked: 3000, committed: 3000, queuedBytes: 0, skipped: 0 });

    const second = run(conn, countingTask(out, 5000));
    assert.deepEqual(await second.done, { outcome: 'finished' });

    const delivered = await readAll(out);
    assert.deepEqual(delivered.map((r) => JSON.parse(r.value!).n), Array.from({ length: 5000 }, (_, i) => i), 'every record once, in order');
    assert.equal(delivered[7]!.key, '{"id":7}');
    assert.equal((await kafka.highWatermarks(out)).size, 1, 'created by topic.creation with 1 partition');
    assert.equal((await kafka.topicConfigs(out))['cleanup.policy'], 'compact');
    assert.deepEqual(statusStore.activeTopics(conn), [out]);

    const offsets = (await readAll(offsetsTopic)).filter((r) => r.key!.startsWith(`["${conn}"`));
    const byKey = new Map<string, string[]>();
    for (const r of offsets) byKey.set(r.key!, [...(byKey.get(r.key!) ?? []), r.value!]);
    assert.deepEqual([...byKey.keys()].sort(), [`["${conn}",{"server":"s1"}]`, `["${conn}",{"server":"s2"}]`]);
    assert.equal(byKey.get(`["${conn}",{"server":"s1"}]`)!.at(-1), '{"pos":4998}');
    assert.equal(byKey.get(`["${conn}",{"server":"s2"}]`)!.at(-1), '{"pos":4999}');
    for (const values of byKey.values()) {
      const positions = values.map((v) => JSON.parse(v).pos as number);
      assert.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]!), 'committed offsets only move forward');
    }
  });

  it('commitOffset commits an offset no record carries, in order after what was sent, and produces nothing', async () => {
    const conn = uniqueName('conn');
    const out = uniqueName('runner_mark');
    topics.push(out);
    let committedAtMark: unknown;
    const task: SourceTask = {
      async run(ctx) {
        await ctx.sink.commitOffset(s1, { pos: -10, mark: true });
        committedAtMark = offsetStore.offset(conn, s1);
        await ctx.sink.send(rows(out, 0, 100));
        await ctx.sink.commitOffset(s2, { pos: 1000, mark: true });
      },
    };
    const r = run(conn, task);
    assert.deepEqual(await r.done, { outcome: 'finished' });
    assert.deepEqual(committedAtMark, { pos: -10, mark: true }, 'durable when commitOffset resolves');
    assert.deepEqual(offsetStore.offset(conn, s1), { pos: 98 });
    assert.deepEqual(offsetStore.offset(conn, s2), { pos: 1000, mark: true });
    assert.deepEqual((await readAll(out)).map((x) => JSON.parse(x.value!).n), Array.from({ length: 100 }, (_, i) => i), 'only real records in Kafka');
    assert.deepEqual(statusStore.activeTopics(conn), [out]);
  });

  it('stop() mid-stream commits what was delivered; the restarted task continues without a gap', async () => {
    const conn = uniqueName('conn');
    const out = uniqueName('runner_stream');
    topics.push(out);
    const endless: SourceTask = {
      async run(ctx) {
        for (let i = 0; !ctx.signal.aborted; i += 100) await ctx.sink.send(rows(out, i, 100));
      },
    };
    const first = run(conn, endless);
    await waitFor(() => first.stats().committed >= 2000, { message: 'first task commits some offsets' });
    await first.stop();
    assert.deepEqual(await first.done, { outcome: 'stopped' });
    const sent = first.stats().sent;
    assert.equal(first.stats().committed, sent, 'stop delivered and committed everything that was sent');

    const second = run(conn, countingTask(out, sent + 1000));
    assert.deepEqual(await second.done, { outcome: 'finished' });
    const values = (await readAll(out)).map((r) => JSON.parse(r.value!).n as number);
    assert.deepEqual(values, Array.from({ length: sent + 1000 }, (_, i) => i));
  });

  it('a task whose run() throws is reported failed with that error', async () => {
    const conn = uniqueName('conn');
    const out = uniqueName('runner_fail');
    topics.push(out);
    const boom = new Error('source went away');
    const failing: SourceTask = {
      async run(ctx) {
        await ctx.sink.send(rows(out, 0, 10));
        throw boom;
      },
    };
    const running = run(conn, failing);
    assert.deepEqual(await running.done, { outcome: 'failed', error: boom });
    assert.equal((await readAll(out)).length, 10, 'what it sent before failing is delivered');
  });

  it('a record larger than the topic accepts fails the task (not retried forever); its offset is never committed', async () => {
    const conn = uniqueName('conn');
    const out = uniqueName('runner_big');
    topics.push(out);
    const big: SourceTask = {
      async run(ctx) {
        await ctx.sink.send(rows(out, 0, 10));
        await ctx.sink.flush();
        await ctx.sink.send([{ topic: out, keySchema: null, key: { id: 1 }, valueSchema: null, value: { n: 10, blob: 'x'.repeat(20_000) }, partition: s1, offset: { pos: 10 } }]);
        await ctx.sink.flush();
      },
    };
    const running = run(conn, big, { 'max.message.bytes': '4096' });
    const outcome = await running.done;
    assert.equal(outcome.outcome, 'failed');
    assert.equal((outcome.error as { code?: string }).code, 'KAFKA_RECORD_TOO_LARGE');
    assert.equal((outcome.error as { retriable?: boolean }).retriable, false);
    assert.match((outcome.error as { fix?: string }).fix ?? '', /max\.message\.bytes/);
    assert.deepEqual(offsetStore.offset(conn, s1), { pos: 8 });
  });
});
