/**
 * The tests' workers: spawned workers, the REST client and the Kafka client come from scripts/testbed/worker.ts
 * (shared with the benches); here, what only tests use: the test connectors on plugin.path (every worker of
 * newWorkerSettings gets test.CounterSource), workers started in-process, reading topics back, counter helpers.
 *
 *   const settings = newWorkerSettings('durability');
 *   const w = await spawnWorker(settings);          // real process, REST on a free port
 *   const r = await api(w.url).post('/connectors', {...});
 *   await w.stop();                                  // SIGTERM, waits for exit
 *   await cleanupWorkerTopics(settings, ['topic-the-test-wrote']);
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Consumer } from '@platformatic/kafka';
import { testServices } from '../../scripts/testbed/providers.js';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Logger } from '../../src/logging/index.js';
import { loadWorkerConfig, startWorker, type Worker } from '../../src/worker/index.js';
import { newWorkerSettings as workerSettings, testKafka, workerProps, type WorkerSettings } from '../../scripts/testbed/worker.js';

export {
  api,
  CLI,
  cleanupWorkerTopics,
  closeTestKafka,
  spawnWorker,
  testKafka,
  waitForStatus,
  workerProps,
  type ApiResponse,
  type SpawnedWorker,
  type WorkerSettings,
} from '../../scripts/testbed/worker.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // dist/test/harness → repo root
export const COUNTER_PLUGIN = `${ROOT}dist/test/fixtures/counter-source.js`;

/** Unique group and internal topics, the test connector on plugin.path (unless `props` name their own). */
export function newWorkerSettings(prefix = 'w', props: Record<string, string> = {}): WorkerSettings {
  return workerSettings(prefix, { 'plugin.path': COUNTER_PLUGIN, ...props });
}

export interface InProcessWorker {
  worker: Worker;
  url: string;
  /** JSON log lines written so far. */
  logs(): string;
  stop(): Promise<void>;
}

/** A logger writing JSON lines into memory (tests inspect them). */
export function memoryLogger(level = 'debug'): { logger: Logger; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: pino({ level }, stream), text: () => text };
}

/** The same worker in this process (faster to start; used where a real process adds nothing). */
export async function startInProcessWorker(settings: WorkerSettings, env: Record<string, string> = {}): Promise<InProcessWorker> {
  const props = await workerProps(settings);
  const config = loadWorkerConfig({ env: {}, overrides: props });
  const { logger, text } = memoryLogger(props['log.level']);
  const worker = await startWorker(config, { logger, env });
  return { worker, url: worker.url, logs: text, stop: () => worker.stop() };
}

export interface TopicRecord {
  key: string | null;
  value: string | null;
  partition: number;
  offset: number;
}

/** Every record currently in the topic (empty if it does not exist). */
export async function readTopic(topic: string): Promise<TopicRecord[]> {
  const kafka = await testKafka();
  if (!(await kafka.topicExists(topic))) return [];
  const out: TopicRecord[] = [];
  await kafka.readToEnd(topic, (key, value, partition, offset) => {
    out.push({ key: key?.toString() ?? null, value: value?.toString() ?? null, partition, offset });
  });
  return out;
}

export const isRunning = (s: any, tasks = 1) =>
  s.connector.state === 'RUNNING' && s.tasks.length === tasks && s.tasks.every((t: any) => t.state === 'RUNNING');

/** A test.CounterSource connector config. */
export function counterConfig(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'connector.class': 'test.CounterSource', topic, 'tasks.max': '1', ...extra };
}

/** The counter values (`n`) in a topic written by test.CounterSource with schemas enabled. */
export async function counterValues(topic: string): Promise<number[]> {
  return (await readTopic(topic)).map((r) => (JSON.parse(r.value!) as { payload: { n: number } }).payload.n);
}

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: number;
}

/** Every record currently in the topic with its headers, bytes as written (for Avro and header checks). */
export async function readRawTopic(topic: string): Promise<RawRecord[]> {
  const kafka = await testKafka();
  if (!(await kafka.topicExists(topic))) return [];
  const ends = await kafka.highWatermarks(topic);
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  const s = await testServices();
  const consumer = new Consumer({ clientId: 'test-raw-reader', groupId: `test-raw-${randomUUID()}`, bootstrapBrokers: s.kafkaBrokers });
  const out: RawRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    for await (const m of stream) {
      const headers: Record<string, string> = {};
      for (const [k, v] of (m.headers as Map<Buffer, Buffer>) ?? []) headers[k.toString('utf8')] = v.toString('utf8');
      const key = m.key as Buffer | null | undefined;
      const value = m.value as Buffer | null | undefined;
      out.push({ key: key && key.length > 0 ? key : null, value: value && value.length > 0 ? value : null, headers, partition: m.partition, offset: Number(m.offset) });
      if (out.length >= total) break;
    }
    await stream.close().catch(() => undefined);
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
