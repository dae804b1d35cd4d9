/**
 * `/connectors/...`: Kafka Connect's ConnectorsResource — same paths, status codes and bodies.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Herder } from '../herder/index.js';
import { configMap, createConnectorRequest, offsetsBody, withConnectorName } from './body.js';
import { NOT_FOUND, RestError } from './errors.js';

type Named = FastifyRequest<{ Params: { connector: string } }>;
type Tasked = FastifyRequest<{ Params: { connector: string; task: string } }>;

export interface ConnectorsRoutesOptions {
  herder: Herder;
  topicTrackingEnabled: boolean;
  topicTrackingAllowReset: boolean;
}

function flag(value: unknown): boolean {
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof v === 'string' && v.toLowerCase() === 'true';
}

/** Jersey answers a path whose {task} is not an integer with a plain 404. */
function taskId(raw: string): number {
  if (!/^-?\d+$/.test(raw)) throw new RestError(404, NOT_FOUND);
  return Number(raw);
}

function location(name: string): string {
  return `/connectors/${encodeURIComponent(name)}`;
}

export function registerConnectorsRoutes(app: FastifyInstance, { herder, topicTrackingEnabled, topicTrackingAllowReset }: ConnectorsRoutesOptions): void {
  app.get('/connectors', async (req: FastifyRequest<{ Querystring: { expand?: string | string[] } }>) => {
    const expand = req.query.expand;
    if (expand === undefined) return herder.connectors();
    const expansions = Array.isArray(expand) ? expand : [expand];
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of herder.connectors()) {
      try {
        const entry: Record<string, unknown> = {};
        for (const e of expansions) {
          if (e === 'status') entry.status = herder.connectorStatus(name);
          else if (e === 'info') entry.info = herder.connectorInfo(name);
        }
        out[name] = entry;
      } catch {
        // deleted (or not yet started) while we looked: left out, as Connect does
      }
    }
    return out;
  });

  app.post('/connectors', async (req, reply) => {
    const { name, config, initialState } = createConnectorRequest(req.body);
    const { result } = await herder.putConnectorConfig(name, withConnectorName(name, config), { allowReplace: false, initialState });
    return reply.code(201).header('location', location(name)).send(result);
  });

  app.get('/connectors/:connector', async (req: Named) => herder.connectorInfo(req.params.connector));
  app.get('/connectors/:connector/config', async (req: Named) => herder.connectorConfig(req.params.connector));

  app.put('/connectors/:connector/config', async (req: Named, reply) => {
    const name = req.params.connector;
    const config = withConnectorName(name, configMap(req.body));
    const { created, result } = await herder.putConnectorConfig(name, config, { allowReplace: true });
    if (created) reply.code(201).header('location', location(name));
    return reply.send(result);
  });

  app.patch('/connectors/:connector/config', async (req: Named) => {
    const name = req.params.connector;
    const patch = configMap(req.body);
    if (patch.name !== undefined && patch.name !== null) withConnectorName(name, patch); // throws on a mismatch
    return herder.patchConnectorConfig(name, patch);
  });

  app.get('/connectors/:connector/status', async (req: Named) => herder.connectorStatus(req.params.connector));
  app.get('/connectors/:connector/tasks', async (req: Named) => herder.taskConfigs(req.params.connector));
  app.get('/connectors/:connector/tasks-config', async (req: Named) => herder.tasksConfig(req.params.connector));

  app.get('/connectors/:connector/tasks/:task/status', async (req: Tasked) => herder.taskStatus(req.params.connector, taskId(req.params.task)));

  app.post('/connectors/:connector/tasks/:task/restart', async (req: Tasked, reply: FastifyReply) => {
    await herder.restartTask(req.params.connector, taskId(req.params.task));
    return reply.code(204).send();
  });

  app.post('/connectors/:connector/restart', async (req: FastifyRequest<{ Params: { connector: string }; Querystring: Record<string, unknown> }>, reply) => {
    const includeTasks = flag(req.query.includeTasks);
    const onlyFailed = flag(req.query.onlyFailed);
    if (!includeTasks && !onlyFailed) {
      await herder.restartConnector(req.params.connector);
      return reply.code(204).send();
    }
    return reply.code(202).send(await herder.restartConnectorAndTasks(req.params.connector, { includeTasks, onlyFailed }));
  });

  app.put('/connectors/:connector/pause', async (req: Named, reply) => {
    await herder.pauseConnector(req.params.connector);
    return reply.code(202).send();
  });
  app.put('/connectors/:connector/resume', async (req: Named, reply) => {
    await herder.resumeConnector(req.params.connector);
    return reply.code(202).send();
  });
  // Connect answers stop with 204 (pause and resume with 202).
  app.put('/connectors/:connector/stop', async (req: Named, reply) => {
    await herder.stopConnector(req.params.connector);
    return reply.code(204).send();
  });

  app.delete('/connectors/:connector', async (req: Named, reply) => {
    await herder.deleteConnector(req.params.connector);
    return reply.code(204).send();
  });

  app.get('/connectors/:connector/topics', async (req: Named) => {
    if (!topicTrackingEnabled) throw new RestError(403, 'Topic tracking is disabled.');
    const name = req.params.connector;
    return { [name]: { topics: herder.activeTopics(name) } };
  });

  app.put('/connectors/:connector/topics/reset', async (req: Named, reply) => {
    if (!topicTrackingEnabled) throw new RestError(403, 'Topic tracking is disabled.');
    if (!topicTrackingAllowReset) throw new RestError(403, 'Topic tracking reset is disabled.');
    await herder.resetActiveTopics(req.params.connector);
    return reply.code(202).send();
  });

  app.get('/connectors/:connector/offsets', async (req: Named) => herder.connectorOffsets(req.params.connector));
  app.patch('/connectors/:connector/offsets', async (req: Named) => herder.alterConnectorOffsets(req.params.connector, offsetsBody(req.body)));
  app.delete('/connectors/:connector/offsets', async (req: Named) => herder.resetConnectorOffsets(req.params.connector));
}
