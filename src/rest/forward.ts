/**
 * Forwarding a request to the worker that must apply it (the group leader, or the worker running the connector),
 * as Connect's REST layer does. The forwarded request carries `forward=false`, so it is never forwarded again:
 * a worker that gets one and cannot apply it answers 409 (the group is rebalancing), which the caller may retry.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError } from '../herder/index.js';

/** Connect's message when a request cannot be completed because the group is changing. */
export const REBALANCE_CONFLICT = 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)';

const FORWARD_TIMEOUT_MS = 90_000;

export const wasForwarded = (req: FastifyRequest) => (req.query as Record<string, unknown> | undefined)?.forward === 'false';

export async function forwardRequest(req: FastifyRequest, reply: FastifyReply, baseUrl: string): Promise<FastifyReply> {
  if (wasForwarded(req)) throw new ConflictError(REBALANCE_CONFLICT);
  const target = new URL(req.url, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  target.searchParams.set('forward', 'false');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(target, { method: req.method, headers, body, signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS) });
  } catch (err) {
    throw new ConflictError(`${REBALANCE_CONFLICT}: forwarding to ${baseUrl} failed (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  reply.code(res.status);
  for (const name of ['content-type', 'location']) {
    const value = res.headers.get(name);
    if (value) reply.header(name, value);
  }
  return reply.send(text === '' ? undefined : text);
}
