/**
 * `GET /` (Connect's RootResource) and `GET /health` (Connect 3.9+, KIP-1017).
 */
import type { FastifyInstance } from 'fastify';

export interface ServerInfo {
  version: string;
  commit: string;
  kafka_cluster_id: string | null;
}

export function registerRootRoutes(app: FastifyInstance, info: () => ServerInfo, ready: () => boolean): void {
  app.get('/', async () => info());

  app.get('/health', async (_req, reply) => {
    if (ready()) return { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
    return reply.code(503).send({ status: 'starting', message: 'Worker is still starting up.' });
  });
}
