/**
 * The REST API's sockets: one node http/https server per listener, all routing into the same fastify instance
 * (fastify itself listens on one server only). Errors Node's HTTP parser answers before any route runs —
 * headers too large (431), URI too long (414), malformed request (400) — get Connect's JSON error body here.
 */
import { createServer as createHttpServer, STATUS_CODES, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { RestListener, RestTls } from './security-types.js';

/** Node's default; a request line plus headers above it is refused by the parser. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Longest request URI (path and query) answered; Jetty's (Connect's) default limit, 414 above it. */
export const MAX_URI_BYTES = 8 * 1024;

export interface OpenListener {
  listener: RestListener;
  /** `protocol://host:port` with the port actually bound. */
  url: string;
}

/** A raw HTTP/1.1 response with Connect's error body, for errors raised before a request object exists. */
function rawError(status: number, message: string): string {
  const body = JSON.stringify({ error_code: status, message });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function onClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The request line alone (the URI) was too long: no line break in what was read, or a first line over the URI limit.
    const head = err.rawPacket?.toString('latin1') ?? '';
    const eol = head.indexOf('\r\n');
    const uriTooLong = head !== '' && (eol < 0 || eol > MAX_URI_BYTES);
    socket.end(uriTooLong
      ? rawError(414, `URI too long: the limit is ${MAX_URI_BYTES} bytes`)
      : rawError(431, `Request header fields too large: request line and headers exceed ${MAX_HEADER_BYTES} bytes`));
    return;
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end(rawError(408, 'Request timed out'));
    return;
  }
  socket.end(rawError(400, 'Bad request: the HTTP request could not be parsed'));
}

function createServerFor(listener: RestListener, tls: RestTls | undefined, app: FastifyInstance): Server {
  const handler = (req: Parameters<FastifyInstance['routing']>[0], res: Parameters<FastifyInstance['routing']>[1]) => app.routing(req, res);
  if (listener.protocol === 'http') return createHttpServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler);
  if (!tls) throw new Error('https listener without TLS settings'); // the worker config guarantees them
  const server = createHttpsServer({
    maxHeaderSize: MAX_HEADER_BYTES,
    ...(tls.pfx ? { pfx: tls.pfx, passphrase: tls.pfxPassword } : { cert: tls.cert, key: tls.key, passphrase: tls.keyPassword }),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    requestCert: tls.clientAuth !== 'none',
    rejectUnauthorized: tls.clientAuth === 'required',
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
  }, handler);
  if (tls.clientAuth === 'requested') {
    // requested: a client may send no certificate, but one it sends must chain to the trust store.
    server.on('secureConnection', (socket: TLSSocket) => {
      if (!socket.authorized && socket.getPeerCertificate()?.raw !== undefined) socket.destroy();
    });
  }
  return server;
}

/** Starts every listener; on a failure, closes those already started and rethrows. */
export async function openListeners(app: FastifyInstance, listeners: RestListener[], tls: RestTls | undefined): Promise<{ open: OpenListener[]; close: () => Promise<void> }> {
  await app.ready();
  const servers: Server[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    })));
  };
  const open: OpenListener[] = [];
  try {
    for (const listener of listeners) {
      const server = createServerFor(listener, tls, app);
      server.on('clientError', onClientError);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listener.port, listener.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : listener.port;
      const host = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
      open.push({ listener, url: `${listener.protocol}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}` });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { open, close };
}
