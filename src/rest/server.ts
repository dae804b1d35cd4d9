/**
 * The Kafka Connect-compatible REST server (fastify): routes, Connect's error bodies, 404 vs 405 as Jersey
 * answers them, and requests held back until the worker has started (as Connect queues them behind startup).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { ForwardError, type Herder } from '../herder/index.js';
import type { Logger } from '../logging/index.js';
import { registerBasicAuth } from './auth.js';
import { registerConnectorsRoutes } from './connectors-routes.js';
import { registerCors } from './cors.js';
import { errorResponse, METHOD_NOT_ALLOWED, NOT_FOUND, RestError } from './errors.js';
import { forwardRequest } from './forward.js';
import { MAX_HEADER_BYTES, MAX_URI_BYTES, openListeners, type OpenListener } from './listeners.js';
import { registerPluginsRoutes } from './plugins-routes.js';
import { registerRootRoutes, type ServerInfo } from './root-routes.js';
import type { RestListener, RestSecurity } from './security-types.js';
import { registerSnapshotsRoutes } from './snapshots-routes.js';

export interface RestServerOptions {
  herder: Herder;
  logger: Logger;
  info: () => ServerInfo;
  /** Resolves once the worker has started; until then only `/` and `/health` answer at once. */
  whenReady: Promise<void>;
  topicTrackingEnabled?: boolean;
  topicTrackingAllowReset?: boolean;
  /** How long a request waits for startup before a 500 "Request timed out" (Connect: 90 s). */
  requestTimeoutMs?: number;
  /** TLS, authentication, CORS; default: none of them. */
  security?: RestSecurity;
}

export interface RestServer {
  /** Starts listening; resolves with the base URL (`http://host:port`). */
  listen(host: string, port: number): Promise<string>;
  /** Starts every listener (http and https); resolves with each one's URL, in the order given. */
  listenAll(listeners: RestListener[]): Promise<OpenListener[]>;
  close(): Promise<void>;
  /** The fastify instance, for in-process requests (`inject`). */
  readonly app: FastifyInstance;
}

const ALWAYS_AVAILABLE = new Set(['/', '/health']);

export function createRestServer(options: RestServerOptions): RestServer {
  const { herder, logger } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: 10 * 1024 * 1024,
    // A path parameter may be as long as a request line can be: over MAX_URI_BYTES the onRequest hook answers
    // 414 in Connect's shape (fastify's own 414 for a long parameter has another body).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_HEADER_BYTES },
  });

  // Connect accepts an empty body with a JSON content type (e.g. `curl -X PUT -H 'Content-Type: application/json'`).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return parseJson(req, text, done);
  });

  // Before anything else: a URI too long (414), then CORS preflights (no credentials), then authentication.
  app.addHook('onRequest', async (req) => {
    if (Buffer.byteLength(req.url) > MAX_URI_BYTES) throw new RestError(414, `URI too long: ${Buffer.byteLength(req.url)} bytes; the limit is ${MAX_URI_BYTES}`);
  });
  const security = options.security ?? { cors: { allowOrigins: [], allowMethods: [] }, additionalConditionsWithoutAuth: false };
  registerCors(app, security.cors);
  if (security.auth) registerBasicAuth(app, security.auth);

  let ready = false;
  options.whenReady.then(() => (ready = true), () => undefined);
  const timeoutMs = options.requestTimeoutMs ?? 90_000;
  app.addHook('onRequest', async (req) => {
    if (ready || ALWAYS_AVAILABLE.has(req.url.split('?')[0]!)) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RestError(500, 'Request timed out')), timeoutMs);
    });
    try {
      await Promise.race([options.whenReady, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const line = { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (req.method === 'GET' || req.method === 'HEAD') logger.debug(line, 'REST request');
    else logger.info(line, 'REST request');
  });

  // Paths we serve, to tell "no such path" (404) from "not with this method" (405) as Jersey does.
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    const source = route.url.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+');
    const pattern = new RegExp(`^${source || ''}/?$`);
    let entry = routes.find((r) => r.pattern.source === pattern.source);
    if (!entry) routes.push((entry = { pattern, methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const allowed = routes.some((r) => r.pattern.test(path) && !r.methods.has(req.method));
    const status = allowed ? 405 : 404;
    void reply.code(status).send({ error_code: status, message: allowed ? METHOD_NOT_ALLOWED : NOT_FOUND });
  });

  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof ForwardError) {
      try {
        return await forwardRequest(req, reply, err.url, security.tls);
      } catch (forwardErr) {
        err = forwardErr as typeof err;
      }
    }
    const { status, body } = errorResponse(err);
    if (status >= 500) logger.error({ method: req.method, url: req.url, err: body.message }, 'REST request failed');
    else logger.debug({ method: req.method, url: req.url, status, err: body.message }, 'REST request refused');
    return reply.code(status).send(body);
  });

  registerRootRoutes(app, options.info, () => ready);
  registerConnectorsRoutes(app, {
    herder,
    topicTrackingEnabled: options.topicTrackingEnabled ?? true,
    topicTrackingAllowReset: options.topicTrackingAllowReset ?? true,
  });
  registerSnapshotsRoutes(app, herder, { additionalConditionsAllowed: security.auth !== undefined || security.additionalConditionsWithoutAuth });
  registerPluginsRoutes(app, herder);

  let closeListeners: (() => Promise<void>) | undefined;
  return {
    app,
    async listen(host, port) {
      const [open] = await this.listenAll([{ protocol: 'http', host, port }]);
      return open!.url;
    },
    async listenAll(listeners) {
      const { open, close } = await openListeners(app, listeners, security.tls);
      closeListeners = close;
      return open;
    },
    async close() {
      await closeListeners?.();
      await app.close();
    },
  };
}
