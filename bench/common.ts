/**
 * What the connector benches share: output lines, Kafka record counts, the worker's CPU and peak RSS per phase,
 * the Kafka-side ceilings (our adapter and Kafka's Java producer, same records, same compression) and the summary.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CompressionType } from '../src/kafka/index.js';
import { testServices } from '../scripts/testbed/providers.js';
import { waitFor } from '../scripts/testbed/util.js';
import { api, testKafka, waitForStatus } from '../scripts/testbed/worker.js';
import { describeStored, storedBytes } from './java-producer.js';
import { javaProduceRate, rawProduceRate, sampleTopic, type JavaProduceResult } from './produce-same.js';

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

let clockTicks: number | undefined;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime: the 14th and 15th
}

/** Resets VmHWM to the current RSS (clear_refs 5), so a phase's peak can be read; false where not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** What one phase of the connector cost the worker process. */
export interface Phase {
  rate: number;
  records: number;
  cpuSeconds: number;
  /** VmHWM during the phase, or over the process's life so far when it could not be reset. */
  peakRss: number;
  peakIsPhase: boolean;
}

/** Runs `fn` (which returns the phase's records/s) and reads the worker's CPU and peak RSS around it. */
export async function measurePhase(pid: number, records: number, fn: () => Promise<number>): Promise<Phase> {
  const peakIsPhase = resetPeakRss(pid);
  const cpu = cpuSeconds(pid);
  const rate = await fn();
  return { rate, records, cpuSeconds: cpuSeconds(pid) - cpu, peakRss: peakRss(pid), peakIsPhase };
}

/** BENCH_COMPRESSION: the compressions to run the connector phases with, default none and lz4. */
export function benchCompressions(): CompressionType[] {
  return (process.env.BENCH_COMPRESSION ?? 'none,lz4').split(',').map((c) => c.trim() as CompressionType).filter(Boolean);
}

/** The envelope's op of a JSON value, with or without schemas. */
export function opOf(value: Buffer | null): string | undefined {
  if (value === null) return undefined;
  const v = JSON.parse(value.toString('utf8')) as { op?: string; payload?: { op?: string } };
  return v.payload?.op ?? v.op;
}

