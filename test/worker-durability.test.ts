/**
 * A worker is only its topics: stop the process (gracefully, then by a crash), start a new one on the same
 * group.id and internal topics, and the connectors are back in the same states, with tasks continuing from
 * their committed offsets — no gap in what reaches Kafka.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
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
  spawnWorker,
  waitForStatus,
  type SpawnedWorker,
} from './harness/worker.js';

/** Asserts the counter values are exactly 0..k-1 once each (`exact`) or at least cover 0..k-1 (`noGap`). */
function assertSequence(values: number[], mode: 'exact' | 'noGap', what: string): number {
  const max = Math.max(-1, ...values);
  const seen = new Set(values);
  for (let n = 0; n <= max; n++) assert.ok(seen.has(n), `${what}: record ${n} is missing (max ${max})`);
  if (mode === 'exact') assert.equal(values.length, max + 1, `${what}: no record is duplicated`);
  return max + 1;
}

describe('worker durability across process restarts', () => {
  const settings = newWorkerSettings('durability');
  const topicA = uniqueName('dur_a');
  const topicB = uniqueName('dur_b');
  const running: SpawnedWorker[] = [];
  const secret = `pw-${uniqueName('s')}`;

  async function start(): Promise<SpawnedWorker> {
    const w = await spawnWorker(settings);
    running.push(w);
    return w;
  }

  after(async () => {
    for (const w of running) await w.kill();
    await cleanupWorkerTopics(settings, [topicA, topicB]);
    await closeTestKafka();
  });

  it('keeps connectors, target states and offsets across a graceful restart and a crash', async () => {
    const a = uniqueName('a');
    const b = uniqueName('b');
    const c = uniqueName('c');
    const w1 = await start();
    const http1 = api(w1.url);
    assert.equal((await http1.post('/connectors', { name: a, config: counterConfig(topicA, { secret, 'batch.size': '20' }) })).status, 201);
    assert.equal((await http1.post('/connectors', { name: b, config: counterConfig(topicB, { 'batch.size': '20' }) })).status, 201);
    assert.equal((await http1.post('/connectors', { name: c, config: counterConfig(topicB), initial_state: 'STOPPED' })).status, 201);
    await waitForStatus(w1.url, a, (s) => isRunning(s));
    await waitFor(async () => (await counterValues(topicB)).length >= 100, { message: 'b wrote 100 records' });
    assert.equal((await http1.put(`/connectors/${b}/pause`)).status, 202);
    await waitForStatus(w1.url, b, (s) => s.connector.state === 'PAUSED' && s.tasks[0]?.state === 'PAUSED');
    const bWhenPaused = assertSequence(await counterValues(topicB), 'exact', 'b after pause');
    await waitFor(async () => (await counterValues(topicA)).length >= 200, { message: 'a wrote 200 records' });
    const infoBefore = (await http1.get('/connectors?expand=info')).body;

    // 1. Graceful stop: queued records are delivered and their offsets committed, so nothing repeats.
    assert.equal(await w1.stop(), 0, 'SIGTERM exits 0');
    const aAfterStop = assertSequence(await counterValues(topicA), 'exact', 'a after graceful stop');

    const generationOf = async (name: string) => {
      const records = (await readTopic(settings.statusTopic)).filter((r) => r.key === `status-connector-${name}` && r.value);
      return (JSON.parse(records.at(-1)!.value!) as { generation: number }).generation;
    };
    const generationBefore = await generationOf(a);

    const w2 = await start();
    const http2 = api(w2.url);
    assert.deepEqual((await http2.get('/connectors')).body.sort(), [a, b, c].sort());
    assert.deepEqual((await http2.get('/connectors?expand=info')).body, infoBefore, 'same configs (secrets still masked)');
    await waitForStatus(w2.url, a, (s) => isRunning(s));
    assert.ok((await generationOf(a)) > generationBefore, 'the restarted worker writes statuses with a new generation');
    await waitForStatus(w2.url, b, (s) => s.connector.state === 'PAUSED' && s.tasks[0]?.state === 'PAUSED');
    await waitForStatus(w2.url, c, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0);
    await waitFor(async () => (await counterValues(topicA)).length >= aAfterStop + 200, { message: 'a continues after the restart' });
    assertSequence(await counterValues(topicA), 'exact', 'a after the restart');
    assert.equal((await counterValues(topicB)).length, bWhenPaused, 'b wrote nothing while paused, across the restart');

    assert.equal((await http2.put(`/connectors/${b}/resume`)).status, 202);
    await waitFor(async () => (await counterValues(topicB)).length >= bWhenPaused + 100, { message: 'b continues after resume' });
    assertSequence(await counterValues(topicB), 'exact', 'b after resume');

    // 2. Crash: records acknowledged but not yet committed are produced again (at least once), none is lost.
    await w2.kill();
    const aAfterCrash = assertSequence(await counterValues(topicA), 'noGap', 'a after the crash');
    const w3 = await start();
    await waitForStatus(w3.url, a, (s) => isRunning(s));
    await waitFor(async () => Math.max(...(await counterValues(topicA))) >= aAfterCrash + 200, { message: 'a continues after the crash' });
    assertSequence(await counterValues(topicA), 'noGap', 'a after the crash restart');
    await waitForStatus(w3.url, b, (s) => isRunning(s));
    await waitForStatus(w3.url, c, (s) => s.connector.state === 'STOPPED');
    assert.equal(await w3.stop(), 0);

    for (const w of running) assert.ok(!w.output().includes(secret), 'the secret never appears in a worker log');
    const taskLines = running.flatMap((w) => w.logLines()).filter((l) => l.msg === 'counter task starting');
    assert.ok(taskLines.length >= 3 && taskLines.every((l) => typeof l.connector === 'string' && l.task === 0), 'task log lines carry connector and task');
  });
});
