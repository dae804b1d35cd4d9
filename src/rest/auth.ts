/**
 * HTTP Basic authentication of the REST API (the role of Connect's BasicAuthSecurityRestExtension), with two
 * roles: `reader` may GET (and HEAD), `admin` may do everything. `GET /health` stays open, for probes.
 * Neither the Authorization header nor a password is ever logged; a refusal says only what was wrong.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createVerifier } from './credentials.js';
import type { RestAuth, RestUser } from './security-types.js';

const OPEN = new Set(['GET /health', 'HEAD /health']);
const READ_METHODS = new Set(['GET', 'HEAD']);

/** The user and password of a `Basic` Authorization header, or undefined when it is absent or malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function mayDo(user: RestUser, method: string): boolean {
  return user.roles.includes('admin') || (user.roles.includes('reader') && READ_METHODS.has(method));
}

export function registerBasicAuth(app: FastifyInstance, auth: RestAuth): void {
  const verify = createVerifier(auth.users);
  const challenge = `Basic realm="${auth.realm}", charset="UTF-8"`;
  const unauthorized = (reply: FastifyReply, message: string) =>
    reply.code(401).header('www-authenticate', challenge).send({ error_code: 401, message });

  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    if (OPEN.has(`${req.method} ${req.url.split('?')[0]}`)) return;
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials) return unauthorized(reply, 'Authentication required: send HTTP Basic credentials');
    const user = await verify(credentials.user, credentials.password);
    if (!user) return unauthorized(reply, 'Invalid username or password');
    if (!mayDo(user, req.method)) {
      const message = user.roles.length === 0
        ? `User ${credentials.user} has no role; every request needs the reader (GET) or admin role`
        : `User ${credentials.user} may only read (GET); ${req.method} needs the admin role`;
      return reply.code(403).send({ error_code: 403, message });
    }
    return undefined;
  });
}
