/**
 * Forwarding a request to the worker that must apply it (the group leader, or the worker running the connector),
 * as Connect's REST layer does. The forwarded request carries `forward=false`, so it is never forwarded again:
 * a worker that gets one and cannot apply it answers 409 (the group is rebalancing), which the caller may retry.
 * The caller's Authorization header goes along (as Connect forwards it), so the other worker checks the same
 * user; over https, the other worker's certificate is checked against the REST trust store, and this worker
 * presents its own certificate (for workers that require client certificates).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError } from '../herder/index.js';
import type { RestTls } from './security-types.js';

/** Connect's message when a request cannot be completed because the group is changing. */
export const REBALANCE_CONFLICT = 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)';

const FORWARD_TIMEOUT_MS = 90_000;

export const wasForwarded = (req: FastifyRequest) => (req.query as Record<string, unknown> | undefined)?.forward === 'false';

function send(target: URL, method: string, headers: Record<string, string>, body: string | undefined, tls: RestTls | undefined): Promise<{ res: IncomingMessage; text: string }> {
  return new Promise((resolve, reject) => {
    const tlsOptions = target.protocol === 'https:' && tls
      ? {
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.pfx ? { pfx: tls.pfx, passphrase: tls.pfxPassword } : { cert: tls.cert, key: tls.key, passphrase: tls.keyPassword }),
          ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
        }
      : {};
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method, headers, timeout: FORWARD_TIMEOUT_MS, ...tlsOptions }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function forwardRequest(req: FastifyRequest, reply: FastifyReply, baseUrl: string, tls?: RestTls): Promise<FastifyReply> {
  if (wasForwarded(req)) throw new ConflictError(REBALANCE_CONFLICT);
  const target = new URL(req.url, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  target.searchParams.set('forward', 'false');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.headers.authorization !== undefined) headers.authorization = req.headers.authorization;
  let body: string | undefined;
  if (req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  let answer: { res: IncomingMessage; text: string };
  try {
    answer = await send(target, req.method, headers, body, tls);
  } catch (err) {
    throw new ConflictError(`${REBALANCE_CONFLICT}: forwarding to ${baseUrl} failed (${err instanceof Error ? err.message : String(err)})`);
  }
  const { res, text } = answer;
  reply.code(res.statusCode ?? 502);
  for (const name of ['content-type', 'location', 'www-authenticate']) {
    const value = res.headers[name];
    if (typeof value === 'string' && value !== '') reply.header(name, value);
  }
  return reply.send(text === '' ? undefined : text);
}
