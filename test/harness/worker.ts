/**
 * Workers for integration tests: unique group.id and internal topics per test worker, spawned as real
 * `tscdc` processes (dist/src/cli.js) or started in-process, a small REST client, and reading topics back.
 *
 *   const settings = newWorkerSettings('durability');
 *   const w = await spawnWorker(settings);          // real process, REST on a free port
 *   const r = await api(w.url).post('/connectors', {...});
 *   await w.stop();                                  // SIGTERM, waits for exit
 *   await cleanupWorkerTopics(settings, ['topic-the-test-wrote']);
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createKafkaClient, plaintextConnection, type KafkaClient } from '../../src/kafka/index.js';
import type { Logger } from '../../src/logging/index.js';
import { loadWorkerConfig, startWorker, type Worker } from '../../src/worker/index.js';
import { testServices, uniqueName, waitFor } from './services.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // dist/test/harness → repo root
export const CLI = `${ROOT}dist/src/cli.js`;
export const COUNTER_PLUGIN = `${ROOT}dist/test/fixtures/counter-source.js`;

export interface WorkerSettings {
  groupId: string;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  /** Extra worker properties (override the defaults below). */
  props: Record<string, string>;
}

/** Unique group and internal topics, the test connector on plugin.path, fast offset commits. */
export function newWorkerSettings(prefix = 'w', props: Record<string, string> = {}): WorkerSettings {
  const base = uniqueName(prefix);
  return {
    groupId: base,
    configTopic: `${base}_configs`,
    offsetTopic: `${base}_offsets`,
    statusTopic: `${base}_status`,
    props,
  };
}

/** Full worker properties for the test Kafka. */
export async function workerProps(settings: WorkerSettings): Promise<Record<string, string>> {
  const services = await testServices();
  return {
    'bootstrap.servers': services.kafkaBrokers.join(','),
    'group.id': settings.groupId,
    'config.storage.topic': settings.configTopic,
    'offset.storage.topic': settings.offsetTopic,
    'status.storage.topic': settings.statusTopic,
    'offset.storage.partitions': '3',
    'status.storage.partitions': '2',
    'rest.host.name': '127.0.0.1',
    'rest.port': '0',
    'plugin.path': COUNTER_PLUGIN,
    'offset.flush.interval.ms': '200',
    'log.level': 'debug',
    ...settings.props,
  };
}

/** As `CONNECT_*` environment variables, the way the container image passes them. */
function asConnectEnv(props: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) env[`CONNECT_${k.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`] = v;
  return env;
}

export interface SpawnedWorker {
  url: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Parsed JSON log lines so far. */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (null if killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait. */
  kill(): Promise<void>;
}

/** Starts `node dist/src/cli.js` with the settings as CONNECT_* env vars; resolves once its REST API is up. */
export async function spawnWorker(settings: WorkerSettings, extraEnv: Record<string, string> = {}): Promise<SpawnedWorker> {
  const props = await workerProps(settings);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...asConnectEnv(props), ...extraEnv };
  const child = spawn(process.execPath, [CLI], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));

  const logLines = () =>
    output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  const started = await waitFor(
    () => {
      if (exitedEarly) throw new Error(`worker exited during startup:\n${output}`);
      return logLines().find((l) => l.msg === 'worker started');
    },
    { timeoutMs: 90_000, message: 'worker process to start' },
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- worker output ---\n${output}`);
  });
  return {
    url: started.url as string,
    pid: child.pid!,
    output: () => output,
    logLines,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
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

let admin: KafkaClient | undefined;

/** One Kafka client for the test process (reading topics back, cleanup). */
export async function testKafka(): Promise<KafkaClient> {
  if (!admin) {
    const services = await testServices();
    admin = createKafkaClient({ connection: plaintextConnection(services.kafkaBrokers), clientId: 'test-harness', logger: pino({ level: 'silent' }) });
  }
  return admin;
}

export async function closeTestKafka(): Promise<void> {
  await admin?.close();
  admin = undefined;
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

/** Deletes the worker's internal topics and the given output topics. */
export async function cleanupWorkerTopics(settings: WorkerSettings, topics: string[] = []): Promise<void> {
  const kafka = await testKafka();
  const existing = new Set(await kafka.listTopics());
  const names = [settings.configTopic, settings.offsetTopic, settings.statusTopic, ...topics].filter((t) => existing.has(t));
  if (names.length > 0) await kafka.deleteTopics(names);
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

async function call<T>(base: string, method: string, path: string, body?: unknown, init: { contentType?: string; raw?: string } = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: string | undefined;
  if (init.raw !== undefined) payload = init.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** A tiny client for the worker's REST API. */
export function api(base: string) {
  return {
    get: <T = any>(path: string) => call<T>(base, 'GET', path),
    delete: <T = any>(path: string) => call<T>(base, 'DELETE', path),
    post: <T = any>(path: string, body?: unknown, init?: { contentType?: string; raw?: string }) => call<T>(base, 'POST', path, body, init),
    put: <T = any>(path: string, body?: unknown, init?: { contentType?: string; raw?: string }) => call<T>(base, 'PUT', path, body, init),
    patch: <T = any>(path: string, body?: unknown, init?: { contentType?: string; raw?: string }) => call<T>(base, 'PATCH', path, body, init),
    request: <T = any>(method: string, path: string, body?: unknown, init?: { contentType?: string; raw?: string }) => call<T>(base, method, path, body, init),
  };
}

/** Waits until the connector's status satisfies `check` (e.g. connector RUNNING and one task RUNNING). */
export async function waitForStatus(base: string, name: string, check: (status: any) => boolean, message?: string): Promise<any> {
  return waitFor(
    async () => {
      const r = await api(base).get(`/connectors/${encodeURIComponent(name)}/status`);
      return r.status === 200 && check(r.body) ? r.body : undefined;
    },
    { timeoutMs: 60_000, message: message ?? `status of ${name}` },
  );
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
