/** What the connector benches share: output lines, Kafka record counts, peak RSS, the summary of shares. */
import { readFileSync } from 'node:fs';
import { waitFor } from '../test/harness/services.js';
import { api, testKafka, waitForStatus } from '../test/harness/worker.js';
import { rawProduceRate, sampleTopic } from './produce-same.js';

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** One figure: count, time and rate. */
export function line(name: string, n: number, ms: number, unit = 'rows'): void {
  console.log(`${name.padEnd(46)} ${String(n).padStart(9)} ${unit} ${String(Math.round(ms)).padStart(7)} ms ${String(Math.round((n / ms) * 1000)).padStart(9)} ${unit}/s`);
}

export async function recordsIn(topic: string): Promise<number> {
  const kafka = await testKafka();
  if (!(await kafka.topicExists(topic))) return 0;
  let n = 0;
  for (const v of (await kafka.highWatermarks(topic)).values()) n += v;
  return n;
}

/** Peak resident set (VmHWM) of a process, in bytes. */
export function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The envelope's op of a JSON value, with or without schemas. */
export function opOf(value: Buffer | null): string | undefined {
  if (value === null) return undefined;
  const v = JSON.parse(value.toString('utf8')) as { op?: string; payload?: { op?: string } };
  return v.payload?.op ?? v.op;
}

/**
 * Prints and returns the raw produce rate of `n` records like the `op` records of `topic` (a small table of
 * the benched table's shape, captured by the same connector).
 */
export async function produceCeiling(topic: string, op: 'r' | 'u', n: number): Promise<number> {
  const kafka = await testKafka();
  const { rate, avgBytes } = await rawProduceRate(kafka, await sampleTopic(kafka, topic, 2000, (v) => opOf(v) === op), n);
  const what = op === 'r' ? 'snapshot' : 'update';
  console.log(`${`raw produce of its ${what} records (${Math.round(avgBytes)} B)`.padEnd(46)} ${String(Math.round(rate)).padStart(34)} records/s`);
  return rate;
}

const share = (a: number, b: number): string => `${Math.round((a / b) * 100)} %`;

/**
 * Connector config the bench's environment adds: BENCH_SCHEMAS=false, BENCH_CONFIG (a JSON object). Past 2 M rows
 * the connector's topics keep at most 2 GiB each (10 M schema'd records are ~38 GB per pass; the bench counts
 * records by end offsets, so it does not need them kept).
 */
export function connectorOverrides(rows: number): Record<string, string> {
  return {
    ...(rows > 2_000_000 ? {
      'topic.creation.default.replication.factor': '-1', 'topic.creation.default.partitions': '1',
      'topic.creation.default.retention.bytes': String(2 * 1024 ** 3), 'topic.creation.default.segment.bytes': String(256 * 1024 ** 2),
    } : {}),
    ...(process.env.BENCH_SCHEMAS === 'false' ? { 'value.converter.schemas.enable': 'false', 'key.converter.schemas.enable': 'false' } : {}),
    ...(process.env.BENCH_CONFIG ? (JSON.parse(process.env.BENCH_CONFIG) as Record<string, string>) : {}),
  };
}

/** Waits until the snapshot of `rows` rows is in `topic`; prints and returns rows/s since `start`. */
export async function timeSnapshot(topic: string, rows: number, start: number): Promise<number> {
  await waitFor(async () => (await recordsIn(topic)) >= rows, { timeoutMs: 3_600_000, intervalMs: 200, message: 'snapshot in Kafka' });
  line('snapshot → Kafka (connector)', rows, now() - start);
  return (rows / (now() - start)) * 1000;
}

/** Once the connector streams, stops it (so changes pile up for a catch-up run). */
export async function stopOnceStreaming(url: string, name: string): Promise<void> {
  await waitFor(async () => (await api(url).get(`/connectors/${name}/status`)).body?.tasks?.[0]?.progress?.phase === 'streaming',
    { timeoutMs: 600_000, message: 'streaming' });
  await api(url).put(`/connectors/${name}/stop`);
  await waitForStatus(url, name, (st) => st.connector.state === 'STOPPED');
}

/** Commit → Kafka latency of 200 single-row transactions (`update(i)` commits one change to `topic`). */
export async function printLatency(topic: string, update: (i: number) => Promise<unknown>): Promise<void> {
  const latencies: number[] = [];
  let count = await recordsIn(topic);
  for (let i = 0; i < 200; i++) {
    await update(i);
    const committed = now();
    const target = count + 1;
    await waitFor(async () => (await recordsIn(topic)) >= target, { timeoutMs: 60_000, intervalMs: 1 });
    latencies.push(now() - committed);
    count = target;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`${'commit → Kafka latency (200 single-row tx)'.padEnd(46)} p50 ${pct(50)} ms  p99 ${pct(99)} ms  (includes polling Kafka's end offsets)`);
}

/** Peak RSS of the worker, then each rate as a share of its ceilings. */
export function printSummary(workerPid: number, decoder: string, results: Record<string, number>, ceilings: Record<string, number>): void {
  console.log(`${'peak RSS of the worker process'.padEnd(46)} ${(peakRss(workerPid) / 1024 / 1024).toFixed(0)} MiB`);
  console.log('\nsnapshot  : %s of the raw keyset SELECT, %s of the raw produce of the same records',
    share(results.snapshot!, ceilings.select!), share(results.snapshot!, ceilings.produceSnapshot!));
  console.log('streaming : %s of the raw %s decode, %s of the raw produce of the same records',
    share(results.streaming!, ceilings.decode!), decoder, share(results.streaming!, ceilings.produceUpdate!));
}
