/** What the connector benches share: output lines, Kafka record counts, peak RSS, the summary of shares. */
import { readFileSync } from 'node:fs';
import { testKafka } from '../test/harness/worker.js';
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

export const share = (a: number, b: number): string => `${Math.round((a / b) * 100)} %`;
