/**
 * TCP proxies that make the test bed's MariaDB and PostgreSQL look like servers without TLS, for the plain
 * fallback of database.ssl.mode=preferred and database.sslmode=prefer: the MariaDB one clears CLIENT_SSL in the
 * server's greeting, the PostgreSQL one answers the client's SSLRequest with 'N' itself. Each counts the
 * connections it carried and how many of them the client tried to switch to TLS on.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface PlainProxy {
  port: number;
  /** connections carried so far */
  connections: number;
  /** of those, how many the client asked to switch to TLS (MariaDB: an SSL request; PostgreSQL: an SSLRequest) */
  tlsRequests: number;
  close(): Promise<void>;
}

const CLIENT_SSL = 0x0800;
const PG_SSL_REQUEST = 80877103;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

/** MariaDB behind a proxy that hides CLIENT_SSL in the server's handshake (protocol version 10). */
export async function mysqlWithoutTls(host: string, port: number): Promise<PlainProxy> {
  const sockets = new Set<Socket>();
  const proxy: PlainProxy = { port: 0, connections: 0, tlsRequests: 0, close: async () => {} };
  const server = createServer((client) => {
    proxy.connections++;
    const upstream = createConnection(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    let greeting = true;
    upstream.on('data', (chunk: Buffer) => {
      if (greeting) {
        greeting = false;
        // header (4) + protocol (1) + NUL-terminated version + thread id (4) + scramble (8) + filler (1), then the flags
        const flags = chunk.indexOf(0, 5) + 1 + 4 + 8 + 1;
        chunk.writeUInt16LE(chunk.readUInt16LE(flags) & ~CLIENT_SSL, flags);
      }
      client.write(chunk);
    });
    let first = true;
    client.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        if (chunk.length >= 8 && (chunk.readUInt32LE(4) & CLIENT_SSL) !== 0) proxy.tlsRequests++;
      }
      upstream.write(chunk);
    });
  });
  proxy.port = await listen(server);
  proxy.close = closer(server, sockets);
  return proxy;
}

/** PostgreSQL behind a proxy that refuses TLS ('N' to the SSLRequest) and passes the rest through. */
export async function pgWithoutTls(host: string, port: number): Promise<PlainProxy> {
  const sockets = new Set<Socket>();
  const proxy: PlainProxy = { port: 0, connections: 0, tlsRequests: 0, close: async () => {} };
  const server = createServer((client) => {
    proxy.connections++;
    const upstream = createConnection(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      if (chunk.length >= 8 && chunk.readInt32BE(0) === 8 && chunk.readInt32BE(4) === PG_SSL_REQUEST) {
        proxy.tlsRequests++;
        client.write('N');
        chunk = chunk.subarray(8);
        if (chunk.length === 0) return;
      }
      upstream.write(chunk);
    });
  });
  proxy.port = await listen(server);
  proxy.close = closer(server, sockets);
  return proxy;
}