/** The Kafka-side ceilings of one kind of record: our adapter's rate (undefined if it failed) and the Java producer's. */
export interface KafkaCeilings {
  adapter: number | undefined;
  adapterNote: string;
  java: JavaProduceResult;
  /** Key + value bytes of the sampled records, on average. */
  avgBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Produces `n` records like the `op` records of `topic` (a small table of the benched table's shape, captured by
 * the same connector) to fresh 1-partition topics, with `compression`: our adapter as the delivery loop sends, and
 * Kafka's Java producer with the same settings (java-producer.ts), in either order (the benches alternate it: on
 * this shared machine the run after another one's 700 MB of writes often comes out slower). Prints and returns both.
 */
export async function kafkaCeilings(topic: string, op: 'r' | 'u', n: number, compression: CompressionType, javaFirst: boolean): Promise<KafkaCeilings> {
  const kafka = await testKafka();
  const { kafkaBrokers } = await testServices();
  const samples = await sampleTopic(kafka, topic, 2000, (v) => opOf(v) === op);
  const avgBytes = samples.reduce((a, s) => a + (s.key?.length ?? 0) + (s.value?.length ?? 0), 0) / samples.length;
  const what = op === 'r' ? 'snapshot' : 'update';
  const label = (who: string, rate: number) => `${`${who}: its ${what} records, ${compression}`.padEnd(46)} ${String(Math.round(rate)).padStart(34)} records/s `;
  let adapter: number | undefined;
  let adapterNote = '';
  const runJava = async () => {
    const r = await javaProduceRate(kafka, kafkaBrokers, samples, n, { compression });
    console.log(`${label('Java producer', r.rate)} ${Math.round(r.avgValueBytes)} B values, ` +
      `${Math.round(r.metrics['records-per-request-avg'] ?? NaN)} records/request, CPU ${((r.netCpuSeconds / r.records) * 100_000).toFixed(2)} s/100k, ` +
      `peak RSS ${Math.round(r.peakRssBytes / MiB)} MiB ${r.stored ?? ''}`);
    return r;
  };
  const javaBefore = javaFirst ? await runJava() : undefined;
  try {
    const r = await rawProduceRate(kafka, samples, n, compression, kafkaBrokers);
    adapter = r.rate;
    adapterNote = r.stored ?? '';
    console.log(`${label('our adapter', r.rate)} ${Math.round(avgBytes)} B, ${r.perRequest} records/request, CPU ${((r.cpuSeconds / n) * 100_000).toFixed(2)} s/100k ${adapterNote}`);
  } catch (err) {
    adapterNote = `failed: ${(err as Error).message.split('\n')[0]}`;
    console.log(`${`our adapter: its ${what} records, ${compression}`.padEnd(46)} ${adapterNote}`);
  }
  const java = javaBefore ?? (await runJava());
  return { adapter, adapterNote, java, avgBytes };
}

/** For a compressed run: whether the connector's own topic holds compressed batches (`records` of ~`avgBytes`). */
export async function printConnectorStored(topic: string, records: number, avgBytes: number, compression: CompressionType): Promise<string> {
  if (compression === 'none') return '';
  const { kafkaBrokers } = await testServices();
  const stored = describeStored(await storedBytes(kafkaBrokers, topic), records * avgBytes);
  console.log(`${`connector's topic, ${compression}`.padEnd(46)} ${stored}`);
  return stored;
}

const share = (a: number, b: number): string => `${Math.round((a / b) * 100)} %`;

/**
 * Connector config the bench's environment adds: BENCH_SCHEMAS=false, BENCH_CONFIG (a JSON object), then the
 * round's compression (`producer.override.compression.type`, over BENCH_CONFIG's). Past 2 M rows
 * the connector's topics keep at most 2 GiB each (10 M schema'd records are ~38 GB per pass; the bench counts
 * records by end offsets, so it does not need them kept).
 */
export function connectorOverrides(rows: number, compression: CompressionType): Record<string, string> {
  return {
    ...(rows > 2_000_000 ? {
      'topic.creation.default.replication.factor': '-1', 'topic.creation.default.partitions': '1',
      'topic.creation.default.retention.bytes': String(2 * 1024 ** 3), 'topic.creation.default.segment.bytes': String(256 * 1024 ** 2),
    } : {}),
    ...(process.env.BENCH_SCHEMAS === 'false' ? { 'value.converter.schemas.enable': 'false', 'key.converter.schemas.enable': 'false' } : {}),
    ...(process.env.BENCH_CONFIG ? (JSON.parse(process.env.BENCH_CONFIG) as Record<string, string>) : {}),
    'producer.override.compression.type': compression,
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

/** One run of the connector's phases with one compression, and the Kafka-side ceilings measured beside it. */
export interface Round {
  compression: CompressionType;
  snapshot: Phase;
  streaming: Phase;
  snapshotCeilings: KafkaCeilings;
  streamingCeilings: KafkaCeilings;
  /** Whether the connector's topic was compressed ('' for none). */
  stored: string;
}

const k = (rate: number | undefined) => (rate === undefined || !Number.isFinite(rate) ? '—' : `${(rate / 1000).toFixed(1)}k/s`);
const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;

/** A table per compression (tscdc vs Kafka's Java producer vs our adapter, CPU, RSS), then the database-side shares. */
export function printSummary(decoder: string, rounds: readonly Round[], ceilings: { select: number; decode: number }): void {
  for (const r of rounds) {
    console.log(`\ncompression ${r.compression} (producer.override.compression.type=${r.compression}${r.stored ? `; connector's topic ${r.stored}` : ''})`);
    const notes = [r.snapshotCeilings.adapterNote, r.streamingCeilings.adapterNote].filter(Boolean);
    if (notes.length) console.log(`our adapter with ${r.compression}: ${[...new Set(notes)].join('; ')}`);
    console.log('| phase | tscdc | Java producer | share | our adapter | share | worker CPU s/100k | worker peak RSS | Java CPU s/100k | Java peak RSS |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const [name, p, c] of [['snapshot', r.snapshot, r.snapshotCeilings], ['streaming', r.streaming, r.streamingCeilings]] as const) {
      const java = c.java;
      console.log(`| ${name} | ${k(p.rate)} | ${k(java.rate)} | ${share(p.rate, java.rate)} | ${k(c.adapter)} | ${c.adapter ? share(p.rate, c.adapter) : '—'} | ` +
        `${((p.cpuSeconds / p.records) * 100_000).toFixed(2)} | ${mib(p.peakRss)}${p.peakIsPhase ? '' : ' (process)'} | ` +
        `${((java.netCpuSeconds / java.records) * 100_000).toFixed(2)} | ${mib(java.peakRssBytes)} |`);
    }
  }
  const first = rounds[0]!;
  console.log('\ndatabase side (%s): snapshot %s of the raw keyset SELECT (%s), streaming %s of the raw %s decode (%s)',
    first.compression, share(first.snapshot.rate, ceilings.select), k(ceilings.select), share(first.streaming.rate, ceilings.decode), decoder, k(ceilings.decode));
}