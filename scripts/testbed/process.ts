/**
 * The test bed's servers are plain processes, detached from whoever started them, found again through pid files
 * (checked against /proc/<pid>/cmdline, against pid reuse). Here: spawning them, liveness, SIGTERM then SIGKILL,
 * free-port checks, finding binaries, running a command, waiting until a server answers, and the error that
 * carries the tail of a server's log.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { repoTag, servicesDir } from './env.js';

export type ServiceName = 'kafka' | 'mariadb' | 'postgres' | 'schema-registry';

export class ServiceStartError extends Error {
  constructor(
    readonly service: ServiceName | 'setup',
    reason: string,
    readonly logFile?: string,
    readonly logTail?: string,
  ) {
    super(
      `${service}: ${reason}` +
        (logFile ? `\n--- last lines of ${logFile} ---\n${logTail ?? '(log file is empty or missing)'}\n--- end of ${logFile} ---` : ''),
    );
    this.name = 'ServiceStartError';
  }
}

export type Log = (msg: string) => void;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function tail(file: string, lines = 40): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    if (!text) return undefined;
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** pid from a pid file, if that process is alive and its command line mentions `marker` (guards against pid reuse). */
export function livePid(pidFile: string, marker: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim().split('\n')[0]!, 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmd = cmdline(pid);
  if (cmd && !cmd.includes(marker)) return undefined;
  return pid;
}

export async function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

export async function terminate(pid: number, what: string, log: Log, graceMs = 60_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitExit(pid, graceMs)) return;
  log(`${what} (pid ${pid}) did not stop within ${graceMs / 1000}s; sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await waitExit(pid, 10_000);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function requirePortFree(service: ServiceName, port: number): Promise<void> {
  if (!(await portFree(port))) {
    throw new ServiceStartError(
      service,
      `port ${port} on 127.0.0.1 is already in use by a process this script did not start (no live pid file under .services/). ` +
        `Find it with \`ss -ltnp 'sport = :${port}'\` and stop it.`,
    );
  }
}

/** Find an executable in PATH plus the sbin dirs (mariadbd lives in /usr/sbin, often not in a non-root PATH). */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function requireBin(service: ServiceName | 'setup', name: string, debianPackage: string): string {
  const p = which(name);
  if (!p) throw new ServiceStartError(service, `\`${name}\` not found. Install it: apt-get install -y ${debianPackage}`);
  return p;
}

export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.error) return { status: null, out: String(r.error) };
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * Run a long command (a build) without blocking the event loop, which the other services' health checks share;
 * stdout+stderr are appended to `logFile`. Resolves with the exit status (null: it could not start or was killed).
 */
export function runToLog(cmd: string, args: string[], logFile: string, cwd: string): Promise<number | null> {
  const fd = openSync(logFile, 'a');
  return new Promise<number | null>((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', fd, fd] });
    child.once('error', () => resolve(null));
    child.once('close', (code) => resolve(code));
  }).finally(() => closeSync(fd));
}

/** Spawn a long-running server detached from us, stdout+stderr appended to `logFile`. */
export function spawnDetached(cmd: string, args: string[], logFile: string, cwd: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`failed to spawn ${cmd}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export async function waitHealthy(
  service: ServiceName,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; pid?: () => number | undefined; logFile: string; dataDir?: string },
): Promise<void> {
  const hint = opts.dataDir ? ` (if its data is damaged, remove ${opts.dataDir} for a fresh start)` : '';
  const end = Date.now() + opts.timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    if (opts.pid && opts.pid() === undefined) {
      throw new ServiceStartError(service, `the server process exited during startup${hint}`, opts.logFile, tail(opts.logFile));
    }
    await sleep(500);
  }
  throw new ServiceStartError(service, `did not become ready within ${opts.timeoutMs / 1000}s${hint}`, opts.logFile, tail(opts.logFile));
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Processes whose command line points into our state dirs (i.e. servers the test bed started). */
export function strayProcesses(): { pid: number; cmd: string }[] {
  const markers = [servicesDir(), join('/var/tmp', `tscdc-${repoTag()}-pg`)];
  const out: { pid: number; cmd: string }[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const cmd = cmdline(pid);
    if (!markers.some((m) => cmd.includes(m))) continue;
    // only server processes (not e.g. an editor or `tail -f` on a log file)
    if (/(^|\/)(java|mariadbd|postgres)\s/.test(cmd)) out.push({ pid, cmd });
  }
  return out;
}
