/**
 * The runtime's signal channels for ad-hoc snapshots, against a worker on the real Kafka: the REST API
 * (`/connectors/{name}/snapshots`, Connect-style status codes and error bodies) and the Kafka signal topic
 * (records keyed by topic.prefix, acted on once across task restarts). The connector is test.SignalSource
 * (test/fixtures/signal-source.ts), whose task writes every command it accepts to its topic.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { RecordProducer } from '../src/kafka/index.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api,
  cleanupWorkerTopics,
  closeTestKafka,
  counterConfig,
  COUNTER_PLUGIN,
  isRunning,
  newWorkerSettings,
  readTopic,
  startInProcessWorker,
  testKafka,
  waitForStatus,
  type InProcessWorker,
  type WorkerSettings,
} from './harness/worker.js';

const SIGNAL_PLUGIN = fileURLToPath(new URL('./fixtures/signal-source.js', import.meta.url));

interface Received {
  kind: string;
  id: string;
  dataCollections?: string[] | null;
  conditions?: Record<string, string>;
  surrogateKey?: string | null;
}

describe('ad-hoc snapshot signals: REST API and Kafka signal topic', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  let producer: RecordProducer | undefined;
  const topics: string[] = [];

  function newTopic(prefix: string): string {
    const t = uniqueName(prefix);
    topics.push(t);
    return t;
  }

  /** The commands the task accepted, in order (what test.SignalSource wrote to its topic). */
  async function received(topic: string): Promise<Received[]> {
    return (await readTopic(topic)).map((r) => JSON.parse(JSON.parse(r.value!).payload) as Received);
  }

  async function receivedAtLeast(topic: string, n: number): Promise<Received[]> {
    return waitFor(async () => {
      const got = await received(topic);
      return got.length >= n ? got : undefined;
    }, { timeoutMs: 60_000, message: `${n} commands in ${topic}` });
  }

  async function createSignalConnector(name: string, topic: string, extra: Record<string, string> = {}) {
    const r = await http.post('/connectors', {
      name,
      config: { 'connector.class': 'test.SignalSource', 'tasks.max': '1', topic, 'topic.prefix': name, ...extra },
    });
    assert.equal(r.status, 201, r.text);
    await waitForStatus(w.url, name, (s) => isRunning(s) && s.tasks[0].progress?.phase === 'streaming');
  }

  function assertConnectError(r: { status: number; body: any; text: string }, status: number, pattern: RegExp) {
    assert.equal(r.status, status, r.text);
    assert.equal(r.body.error_code, status, r.text);
    assert.match(r.body.message, pattern);
  }

  /** JSON log lines of the in-process worker. */
  function logLines(): Array<Record<string, any>> {
    return w.logs().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
  }

  before(async () => {
    settings = newWorkerSettings('signals', { 'plugin.path': `${COUNTER_PLUGIN},${SIGNAL_PLUGIN}`, 'rest.snapshots.additional.conditions.allow': 'true' });
    w = await startInProcessWorker(settings);
    http = api(w.url);
  });

  after(async () => {
    await producer?.disconnect();
    if (http) for (const name of (await http.get<string[]>('/connectors')).body ?? []) await http.delete(`/connectors/${name}`);
    await w?.stop();
    await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  it('POST, PUT pause/resume and DELETE deliver the commands to the running task; progress shows in the status', async () => {
    const name = uniqueName('sig_rest');
    const out = newTopic('sig_rest_out');
    await createSignalConnector(name, out);

    const exec = await http.post(`/connectors/${name}/snapshots`, {
      'data-collections': ['inventory.customers', 'inventory.orders'],
      'additional-conditions': [{ 'data-collection': 'inventory.customers', filter: 'id > 10' }],
    });
    assert.equal(exec.status, 202, exec.text);
    assert.equal(exec.body.connector, name);
    assert.deepEqual(exec.body['data-collections'], ['inventory.customers', 'inventory.orders']);
    assert.match(exec.body.id, /^[0-9a-f-]{36}$/);
    const status = await waitForStatus(w.url, name, (s) => s.tasks[0].progress?.incrementalSnapshot?.id === exec.body.id, 'progress of the snapshot');
    assert.deepEqual(status.tasks[0].progress.incrementalSnapshot.tables, ['inventory.customers', 'inventory.orders']);

    const pause = await http.put(`/connectors/${name}/snapshots/pause`);
    assert.equal(pause.status, 202, pause.text);
    const resume = await http.put(`/connectors/${name}/snapshots/resume`);
    assert.equal(resume.status, 202, resume.text);
    const stopSome = await http.delete(`/connectors/${name}/snapshots?data-collections=inventory.orders,inventory.items`);
    assert.equal(stopSome.status, 202, stopSome.text);
    assert.deepEqual(stopSome.body['data-collections'], ['inventory.orders', 'inventory.items']);
    const stopBody = await http.request('DELETE', `/connectors/${name}/snapshots`, { 'data-collections': ['inventory.customers'] });
    assert.equal(stopBody.status, 202, stopBody.text);
    const stopAll = await http.delete(`/connectors/${name}/snapshots`);
    assert.equal(stopAll.status, 202, stopAll.text);

    const got = await receivedAtLeast(out, 6);
    assert.deepEqual(got, [
      {
        kind: 'execute', id: exec.body.id, dataCollections: ['inventory.customers', 'inventory.orders'],
        conditions: { 'inventory.customers': 'id > 10' }, surrogateKey: null,
      },
      { kind: 'pause', id: pause.body.id },
      { kind: 'resume', id: resume.body.id },
      { kind: 'stop', id: stopSome.body.id, dataCollections: ['inventory.orders', 'inventory.items'] },
      { kind: 'stop', id: stopBody.body.id, dataCollections: ['inventory.customers'] },
      { kind: 'stop', id: stopAll.body.id, dataCollections: null },
    ]);
    assert.equal(new Set(got.map((c) => c.id)).size, 6, 'each command has its own id');
    await waitForStatus(w.url, name, (s) => s.tasks[0].progress?.received === 6, 'progress counts every command');
  });

  it('answers 400 for invalid bodies and refused commands, 404 for an unknown connector, 409 when not running or unsupported', async () => {
    const name = uniqueName('sig_err');
    const out = newTopic('sig_err_out');
    await createSignalConnector(name, out);
    const path = `/connectors/${name}/snapshots`;

    assertConnectError(await http.post(path, undefined, { raw: '{"data-collections": [' }), 400, /not valid JSON/);
    assertConnectError(await http.post(path), 400, /body is missing.*data-collections/);
    assertConnectError(await http.post(path, {}), 400, /"data-collections" must be an array/);
    assertConnectError(await http.post(path, ['inventory.customers']), 400, /must be a JSON object/);
    assertConnectError(await http.post(path, { 'data-collections': 'inventory.customers' }), 400, /"data-collections" must be an array/);
    assertConnectError(await http.post(path, { 'data-collections': [] }), 400, /at least one table/);
    assertConnectError(await http.post(path, { 'data-collections': ['a.b'], type: 'blocking' }), 400, /"blocking" is not supported/);
    assertConnectError(
      await http.post(path, { 'data-collections': ['a.b'], 'additional-conditions': [{ 'data-collection': 'a.c', filter: 'x = 1' }] }),
      400, /a\.c, which is not in "data-collections"/,
    );
    assertConnectError(await http.request('DELETE', path, { 'data-collections': [42] }), 400, /"data-collections" must be an array of table names/);
    // The task's own refusal, with its reason.
    assertConnectError(await http.post(path, { 'data-collections': ['missing.table'] }), 400, /table missing\.table is not captured/);

    assertConnectError(await http.post(`/connectors/${uniqueName('nope')}/snapshots`, { 'data-collections': ['a.b'] }), 404, /not found/);
    assertConnectError(await http.put(`/connectors/${uniqueName('nope')}/snapshots/pause`), 404, /not found/);

    const counter = uniqueName('sig_counter');
    const counterOut = newTopic('sig_counter_out');
    assert.equal((await http.post('/connectors', { name: counter, config: counterConfig(counterOut, { 'interval.ms': '200' }) })).status, 201);
    await waitForStatus(w.url, counter, (s) => isRunning(s));
    assertConnectError(await http.post(`/connectors/${counter}/snapshots`, { 'data-collections': ['a.b'] }), 409, /does not take ad-hoc snapshot commands/);

    assert.equal((await http.put(`/connectors/${name}/pause`)).status, 202);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'PAUSED');
    assertConnectError(await http.post(path, { 'data-collections': ['a.b'] }), 409, /is paused.*resume/i);
    assertConnectError(await http.put(`${path}/resume`), 409, /is paused/);
    assert.equal((await http.put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'STOPPED');
    assertConnectError(await http.delete(path), 409, /is stopped/);

    // Back to running: commands are taken again, and none of the refused ones reached the task.
    assert.equal((await http.put(`/connectors/${name}/resume`)).status, 202);
    await waitForStatus(w.url, name, (s) => isRunning(s) && s.tasks[0].progress?.phase === 'streaming');
    const ok = await http.post(path, { 'data-collections': ['inventory.customers'] });
    assert.equal(ok.status, 202, ok.text);
    assert.deepEqual((await receivedAtLeast(out, 1)).map((c) => c.id), [ok.body.id]);
  });

  it('the Kafka signal topic: records keyed by topic.prefix reach the task once, across a task restart and a pause', async () => {
    const name = uniqueName('sig_kafka');
    const out = newTopic('sig_kafka_out');
    const signalTopic = newTopic('sig_kafka_signal');
    const groupId = uniqueName('sig_group');
    const listening = () => logLines().filter((l) => l.msg === 'Kafka signal channel listening' && l.signalTopic === signalTopic).length;
    await createSignalConnector(name, out, {
      'signal.enabled.channels': 'source,kafka',
      'signal.kafka.topic': signalTopic,
      'signal.kafka.groupId': groupId,
    });
    await waitFor(() => listening() === 1, { timeoutMs: 60_000, message: 'signal channel listening' });
    assert.equal((await (await testKafka()).highWatermarks(signalTopic)).size, 1, 'the channel created the topic with one partition');

    producer = (await testKafka()).createProducer({ idempotent: false });
    const signal = (key: string | null, value: unknown) => ({
      topic: signalTopic, key: key === null ? null : Buffer.from(key), value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    });
    await producer.send([
      signal('another-connector', { id: 'other-1', type: 'execute-snapshot', data: { 'data-collections': ['x.y'] } }),
      signal(name, { type: 'execute-snapshot', data: { 'data-collections': ['inventory.customers'], type: 'INCREMENTAL' } }),
      signal(name, { id: 'bad-1', type: 'execute-snapshot', data: { 'data-collections': 'inventory.customers' } }),
      signal(name, { id: 'refused-1', type: 'execute-snapshot', data: '{"data-collections": ["missing.t"]}' }),
      signal(name, { id: 'log-1', type: 'log', data: { message: 'hello' } }),
      signal(name, 'not json'),
      // Debezium's JSON converter writes the key as a quoted string.
      signal(JSON.stringify(name), { id: 'pause-1', type: 'pause-snapshot', data: {} }),
    ]);
    const first = await receivedAtLeast(out, 2);
    assert.deepEqual(first, [
      { kind: 'execute', id: 'kafka-0-1', dataCollections: ['inventory.customers'], conditions: {}, surrogateKey: null },
      { kind: 'pause', id: 'pause-1' },
    ]);
    const warnings = logLines().filter((l) => l.level === 40 && l.signalTopic === signalTopic);
    assert.deepEqual(warnings.map((l) => l.signalId).sort(), ['bad-1', 'kafka-0-5', 'refused-1']);
    assert.match(warnings.find((l) => l.signalId === 'refused-1')!.reason, /missing\.t is not captured/);
    assert.ok(logLines().some((l) => l.signalId === 'log-1' && l.level === 20), 'another signal type is logged at debug');
    assert.ok(!logLines().some((l) => l.signalId === 'other-1'), 'a signal for another connector is not even logged');

    // A restarted task reads on from the committed offsets: nothing handled twice.
    assert.equal((await http.post(`/connectors/${name}/tasks/0/restart`)).status, 204);
    await waitFor(() => listening() === 2, { timeoutMs: 60_000, message: 'signal channel listening again after the restart' });
    await producer.send([signal(name, { id: 'resume-1', type: 'resume-snapshot' })]);
    await receivedAtLeast(out, 3);

    // A signal written while the connector is paused is read once it resumes (the group's offset, not the end).
    assert.equal((await http.put(`/connectors/${name}/pause`)).status, 202);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'PAUSED');
    await producer.send([signal(name, { id: 'stop-1', type: 'stop-snapshot', data: { 'data-collections': ['inventory.customers'] } })]);
    assert.equal((await http.put(`/connectors/${name}/resume`)).status, 202);
    await receivedAtLeast(out, 4);
    // The REST channel works alongside; it comes after everything above in the task's topic.
    const rest = await http.put(`/connectors/${name}/snapshots/resume`);
    assert.equal(rest.status, 202, rest.text);
    const all = await receivedAtLeast(out, 5);
    assert.deepEqual(all.map((c) => c.id), ['kafka-0-1', 'pause-1', 'resume-1', 'stop-1', rest.body.id], 'every signal exactly once, in order');
    assert.deepEqual(all[3], { kind: 'stop', id: 'stop-1', dataCollections: ['inventory.customers'] });
  });

  it('connectors sharing a signal group id each read their own signal topic', async () => {
    const groupId = uniqueName('sig_shared_group');
    const connectors = [uniqueName('sig_shared_a'), uniqueName('sig_shared_b')].map((name) => ({
      name, out: newTopic(`${name}_out`), signalTopic: newTopic(`${name}_signal`),
    }));
    for (const c of connectors) {
      await createSignalConnector(c.name, c.out, { 'signal.enabled.channels': 'kafka', 'signal.kafka.topic': c.signalTopic, 'signal.kafka.groupId': groupId });
    }
    for (const c of connectors) {
      await waitFor(() => logLines().some((l) => l.msg === 'Kafka signal channel listening' && l.signalTopic === c.signalTopic),
        { timeoutMs: 60_000, message: `signal channel of ${c.name} listening` });
    }
    producer ??= (await testKafka()).createProducer({ idempotent: false });
    await producer.send(connectors.map((c) => ({
      topic: c.signalTopic, key: Buffer.from(c.name), value: Buffer.from(JSON.stringify({ id: `${c.name}-sig`, type: 'pause-snapshot' })),
    })));
    for (const c of connectors) {
      assert.deepEqual((await receivedAtLeast(c.out, 1)).map((r) => r.id), [`${c.name}-sig`]);
    }
  });
});
