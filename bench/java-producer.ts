/**
 * Kafka's own Java producer as a ceiling: `org.apache.kafka.tools.ProducerPerformance` (what
 * kafka-producer-perf-test.sh runs) from the Kafka jars, sending given payloads with the settings of our
 * delivery loop. Its records/sec is its own clock from the first send to the last acknowledgement (JVM start-up
 * excluded); CPU seconds and peak RSS come from the JVM's rusage (GNU time, i.e. wait4 of the child), CPU net of
 * a 1-record run (JVM start-up, producer set-up, close).
 *
 * Jars: `KAFKA_LIBS` (default `<repo>/.services/kafka/libs`, where the test bed, scripts/testbed/kafka-tools.ts,
 * installs Kafka with kafka-tools). Without GNU time (/usr/bin/time, Debian package `time`) CPU and RSS are not reported.
 * JVM flags: `BENCH_JAVA_OPTS`, default those of kafka-producer-perf-test.sh (-Xmx512M, G1 as kafka-run-class.sh).
 * `BENCH_JAVA_PROPS='k=v,k=v'` adds producer properties (to try e.g. send.buffer.bytes=-1; not the same thing as
 * our delivery loop any more).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servicesDir } from '../scripts/testbed/index.js';

/** Producer settings of our delivery loop's path (see java-ceiling.ts for why these are the same thing). */
export interface JavaProducerSettings {
  compression: string;
  /** Default 0: our delivery loop sends what is queued as soon as the previous request is acknowledged. */
  lingerMs?: number;
  /** Default 1 MiB: our delivery loop's ~1 MB per request, one partition batch per request. */
  batchSize?: number;
}

export interface JavaProducerResult {
  records: number;
  rate: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  /** CPU seconds of the JVM for the whole run, and net of the 1-record run's. */
  cpuSeconds: number;
  netCpuSeconds: number;
  peakRssBytes: number;
  /** producer-metrics of the run: records-per-request-avg, batch-size-avg, compression-rate-avg, ... */
  metrics: Record<string, number>;
}

const DEFAULT_JVM_OPTS = '-Xmx512M -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true';

export const jvmOpts = (): string[] => (process.env.BENCH_JAVA_OPTS ?? DEFAULT_JVM_OPTS).split(/\s+/).filter(Boolean);

