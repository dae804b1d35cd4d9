/**
 * What a crash re-sends (at-least-once), at bench size: per database, a real worker process is killed with SIGKILL
 * mid-snapshot of an idle table and again while streaming single-row changes at a steady rate (see
 * scripts/testbed/crash-resend.ts); prints the records re-sent after each restart next to the bound the runtime
 * guarantees (README: "What is re-sent after a crash").
 *
 *   node --import tsx bench/crash-resend.ts [rows=200000] [changes=4000] [writes/s=200]
 *   (or node dist/bench/crash-resend.js ... after a build)
 *   BENCH_DBS=mysql ...   only one database
 */
import { measureCrashResend, resendBound, type Db } from '../scripts/testbed/crash-resend.js';
import { closeTestKafka } from '../scripts/testbed/worker.js';

const rows = Number(process.argv[2] ?? 200_000);
const changes = Number(process.argv[3] ?? 4000);
const writesPerSecond = Number(process.argv[4] ?? 200);
const maxQueueSize = 8192; // Debezium's default
const fetchSize = 10_000; // the snapshot engine's default chunk
const dbs = (process.env.BENCH_DBS ?? 'mysql,postgres').split(',') as Db[];

try {
  for (const db of dbs) {
    const r = await measureCrashResend(db, { rows, maxQueueSize, fetchSize, changes, writesPerSecond });
    const bound = resendBound({ maxQueueSize, fetchSize });
    console.log(`${db}: SIGKILL mid-snapshot of ${rows} rows (${r.inKafkaAtSnapshotKill} in Kafka): re-sent ${r.snapshotResent} rows (bound ${bound.snapshot})`);
    console.log(`${db}: SIGKILL while streaming ${changes} changes at ${writesPerSecond}/s (${r.changesInKafkaAtKill} in Kafka): re-sent ${r.streamingResent} events (bound ${bound.streaming})`);
    if (r.diffs.length > 0) console.log(`${db}: topic differs from the table:\n  ${r.diffs.join('\n  ')}`);
  }
} finally {
  await closeTestKafka();
}
