/**
 * Server prerequisites, checked by `validate` (per-key errors in the validate response) and at task start
 * (a FAILED task whose trace says how to fix it).
 */
import type { ConfigValue, ValidationResult } from '../../connect-api/index.js';
import { CdcError, SourcePrerequisiteError, type ErrorCodeWhere } from '../../errors/index.js';
import { mysqlSettings, type MySqlSettings } from './config.js';
import { checkSignalTable } from './incremental.js';
import { grants, serverInfo, withServer, type ServerInfo } from './server.js';

export interface Problem {
  key: string;
  code: ErrorCodeWhere<false>;
  message: string;
  fix: string;
}

function setting(name: string, value: string | undefined, wanted: string, why: string): Problem | null {
  if ((value ?? '').toUpperCase() === wanted) return null;
  return {
    key: 'database.hostname',
    code: 'MYSQL_BINLOG_MISCONFIGURED',
    message: value === undefined
      ? `The server has no ${name} setting; ${why} needs MariaDB 10.5+ or MySQL 8.0.1+.`
      : `The server runs with ${name}=${value}, but the connector needs ${name}=${wanted}: ${why}.`,
    fix: `Set ${name}=${wanted} in the server's configuration file and run SET GLOBAL ${name}=${wanted} ` +
      '(sessions already open keep the old value until they reconnect).',
  };
}

/** Global privileges named in SHOW GRANTS lines `GRANT a, b ON *.* TO ...`; `ALL PRIVILEGES` stands for all. */
export function globalPrivileges(lines: readonly string[]): { all: boolean; privileges: Set<string>; anySelect: boolean } {
  const privileges = new Set<string>();
  let all = false;
  let anySelect = false;
  for (const line of lines) {
    const m = /^GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s/i.exec(line);
    if (!m) continue;
    const privs = m[1]!.split(',').map((p) => p.trim().toUpperCase().replace(/\s*\(.*\)$/, ''));
    const global = m[2] === '*.*';
    if (privs.includes('SELECT') || privs.includes('ALL PRIVILEGES') || privs.includes('ALL')) anySelect = true;
    if (!global) continue;
    for (const p of privs) {
      if (p === 'ALL PRIVILEGES' || p === 'ALL') all = true;
      privileges.add(p);
    }
  }
  return { all, privileges, anySelect };
}

export function checkServer(info: ServerInfo, grantLines: readonly string[], user: string): Problem[] {
  const v = info.variables;
  const problems: Problem[] = [];
  if ((v.log_bin ?? '').toUpperCase() !== 'ON') {
    problems.push({
      key: 'database.hostname', code: 'MYSQL_BINLOG_OFF',
      message: 'The server does not write a binary log (log_bin=OFF), so there are no changes to capture.',
      fix: 'Start the server with log_bin (e.g. log-bin=mysql-bin), a unique server_id, binlog_format=ROW, binlog_row_image=FULL and binlog_row_metadata=FULL.',
    });
  } else {
    const checks = [
      setting('binlog_format', v.binlog_format, 'ROW', 'only row-based events carry the changed rows'),
      setting('binlog_row_image', v.binlog_row_image, 'FULL', 'events must carry whole rows, before and after'),
      setting('binlog_row_metadata', v.binlog_row_metadata, 'FULL',
        'row events are decoded with the column names and types the binlog carries, so rows written before a later ALTER TABLE decode correctly'),
    ];
    for (const c of checks) if (c) problems.push(c);
  }
  const g = globalPrivileges(grantLines);
  const has = (...names: string[]) => g.all || names.some((n) => g.privileges.has(n) || g.privileges.has('SUPER'));
  const missing: string[] = [];
  if (!has('REPLICATION SLAVE')) missing.push('REPLICATION SLAVE');
  if (!has('REPLICATION CLIENT', 'BINLOG MONITOR')) missing.push(info.flavour === 'mariadb' ? 'BINLOG MONITOR' : 'REPLICATION CLIENT');
  if (!g.all && !g.anySelect) missing.push('SELECT');
  if (missing.length > 0) {
    problems.push({
      key: 'database.user', code: 'MYSQL_MISSING_PRIVILEGES',
      message: `User '${user}' lacks the privilege${missing.length > 1 ? 's' : ''} ${missing.join(', ')} needed to read the binlog and the captured tables.`,
      fix: `Run GRANT ${missing.join(', ')} ON *.* TO '${user}'@'%' (or the user's host); SELECT may be granted per captured database instead.`,
    });
  }
  return problems;
}

export async function inspectServer(s: MySqlSettings): Promise<{ info: ServerInfo; problems: Problem[] }> {
  return withServer(s.connection, 'checking the server', async (q) => {
    const info = await serverInfo(q);
    return { info, problems: checkServer(info, await grants(q), s.connection.user) };
  });
}

function keysFor(err: CdcError): string[] {
  switch (err.code) {
    case 'MYSQL_ACCESS_DENIED': return ['database.user', 'database.password'];
    case 'MYSQL_UNKNOWN_HOST': return ['database.hostname'];
    case 'MYSQL_UNAVAILABLE': return ['database.hostname', 'database.port'];
    case 'MYSQL_MISSING_PRIVILEGES': return ['database.user'];
    case 'MYSQL_TLS_FAILED': return ['database.ssl.mode'];
    default: return ['database.hostname'];
  }
}

/** `ConnectorPlugin.validate`: never throws for a user error. */
export async function validateMySql(settings: Readonly<Record<string, ConfigValue>>): Promise<ValidationResult> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, text: string) => (errors[key] ??= []).push(text);
  if (typeof settings['database.hostname'] !== 'string' || typeof settings['database.user'] !== 'string'
    || typeof settings['database.port'] !== 'number') return { errors };
  let s: MySqlSettings;
  try {
    s = mysqlSettings(settings, 'validate');
  } catch (err) {
    add(err instanceof CdcError && 'key' in err && typeof err.key === 'string' ? err.key : 'database.hostname', String((err as Error).message));
    return { errors };
  }
  try {
    const { problems } = await inspectServer(s);
    for (const p of problems) add(p.key, `${p.message} Fix: ${p.fix}`);
    if (s.signals.dataCollection) for (const p of await checkSignalTable(s, s.signals.dataCollection)) add('signal.data.collection', p);
  } catch (err) {
    const e = err instanceof CdcError ? err : new CdcError('MYSQL_ERROR', String(err));
    const fix = e.fix ?? (e.code === 'MYSQL_UNAVAILABLE'
      ? 'Check database.hostname and database.port, and that the server is running and accepts connections from this worker.'
      : undefined);
    for (const key of keysFor(e)) add(key, fix ? `${e.message} Fix: ${fix}` : e.message);
  }
  return { errors };
}

/** At task start: the first problem as a FAILED task's error. */
export function prerequisiteError(problems: readonly Problem[]): SourcePrerequisiteError | null {
  const p = problems[0];
  if (!p) return null;
  const rest = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((x) => x.code).join(', ')})` : '';
  return new SourcePrerequisiteError(p.code, p.message + rest, p.fix);
}
