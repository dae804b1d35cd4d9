/**
 * CORS as Connect configures Jetty's CrossOriginFilter: `access.control.allow.origin` (origins or *) and
 * `access.control.allow.methods`. A preflight (OPTIONS with Access-Control-Request-Method) from an allowed
 * origin is answered here, before authentication, since browsers send preflights without credentials.
 */
import type { FastifyInstance } from 'fastify';
import type { RestCors } from './security-types.js';

// Jetty's CrossOriginFilter defaults, which Connect keeps.
const ALLOW_HEADERS = 'X-Requested-With,Content-Type,Accept,Origin,Authorization';
const MAX_AGE_SECONDS = '1800';

export function registerCors(app: FastifyInstance, cors: RestCors): void {
  if (cors.allowOrigins.length === 0) return;
  const any = cors.allowOrigins.includes('*');
  const methods = cors.allowMethods.join(',');
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return undefined;
    reply.header('vary', 'Origin');
    if (!any && !cors.allowOrigins.includes(origin)) return undefined;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    const wanted = req.headers['access-control-request-method'];
    if (req.method !== 'OPTIONS' || wanted === undefined) return undefined;
    // A preflight for a method not allowed gets no Allow-* headers: the browser then refuses the request.
    if (!cors.allowMethods.includes(String(wanted).toUpperCase())) return reply.code(200).send();
    reply.header('access-control-allow-methods', methods);
    reply.header('access-control-allow-headers', ALLOW_HEADERS);
    reply.header('access-control-max-age', MAX_AGE_SECONDS);
    return reply.code(200).send();
  });
}
