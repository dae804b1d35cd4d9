/**
 * `/connector-plugins/...`: Kafka Connect's ConnectorPluginsResource.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Herder } from '../herder/index.js';
import { configMap } from './body.js';
import { RestError } from './errors.js';

const ALIAS_SUFFIX = 'Connector';

/** Connect's normalisation: a trailing `Connector` is dropped, so the alias and the class name compare equal. */
function normalized(name: string): string {
  return name.endsWith(ALIAS_SUFFIX) && name.length > ALIAS_SUFFIX.length ? name.slice(0, -ALIAS_SUFFIX.length) : name;
}

type Plugin = FastifyRequest<{ Params: { plugin: string } }>;

export function registerPluginsRoutes(app: FastifyInstance, herder: Herder): void {
  app.get('/connector-plugins', async (req: FastifyRequest<{ Querystring: { connectorsOnly?: string } }>) => {
    const connectorsOnly = req.query.connectorsOnly === undefined || req.query.connectorsOnly.toLowerCase() !== 'false';
    return herder.plugins(connectorsOnly);
  });

  app.get('/connector-plugins/:plugin/config', async (req: Plugin) => herder.pluginConfig(req.params.plugin));

  app.put('/connector-plugins/:plugin/config/validate', async (req: Plugin) => {
    const plugin = req.params.plugin;
    const config = configMap(req.body);
    const included = config['connector.class'];
    if (included !== undefined && included !== null && !normalized(included).endsWith(normalized(plugin))) {
      throw new RestError(400, `Included connector type ${included} does not match request type ${plugin}`);
    }
    return herder.validateConnectorConfig(config);
  });
}
