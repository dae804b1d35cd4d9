/**
 * Source offsets (KIP-875): what tasks commit is what GET /offsets shows and what the offsets topic holds,
 * byte for byte in Connect's format; resetting or altering them (only when STOPPED) changes where the
 * connector starts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api,
  cleanupWorkerTopics,
  closeTestKafka,
  counterConfig,
  counterValues,
  isRunning,
  newWorkerSettings,
  readTopic,
  startInProcessWorker,
  waitForStatus,
  type InProcessWorker,
  type WorkerSettings,
} from './harness/worker.js';

const STOP_FIRST = (name: string) =>
  `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`;

describe('connector offsets', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  const topics: string[] = [];

  before(async () => {
    settings = newWorkerSettings('offsets');
    w = await startInProcessWorker(settings);
    http = api(w.url);
  });

  after(async () => {
    await w?.stop();
    await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  async function stop(name: string): Promise<void> {
    assert.equal((await http.put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0);
  }

  /** The latest record per key in the offsets topic, as raw strings. */
  async function offsetsTopic(): Promise<Map<string, string | null>> {
    const latest = new Map<string, string | null>();
    for (const r of await readTopic(settings.offsetTopic)) latest.set(r.key!, r.value);
    return latest;
  }

  it('acknowledged records become offsets in GET /offsets and in the offsets topic in Connect\'s format', async () => {
    const name = uniqueName('acked');
    const topic = uniqueName('out');
    topics.push(topic);
    assert.equal((await http.post('/connectors', { name, config: counterConfig(topic, { 'max.records': '120', 'batch.size': '25' }) })).status, 201);
    const body = await waitFor(async () => {
      const r = await http.get(`/connectors/${name}/offsets`);
      return r.body.offsets[0]?.offset.position === 120 ? r.body : undefined;
    });
    assert.deepEqual(body, { offsets: [{ partition: { source: name }, offset: { position: 120 } }] });
    assert.equal((await counterValues(topic)).length, 120, 'every record the offset covers is in Kafka');

    const raw = await offsetsTopic();
    assert.equal(raw.get(`["${name}",{"source":"${name}"}]`), '{"position":120}', 'key and value exactly as Connect writes them');
  });

  it('DELETE /offsets is refused unless STOPPED; once stopped it writes tombstones and the connector starts over', async () => {
    const name = uniqueName('reset');
    const topic = uniqueName('out');
    topics.push(topic);
    assert.equal((await http.post('/connectors', { name, config: counterConfig(topic, { 'max.records': '40' }) })).status, 201);
    await waitFor(async () => (await http.get(`/connectors/${name}/offsets`)).body.offsets[0]?.offset.position === 40);

    const running = await http.delete(`/connectors/${name}/offsets`);
    assert.deepEqual([running.status, running.body], [400, { error_code: 400, message: STOP_FIRST(name) }]);
    await http.put(`/connectors/${name}/pause`);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'PAUSED');
    const paused = await http.delete(`/connectors/${name}/offsets`);
    assert.deepEqual([paused.status, paused.body.message], [400, STOP_FIRST(name)], 'PAUSED is not enough');

    await stop(name);
    const before = await readTopic(topic);
    const reset = await http.delete(`/connectors/${name}/offsets`);
    assert.equal(reset.status, 200, reset.text);
    assert.deepEqual(reset.body, {
      message: 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.',
    });
    assert.deepEqual((await http.get(`/connectors/${name}/offsets`)).body, { offsets: [] });
    const raw = await offsetsTopic();
    assert.ok(raw.has(`["${name}",{"source":"${name}"}]`) && raw.get(`["${name}",{"source":"${name}"}]`) === null, 'a tombstone is the latest record');

    assert.equal((await http.put(`/connectors/${name}/resume`)).status, 202);
    await waitForStatus(w.url, name, (s) => isRunning(s));
    await waitFor(async () => (await readTopic(topic)).length >= before.length + 40, { message: 'the connector wrote its 40 records again' });
    const values = await counterValues(topic);
    assert.equal(values.filter((n) => n === 0).length, 2, 'after the reset it started from scratch');
  });

  it('PATCH /offsets (only when STOPPED) sets where the connector resumes; a null offset removes it', async () => {
    const name = uniqueName('alter');
    const topic = uniqueName('out');
    topics.push(topic);
    assert.equal((await http.post('/connectors', { name, config: counterConfig(topic, { 'max.records': '10' }) })).status, 201);
    await waitFor(async () => (await http.get(`/connectors/${name}/offsets`)).body.offsets[0]?.offset.position === 10);
    const partition = { source: name };
    const refused = await http.patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: { position: 500 } }] });
    assert.deepEqual([refused.status, refused.body.message], [400, STOP_FIRST(name)]);

    await stop(name);
    assert.equal((await http.patch(`/connectors/${name}/config`, { 'max.records': '510' })).status, 200);
    const altered = await http.patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: { position: 500 } }] });
    assert.equal(altered.status, 200, altered.text);
    assert.equal(
      altered.body.message,
      'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.',
    );
    assert.equal((await offsetsTopic()).get(`["${name}",{"source":"${name}"}]`), '{"position":500}');

    await http.put(`/connectors/${name}/resume`);
    await waitFor(async () => (await counterValues(topic)).includes(509), { message: 'the connector resumed at 500' });
    const values = await counterValues(topic);
    assert.deepEqual(values, [...Array(10).keys(), ...Array.from({ length: 10 }, (_, i) => 500 + i)], 'nothing between 10 and 499');

    await stop(name);
    const removed = await http.patch(`/connectors/${name}/offsets`, { offsets: [{ partition, offset: null }] });
    assert.equal(removed.status, 200);
    assert.deepEqual((await http.get(`/connectors/${name}/offsets`)).body, { offsets: [] });

    const empty = await http.patch(`/connectors/${name}/offsets`, { offsets: [] });
    assert.deepEqual(empty.body, { error_code: 400, message: 'Partitions / offsets need to be provided for an alter offsets request' });
    const badPartition = await http.patch(`/connectors/${name}/offsets`, { offsets: [{ partition: null, offset: { position: 1 } }] });
    assert.equal(badPartition.status, 400);
  });
});
