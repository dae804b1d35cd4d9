/**
 * What a crash re-sends (at-least-once), per database: a real worker process killed with SIGKILL mid-snapshot
 * and again while streaming (scenario in scripts/testbed/crash-resend.ts). Asserts that the restarted connector
 * re-sends no more than the runtime's bound (README: "What is re-sent after a crash"), that the kill really hit
 * the snapshot and the streaming half-way, and that the topic's latest event per key equals the table.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { measureCrashResend, resendBound, type Db, type ResendOptions } from '../scripts/testbed/crash-resend.js';
import { closeTestKafka } from './harness/worker.js';

// 80k rows take several seconds to snapshot, so the kill lands mid-snapshot; chunks of 1000 rows plus a produce
// batch fit in max.queue.size, so the bound is max.queue.size itself.
const OPTIONS: ResendOptions = { rows: 80_000, maxQueueSize: 2048, fetchSize: 1000, changes: 1200, writesPerSecond: 200 };

describe('What a SIGKILL re-sends', () => {
  after(closeTestKafka);

  for (const db of ['mysql', 'postgres'] as Db[]) {
    it(`${db}: at most max.queue.size records after a kill mid-snapshot and while streaming; nothing lost`, async () => {
      const bound = resendBound(OPTIONS);
      assert.equal(bound.snapshot, OPTIONS.maxQueueSize);
      const r = await measureCrashResend(db, OPTIONS);
      console.log(`re-sent after SIGKILL mid-snapshot (${db}): ${r.snapshotResent} rows (bound ${bound.snapshot}; ${r.inKafkaAtSnapshotKill} of ${OPTIONS.rows} in Kafka at the kill)`);
      console.log(`re-sent after SIGKILL while streaming (${db}): ${r.streamingResent} events (bound ${bound.streaming}; ${r.changesInKafkaAtKill} of ${OPTIONS.changes} changes in Kafka at the kill)`);
      // The kills hit what they were meant to: part of the snapshot, part of the changes.
      assert.ok(r.inKafkaAtSnapshotKill < OPTIONS.rows, `the snapshot had finished before the kill (${r.inKafkaAtSnapshotKill} records)`);
      assert.ok(r.changesInKafkaAtKill < OPTIONS.changes, `every change was in before the kill (${r.changesInKafkaAtKill})`);
      assert.ok(r.snapshotResent >= 0 && r.snapshotResent <= bound.snapshot, `snapshot re-sent ${r.snapshotResent} rows, bound ${bound.snapshot}`);
      assert.ok(r.streamingResent >= 0 && r.streamingResent <= bound.streaming, `streaming re-sent ${r.streamingResent} events, bound ${bound.streaming}`);
      assert.deepEqual(r.diffs, []);
    });
  }
});
