/**
 * `/connectors/{name}/snapshots`: ad-hoc (incremental) snapshots over REST — an extension of Connect's API
 * carrying Debezium's signals. The body of POST is the `data` of Debezium's execute-snapshot signal; the command
 * goes to the connector's running task, which snapshots in the background (progress: GET .../status).
 *
 *   POST   /connectors/{name}/snapshots          {"data-collections": [...], "additional-conditions": [...]}
 *   PUT    /connectors/{name}/snapshots/pause
 *   PUT    /connectors/{name}/snapshots/resume
 *   DELETE /connectors/{name}/snapshots          optional {"data-collections": [...]} or ?data-collections=a,b
 *
 * All answer 202 with the command's id; 400 for an invalid body or a command the task refuses (its reason),
 * 404 for an unknown connector, 409 when the connector is not running or takes no such commands.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseSnapshotSignal } from '../../snapshot/index.js';
import type { SnapshotCommand } from '../connect-api/index.js';
import type { Herder } from '../herder/index.js';
import { RestError } from './errors.js';

type Named = FastifyRequest<{ Params: { connector: string }; Querystring: Record<string, unknown> }>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a signal's data into a command, or a 400 naming what is wrong. */
function command(type: string, data: unknown): SnapshotCommand {
  if (data !== undefined && data !== null && !isObject(data)) {
    throw new RestError(400, `Request body must be a JSON object (the data of Debezium's ${type} signal)`);
  }
  const parsed = parseSnapshotSignal(randomUUID(), type, data ?? {});
  if (parsed.ok === true) return parsed.command;
  throw new RestError(400, `Invalid ${type} request: ${parsed.ok === false ? parsed.error : 'unsupported signal type'}`);
}

/** DELETE's tables: the body's `data-collections`, else `?data-collections=a,b` (repeatable). */
function stopData(req: Named): unknown {
  if (req.body !== undefined && req.body !== null) return req.body;
  const raw = req.query['data-collections'];
  if (raw === undefined) return {};
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(',')).map((t) => t.trim()).filter((t) => t !== '');
  if (list.length === 0) throw new RestError(400, 'Invalid stop-snapshot request: "data-collections" names no table');
  return { 'data-collections': list };
}

function answer(connector: string, cmd: SnapshotCommand): Record<string, unknown> {
  const out: Record<string, unknown> = { id: cmd.id, connector };
  if (cmd.kind === 'execute' || (cmd.kind === 'stop' && cmd.dataCollections !== null)) out['data-collections'] = cmd.dataCollections;
  return out;
}

export interface SnapshotsRoutesOptions {
  /** Whether `additional-conditions` may be sent: the API authenticates its callers, or the operator allowed it. */
  additionalConditionsAllowed: boolean;
}

/**
 * Additional conditions are SQL run with the connector's database privileges. Over an API anyone can reach they
 * are refused, unless the operator allowed them (rest.snapshots.additional.conditions.allow). Signals through
 * the signal table or Kafka are not concerned: the database user or the Kafka ACL already decides who sends those.
 */
function refuseUnauthenticatedConditions(cmd: SnapshotCommand): void {
  if (cmd.kind !== 'execute' || Object.keys(cmd.conditions).length === 0) return;
  throw new RestError(403, 'additional-conditions are refused: they run as SQL with the connector\'s privileges, and this REST API has no authentication '
    + '(set rest.auth.basic.file, or rest.snapshots.additional.conditions.allow=true to accept them anyway)');
}

export function registerSnapshotsRoutes(app: FastifyInstance, herder: Herder, options: SnapshotsRoutesOptions): void {
  async function send(req: Named, cmd: SnapshotCommand) {
    await herder.snapshotCommand(req.params.connector, cmd);
    return answer(req.params.connector, cmd);
  }

  app.post('/connectors/:connector/snapshots', async (req: Named, reply) => {
    if (req.body === undefined || req.body === null) {
      throw new RestError(400, 'Request body is missing: it needs "data-collections", the tables to snapshot');
    }
    const cmd = command('execute-snapshot', req.body);
    if (!options.additionalConditionsAllowed) refuseUnauthenticatedConditions(cmd);
    return reply.code(202).send(await send(req, cmd));
  });

  app.put('/connectors/:connector/snapshots/pause', async (req: Named, reply) => reply.code(202).send(await send(req, command('pause-snapshot', {}))));
  app.put('/connectors/:connector/snapshots/resume', async (req: Named, reply) => reply.code(202).send(await send(req, command('resume-snapshot', {}))));

  app.delete('/connectors/:connector/snapshots', async (req: Named, reply) => reply.code(202).send(await send(req, command('stop-snapshot', stopData(req)))));
}