/** The producer properties passed to ProducerPerformance. */
export function javaProducerProps(s: JavaProducerSettings): Record<string, string> {
  const batchSize = s.batchSize ?? 1_048_576;
  return {
    acks: 'all',
    'enable.idempotence': 'true',
    'max.in.flight.requests.per.connection': '1',
    'batch.size': String(batchSize),
    'linger.ms': String(s.lingerMs ?? 0),
    'max.request.size': String(Math.max(1_048_576, batchSize)),
    'compression.type': s.compression,
    ...Object.fromEntries((process.env.BENCH_JAVA_PROPS ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
}

let classpath: string | undefined;

/** The test bed's Kafka jars (`services:up` installs kafka-tools with them, for ProducerPerformance). */
export function kafkaClasspath(): string {
  if (classpath) return classpath;
  const libs = process.env.KAFKA_LIBS ?? join(servicesDir(), 'kafka', 'libs');
  if (!existsSync(libs) || !readdirSync(libs).some((f) => /^kafka-tools-\d.*\.jar$/.test(f))) {
    throw new Error(`no Kafka tools jars in ${libs} (run npm run services:up, or set KAFKA_LIBS)`);
  }
  classpath = `${libs}/*`;
  return classpath;
}

const javaBin = (): string => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');

/** Runs a Kafka tool class; resolves with stdout (stderr added on failure). */
function runTool(mainClass: string, args: string[], timeFile?: string): Promise<string> {
  const java = [...jvmOpts(), '-cp', kafkaClasspath(), mainClass, ...args];
  const [cmd, argv] = timeFile ? ['/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', javaBin(), ...java]] : [javaBin(), java];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${mainClass} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const SUMMARY = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, \d+ ms 50th/m;
const METRIC = /^producer-metrics:([\w-]+):\{[^}]*\}\s*:\s*(\S+)$/gm;

async function perfRun(brokers: readonly string[], topic: string, payloadFile: string, records: number, props: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-java-'));
  const timeFile = join(dir, 'time');
  try {
    const out = await runTool('org.apache.kafka.tools.ProducerPerformance', [
      '--bootstrap-server', brokers.join(','), '--topic', topic, '--num-records', String(records), '--throughput', '-1',
      '--payload-file', payloadFile, '--print-metrics', '--command-property', ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
    ], existsSync('/usr/bin/time') ? timeFile : undefined);
    const m = SUMMARY.exec(out);
    if (!m) throw new Error(`no summary line in ProducerPerformance's output:\n${out.slice(-2000)}`);
    const metrics: Record<string, number> = {};
    for (const [, name, value] of out.matchAll(METRIC)) metrics[name!] = Number(value);
    const [user, sys, maxKb] = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN];
    return {
      records: Number(m[1]), rate: Number(m[2]), mbPerSec: Number(m[3]), avgLatencyMs: Number(m[4]), maxLatencyMs: Number(m[5]),
      cpuSeconds: user! + sys!, peakRssBytes: maxKb! * 1024, metrics,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let startupCpu: Promise<number> | undefined;

/**
 * ProducerPerformance sending `records` payloads of `payloadFile` (one per line, picked at random, null keys)
 * to `topic` (which should exist, with one partition). The first call also times a 1-record run, once per
 * process, whose CPU is subtracted as the JVM's start-up.
 */
export async function runJavaProducer(brokers: readonly string[], topic: string, payloadFile: string, records: number, settings: JavaProducerSettings): Promise<JavaProducerResult> {
  const props = javaProducerProps(settings);
  startupCpu ??= perfRun(brokers, topic, payloadFile, 1, props).then((r) => r.cpuSeconds);
  const base = await startupCpu;
  const r = await perfRun(brokers, topic, payloadFile, records, props);
  return { ...r, netCpuSeconds: r.cpuSeconds - base };
}

/** Writes values one per line for --payload-file; throws if one holds a newline or is not UTF-8 text. */
export function writePayloadFile(values: readonly Buffer[]): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-payload-'));
  for (const v of values) {
    if (v.includes(0x0a)) throw new Error('a payload holds a raw newline: ProducerPerformance would split it');
    if (!Buffer.from(v.toString('utf8'), 'utf8').equals(v)) throw new Error('a payload is not UTF-8: ProducerPerformance reads the file as text');
  }
  const path = join(dir, 'payloads.txt');
  writeFileSync(path, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bytes the broker's log directories hold for `topic` (Kafka's LogDirsCommand): shows whether batches were compressed. */
export async function storedBytes(brokers: readonly string[], topic: string): Promise<number> {
  const out = await runTool('org.apache.kafka.tools.LogDirsCommand', ['--bootstrap-server', brokers.join(','), '--describe', '--topic-list', topic]);
  const json = out.split('\n').find((l) => l.startsWith('{'));
  if (!json) throw new Error(`LogDirsCommand printed no JSON:\n${out}`);
  let bytes = 0;
  for (const b of (JSON.parse(json) as { brokers: Array<{ logDirs: Array<{ partitions: Array<{ partition: string; size: number }> }> }> }).brokers) {
    for (const d of b.logDirs) for (const p of d.partitions) if (p.partition.startsWith(`${topic}-`)) bytes += p.size;
  }
  return bytes;
}

/** "stored 18 % of the raw bytes (compressed)" for `stored` log bytes against `raw` bytes of keys and values. */
export function describeStored(stored: number, raw: number): string {
  const pct = (stored / raw) * 100;
  return `stored ${pct.toFixed(0)} % of the raw bytes (${pct < 80 ? 'compressed' : 'NOT compressed'})`;
}
