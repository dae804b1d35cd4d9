/** The demo's two connectors, registered through the worker's REST API the way a user would with curl. */
import { parseMysqlUrl, parsePgUrl, type ServiceEnv } from '../testbed/index.js';
import { DemoError } from './errors.js';
import type { DemoNames } from './options.js';

export interface ConnectorRequest {
  name: string;
  config: Record<string, string>;
}

export function mariaDbConnector(names: DemoNames, env: ServiceEnv): ConnectorRequest {
  const db = parseMysqlUrl(env.MYSQL_URL);
  return {
    name: names.mysqlConnector,
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
      'tasks.max': '1',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.user,
      ...(db.password ? { 'database.password': db.password } : {}),
      'database.server.id': String(names.serverId),
      'topic.prefix': names.mysqlPrefix,
      'database.include.list': names.mysqlDatabase,
    },
  };
}

export function postgresConnector(names: DemoNames, env: ServiceEnv): ConnectorRequest {
  const db = parsePgUrl(env.PG_URL);
  return {
    name: names.pgConnector,
    config: {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'tasks.max': '1',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.user,
      ...(db.password ? { 'database.password': db.password } : {}),
      'database.dbname': names.pgDatabase,
      'topic.prefix': names.pgPrefix,
      'schema.include.list': names.pgSchema,
      'plugin.name': 'pgoutput',
      'slot.name': names.slot,
      'publication.name': names.publication,
      'publication.autocreate.mode': 'filtered',
    },
  };
}

const SECRET_KEY = /password|secret/i;

/** The same request as a curl command; password values are shown as a placeholder, never in clear. */
export function curlFor(baseUrl: string, request: ConnectorRequest): string {
  const config = Object.fromEntries(Object.entries(request.config).map(([k, v]) => [k, SECRET_KEY.test(k) ? '<password>' : v]));
  const body = JSON.stringify({ name: request.name, config }, null, 2).replace(/'/g, "'\\''");
  return `curl -s -X POST -H 'Content-Type: application/json' ${baseUrl}/connectors -d '${body}'`;
}

export async function registerConnector(baseUrl: string, request: ConnectorRequest): Promise<void> {
  const res = await fetch(`${baseUrl}/connectors`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request),
  });
  if (res.status === 201) return;
  const text = await res.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch { /* not JSON */ }
  throw new DemoError('DEMO_REGISTER_FAILED', `The worker refused connector ${request.name} (HTTP ${res.status}): ${message}`,
    'The message names the config key to fix; the request is printed above as a curl command.');
}

export interface TaskStatus {
  id: number;
  state: string;
  trace?: string;
  progress?: Record<string, unknown> & { phase?: string };
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; trace?: string };
  tasks: TaskStatus[];
}

export async function connectorStatus(baseUrl: string, name: string): Promise<ConnectorStatus | undefined> {
  try {
    const res = await fetch(`${baseUrl}/connectors/${encodeURIComponent(name)}/status`);
    return res.ok ? ((await res.json()) as ConnectorStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** The first failure in a status (connector or task), as text, if any. */
export function failureOf(status: ConnectorStatus | undefined): string | undefined {
  if (!status) return undefined;
  if (status.connector.state === 'FAILED') return status.connector.trace ?? 'connector FAILED (no trace)';
  const task = status.tasks.find((t) => t.state === 'FAILED');
  return task ? (task.trace ?? `task ${task.id} FAILED (no trace)`) : undefined;
}
