/**
 * Command-line options of `npm run demo` and every name the demo uses (databases, topics, slot, worker group),
 * derived from one `--instance` so a test run never collides with a user's demo.
 */
import { DemoError } from './errors.js';

export interface DemoOptions {
  /** Empty for the user's demo; a short [a-z0-9_] id for parallel/test runs. */
  instance: string;
  /** REST port; 8083 by default (another free one when busy), 0 = any free port. */
  port: number;
  /** Exit 0 once the scripted changes were seen in Kafka (used by the test). */
  exitAfterChanges: boolean;
  /** Give up after this many seconds (0 = never). Default 300 with --exit-after-changes, else 0. */
  timeoutSec: number;
}

export interface DemoNames {
  mysqlDatabase: string;
  pgDatabase: string;
  /** Schema inside pgDatabase. */
  pgSchema: string;
  mysqlPrefix: string;
  pgPrefix: string;
  mysqlConnector: string;
  pgConnector: string;
  slot: string;
  publication: string;
  /** Replica server id the MariaDB connector announces; must differ per concurrent demo. */
  serverId: number;
  groupId: string;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  /** Directory (relative to .services/) for the worker's properties, log and pid file. */
  stateDir: string;
}

export const USAGE = `usage: npm run demo -- [--exit-after-changes] [--port N] [--instance ID] [--timeout SECONDS]

  --exit-after-changes  exit 0 once the scripted insert/update/delete events arrived (default: run until Ctrl-C)
  --port N              REST port of the demo worker (default 8083, or a free one when 8083 is busy; 0 = any)
  --instance ID         suffix for every name the demo uses (databases, topics, slot), for runs side by side
  --timeout SECONDS     give up after this long (default: 300 with --exit-after-changes, else never)

Services come from KAFKA_BROKERS, MYSQL_URL and PG_URL when all are set, else from .services/env
(npm run services:up), else they are started like npm run services:up does.`;

export function parseDemoArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): DemoOptions | 'help' {
  const opts: DemoOptions = { instance: env.DEMO_INSTANCE ?? '', port: 8083, exitAfterChanges: false, timeoutSec: -1 };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw usageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '--help': case '-h': return 'help';
      case '--exit-after-changes': opts.exitAfterChanges = true; break;
      case '--port': opts.port = integer(take(), flag, 0, 65535); break;
      case '--timeout': opts.timeoutSec = integer(take(), flag, 0, 86_400); break;
      case '--instance': opts.instance = take(); break;
      default: throw usageError(`unknown argument ${arg}`);
    }
  }
  if (opts.instance !== '' && !/^[a-z][a-z0-9_]{0,39}$/.test(opts.instance)) {
    throw usageError(`--instance must be 1-40 characters of a-z, 0-9 and _, starting with a letter (got "${opts.instance}")`);
  }
  if (opts.timeoutSec < 0) opts.timeoutSec = opts.exitAfterChanges ? 300 : 0;
  return opts;
}

function integer(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(`${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  return n;
}

function usageError(message: string): DemoError {
  return new DemoError('DEMO_USAGE', message, `Run with --help to see the options.`);
}

export function demoNames(instance: string): DemoNames {
  const sfx = instance ? `_${instance}` : '';
  const dash = instance ? `-${instance}` : '';
  return {
    mysqlDatabase: `inventory${sfx}`,
    pgDatabase: `demo${sfx}`,
    pgSchema: 'inventory',
    mysqlPrefix: `dbserver1${sfx}`,
    pgPrefix: `pgserver1${sfx}`,
    mysqlConnector: `mariadb-inventory${dash}`,
    pgConnector: `postgres-inventory${dash}`,
    slot: `tscdc_demo${sfx}`,
    publication: `tscdc_demo${sfx}_pub`,
    // Debezium's tutorial uses 184054; other instances get a stable id of their own.
    serverId: instance ? 200_000 + (hash(instance) % 1_000_000_000) : 184054,
    groupId: `tscdc-demo${dash}`,
    configTopic: `tscdc-demo${dash}-configs`,
    offsetTopic: `tscdc-demo${dash}-offsets`,
    statusTopic: `tscdc-demo${dash}-status`,
    stateDir: instance ? `demo/${instance}` : 'demo',
  };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Every Kafka topic of a demo run: output topics (by prefix), heartbeats and the worker's internal topics. */
export function isDemoTopic(names: DemoNames, topic: string): boolean {
  if ([names.configTopic, names.offsetTopic, names.statusTopic].includes(topic)) return true;
  return [names.mysqlPrefix, names.pgPrefix].some((p) => topic === p || topic.startsWith(`${p}.`) || topic === `__debezium-heartbeat.${p}`);
}
