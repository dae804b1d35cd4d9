/**
 * Workers for tests and benches: unique group.id and internal topics per worker, spawned as real `tscdc`
 * processes (dist/src/cli.js, so build first), a small client for their REST API, and one Kafka client to read
 * topics and clean up after them. Test-only helpers (in-process workers, the test connectors) are in test/harness.
 *
 *   const settings = newWorkerSettings('durability');
 *   const w = await spawnWorker(settings);          // real process, REST on a free port
 *   const r = await api(w.url).post('/connectors', {...});
 *   await w.stop();                                  // SIGTERM, waits for exit
 *   await cleanupWorkerTopics(settings, ['topic-the-test-wrote']);
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { createKafkaClient, plaintextConnection, type KafkaClient } from '../../src/kafka/index.js';
import { repoRoot } from './env.js';
import { testServices } from './providers.js';
import { uniqueName, waitFor } from './util.js';

export const CLI = join(repoRoot(), 'dist', 'src', 'cli.js');

export interface WorkerSettings {
  groupId: string;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  /** Extra worker properties (override the defaults below). */
  props: Record<string, string>;
}

/** Unique group and internal topics; `props` go over workerProps' defaults. */
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

/** Full worker properties for the test Kafka: REST on a free port, fast offset commits, debug logs. */
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
  const child = spawn(process.execPath, [CLI], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
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

let admin: KafkaClient | undefined;

/** One Kafka client for the process (reading topics back, counting records, cleanup). */
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
  let last = 'no answer yet';
  try {
    return await waitFor(
      async () => {
        const r = await api(base).get(`/connectors/${encodeURIComponent(name)}/status`);
        last = `${r.status} ${JSON.stringify(r.body)}`;
        return r.status === 200 && check(r.body) ? r.body : undefined;
      },
      { timeoutMs: 60_000, message: message ?? `status of ${name}` },
    );
  } catch (err) {
    // The status seen last is what tells a slow start from a wrong state when this fails in CI.
    throw new Error(`${(err as Error).message}; last status: ${last.slice(0, 4000)}`, { cause: err });
  }
}
