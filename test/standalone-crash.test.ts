/**
 * Standalone mode killed (SIGKILL) during a MariaDB snapshot: the restarted process, from the same files, resumes
 * the snapshot after the last chunk whose progress reached the offsets file, re-sends no more rows than the
 * runtime's bound (README: "What is re-sent after a crash"; the same bound test/crash-resend.test.ts checks for the
 * topic-backed store), and the topic's latest event per key equals the table. The worker keeps the default
 * offset.flush.interval.ms (60 s), so the bound holds only if the busy-task commit cadence applies to the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { diff, events, midSnapshot, mysqlSource, recordsIn, resendBound, snapshotDone, type Offset, type ResendOptions } from '../scripts/testbed/crash-resend.js';
import { testKafka } from '../scripts/testbed/worker.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';
import { startStandalone, type Standalone } from './harness/standalone.js';
import { api, closeTestKafka, waitForStatus } from './harness/worker.js';

// As test/crash-resend.test.ts: 80k rows take several seconds to snapshot, so the kill lands mid-snapshot; chunks of
// 1000 rows plus a produce batch fit in max.queue.size, so the bound is max.queue.size itself.
const OPTIONS: Pick<ResendOptions, 'rows' | 'maxQueueSize' | 'fetchSize'> = { rows: 80_000, maxQueueSize: 2048, fetchSize: 1000 };

describe('standalone mode: SIGKILL during a snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tscdc-standalone-crash-'));
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await closeTestKafka();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the snapshot from the offsets file, re-sends at most the bound, loses nothing', async () => {
    const bound = resendBound(OPTIONS).snapshot;
    assert.equal(bound, OPTIONS.maxQueueSize);
    const services = await testServices();
    const prefix = uniqueName('sacrash');
    const source = await mysqlSource(OPTIONS.rows, prefix);
    cleanups.push(() => source.drop());
    cleanups.push(async () => {
      const kafka = await testKafka();
      const existing = new Set(await kafka.listTopics());
      const topics = [source.topic, prefix].filter((t) => existing.has(t));
      if (topics.length > 0) await kafka.deleteTopics(topics);
    });
    const name = uniqueName('sacrash');
    const workerFile = join(dir, 'worker.properties');
    writeFileSync(workerFile, [
      `bootstrap.servers=${services.kafkaBrokers.join(',')}`,
      'rest.host.name=127.0.0.1',
      'rest.port=0',
      `offset.storage.file.filename=${join(dir, 'offsets.json')}`,
      'log.level=info',
    ].join('\n'));
    const connectorFile = join(dir, 'mysql.json');
    writeFileSync(connectorFile, JSON.stringify({
      name,
      config: {
        ...source.config, 'tasks.max': '1', 'topic.prefix': prefix,
        'max.queue.size': String(OPTIONS.maxQueueSize), 'snapshot.fetch.size': String(OPTIONS.fetchSize),
      },
    }));
    const files = [workerFile, connectorFile];

    let worker: Standalone = await startStandalone(files);
    cleanups.push(() => worker.kill('SIGKILL').then(() => undefined));
    // What the offsets file holds, as the REST API shows it (the file store's entries change once a write is durable).
    const committed = async () => (await api(worker.url).get(`/connectors/${name}/offsets`)).body?.offsets?.[0]?.offset as Offset;

    // A fifth of the table in Kafka and a chunk's progress in the file: kill.
    await waitFor(async () => (await recordsIn(source.topic)) >= OPTIONS.rows / 5 && midSnapshot(await committed()),
      { timeoutMs: 300_000, intervalMs: 50, message: 'snapshot under way with its progress in the offsets file' });
    await worker.kill('SIGKILL');
    const inKafkaAtKill = await recordsIn(source.topic);
    assert.ok(inKafkaAtKill < OPTIONS.rows, `the snapshot had finished before the kill (${inKafkaAtKill} records)`);
    // A snapshot started over would re-send every row already in Kafka: more than the bound, so the check below tells.
    assert.ok(inKafkaAtKill > bound, `too little in Kafka at the kill (${inKafkaAtKill}) to tell a resumed snapshot from a restarted one`);

    worker = await startStandalone(files);
    await waitFor(async () => snapshotDone(await committed()),
      { timeoutMs: 600_000, intervalMs: 250, message: 'snapshot to finish after the restart' });
    await waitForStatus(worker.url, name, (s) => s.tasks?.[0]?.state === 'RUNNING');
    const all = await events(source.topic);
    const snapshotResent = all.filter((e) => e.op === 'r').length - OPTIONS.rows;
    console.log(`standalone: re-sent after SIGKILL mid-snapshot: ${snapshotResent} rows (bound ${bound}; ${inKafkaAtKill} of ${OPTIONS.rows} in Kafka at the kill)`);
    assert.ok(snapshotResent >= 0 && snapshotResent <= bound, `snapshot re-sent ${snapshotResent} rows, bound ${bound}`);
    assert.deepEqual(diff(await source.rows(), all), []);
    assert.equal(await worker.kill('SIGTERM'), 0, worker.output().slice(-2000));
  });
});
