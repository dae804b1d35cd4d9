/**
 * The demo's worker: a real `node dist/src/cli.js <properties>` process in its own process group (so Ctrl-C
 * reaches only the demo, which then stops the worker with one SIGTERM), logging to `.services/<stateDir>/worker.log`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot, servicesDir } from '../testbed/index.js';
import { DemoError } from './errors.js';
import type { DemoNames } from './options.js';

export interface DemoWorker {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  propsFile: string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** SIGTERM (the worker delivers what it queued and commits offsets), then waits for the exit. */
  stop(): Promise<number | null>;
}

export function workerPaths(names: DemoNames) {
  const dir = join(servicesDir(), names.stateDir);
  return { dir, props: join(dir, 'worker.properties'), log: join(dir, 'worker.log'), pid: join(dir, 'worker.pid') };
}

export function workerProperties(names: DemoNames, brokers: string, port: number): string {
  return [
    '# Written by `npm run demo` (scripts/demo.ts) for its worker; rewritten on every run.',
    `bootstrap.servers=${brokers}`,
    `group.id=${names.groupId}`,
    `config.storage.topic=${names.configTopic}`,
    `offset.storage.topic=${names.offsetTopic}`,
    `status.storage.topic=${names.statusTopic}`,
    'offset.storage.partitions=1',
    'status.storage.partitions=1',
    'rest.host.name=127.0.0.1',
    `rest.port=${port}`,
    'offset.flush.interval.ms=1000',
    'log.level=info',
    '',
  ].join('\n');
}

/** `preferred` if nothing listens there, else (or for 0) a free port the OS picks. */
export async function choosePort(preferred: number): Promise<number> {
  if (preferred !== 0 && (await listenable(preferred)) !== undefined) return preferred;
  const port = await listenable(0);
  if (port === undefined) throw new DemoError('DEMO_NO_PORT', 'No free TCP port on 127.0.0.1 for the worker\'s REST API.', 'Free a port and pass it with --port.');
  return port;
}

function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A worker left behind by an earlier run of this demo instance (its pid file, checked against its command line). */
export async function stopStaleWorker(names: DemoNames, log: (msg: string) => void): Promise<void> {
  const paths = workerPaths(names);
  if (!existsSync(paths.pid)) return;
  const pid = Number.parseInt(readFileSync(paths.pid, 'utf8'), 10);
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch { /* not running */ }
  if (Number.isInteger(pid) && pid > 0 && cmd.includes(paths.props)) {
    log(`stopping the worker of an earlier demo run (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 600 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(paths.pid, { force: true });
}

export async function startDemoWorker(names: DemoNames, brokers: string, port: number): Promise<DemoWorker> {
  const paths = workerPaths(names);
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.props, workerProperties(names, brokers, port));
  const cli = join(repoRoot(), 'dist', 'src', 'cli.js');
  if (!existsSync(cli)) throw new DemoError('DEMO_NOT_BUILT', `${cli} does not exist.`, 'Build first: npm run build (npm run demo does).');
  const fd = openSync(paths.log, 'w');
  const child = spawn(process.execPath, [cli, paths.props], { cwd: repoRoot(), detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.on('error', () => undefined);
  const pid = child.pid!;
  writeFileSync(paths.pid, `${pid}\n`);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => {
    code = c;
    rmSync(paths.pid, { force: true });
    resolve(c);
  }));
  const url = `http://127.0.0.1:${port}`;
  const worker: DemoWorker = {
    url, port, pid, logFile: paths.log, propsFile: paths.props, exited,
    hasExited: () => code !== undefined,
    async stop() {
      if (code === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
  await waitHealthy(worker);
  return worker;
}

async function waitHealthy(worker: DemoWorker): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (worker.hasExited()) {
      throw new DemoError('DEMO_WORKER_EXITED', `The worker exited during startup. Last lines of ${worker.logFile}:\n${logTail(worker.logFile)}\n(end of log)`,
        'Fix what the log says; the worker settings are in the properties file next to it.');
    }
    try {
      const res = await fetch(`${worker.url}/health`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await worker.stop();
  throw new DemoError('DEMO_WORKER_TIMEOUT', `The worker did not become healthy within 120 s. Last lines of ${worker.logFile}:\n${logTail(worker.logFile)}\n(end of log)`,
    'Check that Kafka answers (npm run services:up) and what the log says.');
}

export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
