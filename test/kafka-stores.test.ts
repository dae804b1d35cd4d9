/**
 * The Kafka adapter and the Connect-format stores against a real broker: topics are created compacted, state
 * survives a "worker restart" (a new store on the same topic), and the bytes in the topics are Connect's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { kafkaToolOutput } from '../scripts/testbed/index.js';
import { createKafkaClient, plaintextConnection, KafkaError, translateKafkaError, type KafkaClient } from '../src/kafka/index.js';
import { CdcError } from '../src/errors/index.js';
import {
  createKafkaConfigStore, createKafkaOffsetStore, createKafkaStatusStore, StorageTopicError,
} from '../src/storage/index.js';
import { testServices, uniqueName } from './harness/services.js';

const logger = pino({ level: 'warn' });

async function readAll(kafka: KafkaClient, topic: string): Promise<Array<{ key: string | null; value: string | null; partition: number; offset: number }>> {
  const out: Array<{ key: string | null; value: string | null; partition: number; offset: number }> = [];
  await kafka.readToEnd(topic, (k, v, partition, offset) => out.push({ key: k?.toString('utf8') ?? null, value: v?.toString('utf8') ?? null, partition, offset }));
  return out;
}

describe('kafka adapter and stores', () => {
  let kafka: KafkaClient;
  const topics: string[] = [];
  const topic = (prefix: string) => {
    const name = uniqueName(prefix);
    topics.push(name);
    return name;
  };

  before(async () => {
    const s = await testServices();
    kafka = createKafkaClient({ connection: plaintextConnection(s.kafkaBrokers), clientId: 'kafka-stores-test', logger });
  });

  after(async () => {
    const existing = new Set(await kafka.listTopics());
    await kafka.deleteTopics(topics.filter((t) => existing.has(t)));
    await kafka.close();
  });

  describe('adapter', () => {
    it('ensureTopic creates once and tolerates an existing topic; readToEnd of an empty topic returns', async () => {
      const t = topic('adapter_empty');
      assert.equal(await kafka.ensureTopic(t, { partitions: 3, replicationFactor: -1 }), true);
      assert.equal(await kafka.ensureTopic(t, { partitions: 3, replicationFactor: -1 }), false);
      assert.equal(await kafka.topicExists(t), true);
      assert.deepEqual([...(await kafka.highWatermarks(t)).entries()].sort(), [[0, 0], [1, 0], [2, 0]]);
      assert.deepEqual(await readAll(kafka, t), []);
    });

    it('keeps per-partition order across sends and topics; keyed records land by murmur2 like Java', async () => {
      const a = topic('adapter_a');
      const b = topic('adapter_b');
      await kafka.ensureTopic(a, { partitions: 4, replicationFactor: -1 });
      await kafka.ensureTopic(b, { partitions: 1, replicationFactor: -1 });
      const producer = kafka.createProducer();
      try {
        const sends: Promise<void>[] = [];
        for (let batch = 0; batch < 5; batch++) {
          const messages = [];
          for (let i = 0; i < 200; i++) {
            const n = batch * 200 + i;
            messages.push({ topic: a, key: Buffer.from(`k${n % 7}`), value: Buffer.from(String(n)) });
            messages.push({ topic: b, key: null, value: Buffer.from(String(n)), headers: { h: 'v' }, timestamp: 1_600_000_000_000 + n });
          }
          sends.push(producer.send(messages)); // not awaited one by one: the producer serialises calls
        }
        await Promise.all(sends);
      } finally {
        await producer.disconnect();
      }
      const ra = await readAll(kafka, a);
      assert.equal(ra.length, 1000);
      const lastPerKey = new Map<string, number>();
      const partitionOfKey = new Map<string, number>();
      for (const r of ra) {
        const n = Number(r.value);
        assert.ok(n > (lastPerKey.get(r.key!) ?? -1), `records of key ${r.key} out of order`);
        lastPerKey.set(r.key!, n);
        assert.equal(partitionOfKey.get(r.key!) ?? r.partition, r.partition);
        partitionOfKey.set(r.key!, r.partition);
      }
      // Same partition as Java's murmur2 partitioner: toPositive(murmur2(bytes)) % partitions.
      assert.equal(partitionOfKey.get('k0'), javaPartition(Buffer.from('k0'), 4));
      const rb = await readAll(kafka, b);
      assert.deepEqual(rb.map((r) => Number(r.value)), Array.from({ length: 1000 }, (_, i) => i));
    });

    it('keyed records land on the partitions Kafka\'s own Java producer picks for the same keys', async (t) => {
      const ours = topic('part_ours');
      const java = topic('part_java');
      for (const name of [ours, java]) await kafka.ensureTopic(name, { partitions: 7, replicationFactor: -1 });
      // Lengths 1..40 (every tail length of murmur2), bytes above 0x7f, and many more than 7 keys.
      const keys = Array.from({ length: 120 }, (_, i) => `${'é€k'.repeat(i % 5)}key-${i}-${'x'.repeat(i % 13)}`);
      const run = kafkaToolOutput('org.apache.kafka.tools.ConsoleProducer', [
        '--bootstrap-server', (await testServices()).kafkaBrokers.join(','), '--topic', java,
        '--property', 'parse.key=true', '--property', 'key.separator=\t',
      ], keys.map((k) => `${k}\tv`).join('\n') + '\n');
      if (run === null) return t.skip('Kafka\'s Java tools are not available with these services');
      assert.equal(run.status, 0, run.out);
      const producer = kafka.createProducer();
      await producer.send(keys.map((k) => ({ topic: ours, key: Buffer.from(k), value: Buffer.from('v') })));
      await producer.disconnect();
      const partitions = async (name: string) => new Map((await readAll(kafka, name)).map((r) => [r.key, r.partition]));
      const javaPartitions = await partitions(java);
      assert.equal(javaPartitions.size, keys.length);
      assert.deepEqual(await partitions(ours), javaPartitions);
      assert.ok(new Set(javaPartitions.values()).size === 7, 'the keys spread over every partition');
    });

    it('translates an unreachable broker into a retriable KafkaError with a fix', async () => {
      const down = createKafkaClient({ connection: plaintextConnection(['127.0.0.1:1']), clientId: 'down', logger, retries: 1, connectTimeoutMs: 500 });
      await assert.rejects(down.listTopics(), (err: unknown) => {
        assert.ok(err instanceof KafkaError);
        assert.equal(err.code, 'KAFKA_UNAVAILABLE');
        assert.equal(err.retriable, true);
        assert.match(err.fix ?? '', /bootstrap\.servers/);
        return true;
      });
      await down.close();
    });
  });

  describe('config store', () => {
    it('persists connector/task configs and target states in Connect\'s records; a restarted store sees them', async () => {
      const t = topic('configs');
      const store = createKafkaConfigStore(kafka, { topic: t, replicationFactor: -1 });
      await store.start();
      await store.putConnectorConfig('inv', { 'connector.class': 'MySql', 'tasks.max': '1' }, 'PAUSED');
      await store.putTaskConfigs('inv', [{ 'task.class': 'T', n: '0' }, { 'task.class': 'T', n: '1' }]);
      await store.putConnectorConfig('gone', { 'connector.class': 'Pg' });
      await store.removeConnector('gone');
      await store.putTargetState('inv', 'STOPPED');
      assert.deepEqual(store.connectorNames(), ['inv']);
      await store.stop();

      const again = createKafkaConfigStore(kafka, { topic: t, replicationFactor: -1 });
      await again.start();
      assert.deepEqual(again.connectorNames(), ['inv']);
      assert.deepEqual(again.connectorConfig('inv'), { 'connector.class': 'MySql', 'tasks.max': '1' });
      assert.deepEqual(again.taskConfigs('inv'), [{ 'task.class': 'T', n: '0' }, { 'task.class': 'T', n: '1' }]);
      assert.equal(again.targetState('inv'), 'STOPPED');
      assert.equal(again.connectorConfig('gone'), undefined);
      assert.equal(again.targetState('gone'), undefined);
      await again.stop();

      assert.equal((await kafka.topicConfigs(t))['cleanup.policy'], 'compact');
      assert.equal((await kafka.highWatermarks(t)).size, 1);
      assert.deepEqual((await readAll(kafka, t)).map((r) => [r.key, r.value]), [
        ['target-state-inv', '{"state":"PAUSED","state.v2":"PAUSED"}'],
        ['connector-inv', '{"properties":{"connector.class":"MySql","tasks.max":"1"}}'],
        ['task-inv-0', '{"properties":{"task.class":"T","n":"0"}}'],
        ['task-inv-1', '{"properties":{"task.class":"T","n":"1"}}'],
        ['commit-inv', '{"tasks":2}'],
        ['connector-gone', '{"properties":{"connector.class":"Pg"}}'],
        ['connector-gone', null],
        ['target-state-gone', null],
        ['target-state-inv', '{"state":"PAUSED","state.v2":"STOPPED"}'],
      ]);
    });

    it('task configs without their commit record are not applied (as in Connect)', async () => {
      const t = topic('configs_uncommitted');
      const store = createKafkaConfigStore(kafka, { topic: t, replicationFactor: -1 });
      await store.start();
      await store.putConnectorConfig('c', { a: '1' });
      await store.putTaskConfigs('c', [{ v: 'old' }]);
      await store.stop();
      // A crash between task records and commit: write a task record by hand, with no commit.
      const producer = kafka.createProducer();
      await producer.send([{ topic: t, key: Buffer.from('task-c-0'), value: Buffer.from('{"properties":{"v":"new"}}') }]);
      await producer.disconnect();
      const again = createKafkaConfigStore(kafka, { topic: t, replicationFactor: -1 });
      await again.start();
      assert.deepEqual(again.taskConfigs('c'), [{ v: 'old' }]);
      assert.equal(again.targetState('c'), 'STARTED');
      await again.stop();
    });

    it('a write is seen once it resolves, and reading the topic back never undoes it (stop, then resume)', async () => {
      const t = topic('configs_readback');
      const store = createKafkaConfigStore(kafka, { topic: t, replicationFactor: -1 });
      await store.start();
      // The target state the last resolved write set; a read of the topic must never show an older one after it.
      let resolved: string | undefined;
      const undone: string[] = [];
      // A follower that never fires by itself: the reads are the explicit catchUp() calls below.
      store.follow(600_000, logger, (name) => {
        if (resolved === 'STARTED' && store.targetState(name) === 'STOPPED') undone.push(`STOPPED shown after STARTED was written`);
      });
      try {
        await store.putConnectorConfig('c', { a: '1' });
        await store.putTaskConfigs('c', [{ v: '1' }]);
        for (let round = 0; round < 5; round++) {
          resolved = undefined; // a write in flight moves the state on as it is read back
          await store.putTargetState('c', 'STOPPED');
          resolved = 'STOPPED';
          await store.putTaskConfigs('c', []);
          assert.deepEqual([store.targetState('c'), store.taskConfigs('c')], ['STOPPED', []]);
          resolved = undefined;
          await store.putTargetState('c', 'STARTED');
          resolved = 'STARTED';
          await store.putTaskConfigs('c', [{ v: String(round) }]);
          await store.catchUp();
          assert.deepEqual([store.targetState('c'), store.taskConfigs('c')], ['STARTED', [{ v: String(round) }]], `round ${round}`);
        }
        assert.deepEqual(undone, []);
      } finally {
        await store.stop();
      }
    });

    it('refuses an existing config topic that is not compacted', async () => {
      const t = topic('configs_delete');
      await kafka.ensureTopic(t, { partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' } });
      const store = createKafkaConfigStore(kafka, { topic: t, replicationFactor: -1 });
      await assert.rejects(store.start(), (err: unknown) => err instanceof StorageTopicError && /cleanup\.policy=delete/.test(err.message) && !err.retriable);
    });
  });

  describe('status store', () => {
    it('persists statuses and active topics in Connect\'s records; removals are tombstones', async () => {
      const t = topic('status');
      const store = createKafkaStatusStore(kafka, { topic: t, replicationFactor: -1, now: () => 1_700_000_000_000 });
      await store.start();
      await store.putConnector('inv', { state: 'RUNNING', trace: null, workerId: 'w1:8083', generation: 1 });
      await store.putTask('inv', 0, { state: 'FAILED', trace: 'boom', workerId: 'w1:8083', generation: 1 });
      await Promise.all([store.putActiveTopic('inv', 'db.inv.customers', 0), store.putActiveTopic('inv', 'db.inv.customers', 0)]);
      await store.putActiveTopic('inv', 'db.inv.orders', 0);
      await store.putConnector('old', { state: 'RUNNING', trace: null, workerId: 'w1:8083', generation: 1 });
      await store.putTask('old', 0, { state: 'RUNNING', trace: null, workerId: 'w1:8083', generation: 1 });
      await store.remove('old', 1);
      await store.stop();

      const again = createKafkaStatusStore(kafka, { topic: t, replicationFactor: -1 });
      await again.start();
      assert.deepEqual(again.connector('inv'), { state: 'RUNNING', trace: null, workerId: 'w1:8083', generation: 1 });
      assert.deepEqual(again.task('inv', 0), { state: 'FAILED', trace: 'boom', workerId: 'w1:8083', generation: 1 });
      assert.deepEqual(again.activeTopics('inv').sort(), ['db.inv.customers', 'db.inv.orders']);
      assert.equal(again.connector('old'), undefined);
      assert.equal(again.task('old', 0), undefined);
      await again.resetActiveTopics('inv');
      assert.deepEqual(again.activeTopics('inv'), []);
      await again.stop();

      assert.equal((await kafka.highWatermarks(t)).size, 5);
      const records = (await readAll(kafka, t)).map((r) => [r.key, r.value]);
      assert.deepEqual(records.filter(([k]) => k === 'status-connector-inv'),
        [['status-connector-inv', '{"state":"RUNNING","trace":null,"worker_id":"w1:8083","generation":1}']]);
      assert.deepEqual(records.filter(([k]) => k === 'status-topic-db.inv.customers:connector-inv'), [
        ['status-topic-db.inv.customers:connector-inv', '{"topic":{"name":"db.inv.customers","connector":"inv","task":0,"discoverTimestamp":1700000000000}}'],
        ['status-topic-db.inv.customers:connector-inv', null],
      ]);
      assert.deepEqual(records.filter(([k]) => k === 'status-task-old-0').map(([, v]) => v), ['{"state":"RUNNING","trace":null,"worker_id":"w1:8083","generation":1}', null]);
    });

    it('a status is seen once its write resolves, and reading the topic back never undoes it', async () => {
      const t = topic('status_readback');
      const store = createKafkaStatusStore(kafka, { topic: t, replicationFactor: -1 });
      await store.start();
      store.follow(5, logger);
      const running = { state: 'RUNNING' as const, trace: null, workerId: 'w1:8083', generation: 1 };
      try {
        for (let round = 0; round < 20; round++) {
          await store.putTask('c', 0, running);
          await store.remove('c', 1);
          assert.equal(store.task('c', 0), undefined);
          await store.putTask('c', 0, { ...running, trace: String(round) });
          for (let i = 0; i < 3; i++) {
            assert.equal(store.task('c', 0)?.trace, String(round), `round ${round}`);
            await store.catchUp();
          }
        }
      } finally {
        await store.stop();
      }
    });
  });

  describe('offset store', () => {
    it('writes Connect\'s exact key bytes, survives restart, finds offsets written by Connect, and resets', async () => {
      const t = topic('offsets');
      // An offset as real Connect may have written it, with the partition keys in another order.
      await kafka.ensureTopic(t, { partitions: 25, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } });
      const producer = kafka.createProducer();
      await producer.send([{ topic: t, key: Buffer.from('["legacy",{"db":"d","server":"s"}]'), value: Buffer.from('{"lsn":18446744073709551000}') }]);
      await producer.disconnect();

      const store = createKafkaOffsetStore(kafka, { topic: t, replicationFactor: -1 });
      await store.start();
      assert.deepEqual(store.offset('legacy', { server: 's', db: 'd' }), { lsn: 18446744073709551000n });
      await store.write('inv', [{ partition: { server: 'db1' }, offset: { file: 'bin.000001', pos: 4 } }]);
      await store.write('inv', [{ partition: { server: 'db1' }, offset: { file: 'bin.000001', pos: 99 } }]);
      await store.write('legacy', [{ partition: { server: 's', db: 'd' }, offset: { lsn: 5 } }]);
      await store.write('pg', [{ partition: { server: 'p' }, offset: { lsn: 1 } }]);
      await store.write('pg', [{ partition: { server: 'p' }, offset: null }]);
      await store.stop();

      const again = createKafkaOffsetStore(kafka, { topic: t, replicationFactor: -1 });
      await again.start();
      assert.deepEqual(again.offset('inv', { server: 'db1' }), { file: 'bin.000001', pos: 99 });
      assert.deepEqual(again.offsets('inv'), [{ partition: { server: 'db1' }, offset: { file: 'bin.000001', pos: 99 } }]);
      assert.deepEqual(again.offset('legacy', { server: 's', db: 'd' }), { lsn: 5 });
      assert.equal(again.offset('pg', { server: 'p' }), null);
      assert.deepEqual(again.offsets('pg'), []);
      await again.stop();

      const records = await readAll(kafka, t);
      const inv = records.filter((r) => r.key === '["inv",{"server":"db1"}]');
      assert.deepEqual(inv.map((r) => r.value), ['{"file":"bin.000001","pos":4}', '{"file":"bin.000001","pos":99}']);
      assert.equal(new Set(inv.map((r) => r.partition)).size, 1);
      assert.equal(inv[0]!.partition, javaPartition(Buffer.from('["inv",{"server":"db1"}]'), 25));
      // The rewrite of the legacy partition reused Connect's key bytes, so compaction replaces the old record.
      assert.deepEqual(records.filter((r) => r.key?.startsWith('["legacy"')).map((r) => [r.key, r.value]), [
        ['["legacy",{"db":"d","server":"s"}]', '{"lsn":18446744073709551000}'],
        ['["legacy",{"db":"d","server":"s"}]', '{"lsn":5}'],
      ]);
      assert.deepEqual(records.filter((r) => r.key === '["pg",{"server":"p"}]').map((r) => r.value), ['{"lsn":1}', null]);
    });
  });
});

describe('kafka error translation (no broker needed)', () => {
  // Shaped like the client's errors: a `code` (PLT_KFK_*), `canRetry`, the broker's protocol error name in
  // `apiId`, `cause` chains and aggregate `errors`.
  const err = (code: string, props: Record<string, unknown> = {}) => Object.assign(new Error(String(props.message ?? code)), { code, canRetry: true, ...props });
  const protocol = (apiId: string, canRetry: boolean) => err('PLT_KFK_PROTOCOL', { apiId, canRetry, message: `broker said ${apiId}` });

  it('connection errors wrapped in "failed N times" are retriable KAFKA_UNAVAILABLE', () => {
    const e = err('PLT_KFK_MULTIPLE', { message: 'metadata failed 6 times.', errors: [err('PLT_KFK_NETWORK', { message: 'Connection to 127.0.0.1:1 failed.', cause: err('ECONNREFUSED', { message: 'connect ECONNREFUSED 127.0.0.1:1' }) })] });
    const t = translateKafkaError(e, 'producing to Kafka');
    assert.equal(t.code, 'KAFKA_UNAVAILABLE');
    assert.equal(t.retriable, true);
    assert.match(t.message, /ECONNREFUSED/);
  });

  it('leader changes are retriable; oversized records, missing ACLs, bad passwords and untrusted certificates are not, and say what to do', () => {
    assert.deepEqual(pick(translateKafkaError(err('PLT_KFK_RESPONSE', { errors: [protocol('NOT_LEADER_OR_FOLLOWER', true)] }), 'x')), ['KAFKA_TRANSIENT', true]);
    const tooLarge = translateKafkaError(err('PLT_KFK_MULTIPLE', { errors: [err('PLT_KFK_RESPONSE', { errors: [protocol('MESSAGE_TOO_LARGE', false)] })] }), 'producing to Kafka');
    assert.deepEqual(pick(tooLarge), ['KAFKA_RECORD_TOO_LARGE', false]);
    assert.match(tooLarge.fix ?? '', /max\.message\.bytes/);
    assert.deepEqual(pick(translateKafkaError(protocol('TOPIC_AUTHORIZATION_FAILED', false), 'x')), ['KAFKA_NOT_AUTHORIZED', false]);
    assert.deepEqual(pick(translateKafkaError(err('PLT_KFK_AUTHENTICATION', { canRetry: false, cause: protocol('SASL_AUTHENTICATION_FAILED', false) }), 'x')), ['KAFKA_AUTH_FAILED', false]);
    const untrusted = translateKafkaError(err('PLT_KFK_NETWORK', { cause: err('SELF_SIGNED_CERT_IN_CHAIN', { message: 'self-signed certificate in certificate chain' }) }), 'x');
    assert.deepEqual(pick(untrusted), ['KAFKA_TLS_FAILED', false]);
    assert.match(untrusted.fix ?? '', /ssl\.truststore/);
  });

  it("unknown errors keep the client's verdict; our own errors pass through", () => {
    assert.deepEqual(pick(translateKafkaError(err('PLT_KFK_USER', { canRetry: false }), 'x')), ['KAFKA_ERROR', false]);
    assert.deepEqual(pick(translateKafkaError(err('PLT_KFK_MULTIPLE', { errors: [err('PLT_KFK_UNSUPPORTED')] }), 'x')), ['KAFKA_ERROR', true]);
    const ours = new CdcError('CONFIG_INVALID', 'mine');
    assert.equal(translateKafkaError(ours, 'x'), ours);
  });
});

const pick = (e: CdcError) => [e.code, e.retriable];

/** Kafka's Java murmur2 partitioner, written out here so the test does not trust the code under test. */
function javaPartition(key: Buffer, partitions: number): number {
  const m = 0x5bd1e995;
  const r = 24;
  let h = 0x9747b28c ^ key.length;
  const len4 = key.length >> 2;
  for (let i = 0; i < len4; i++) {
    let k = key.readInt32LE(i * 4);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = len4 * 4;
  const rest = key.length & 3;
  if (rest >= 3) h ^= key[tail + 2]! << 16;
  if (rest >= 2) h ^= key[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= key[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}
