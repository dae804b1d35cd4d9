/**
 * An in-process Confluent Schema Registry (node:http) with the endpoints the converter and the independent
 * decoder (@kafkajs/confluent-schema-registry) use. Schemas are compared as text after JSON normalisation.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest { method: string; path: string; authorization: string | undefined; headers: IncomingMessage['headers']; body: string }

export interface FakeRegistry {
  url: string;
  requests: RecordedRequest[];
  /** Registered versions per subject, oldest first. */
  subjects: Map<string, { id: number; schema: string }[]>;
  /** Registers directly (a schema "registered beforehand"). */
  seed(subject: string, schema: string): number;
  /** Answers the next requests itself; return true when it did. */
  intercept?: (req: RecordedRequest, res: ServerResponse) => boolean;
  /** The Authorization header every request must carry (401 otherwise). */
  requireAuth?: string;
  close(): Promise<void>;
}

// Avro and JSON Schema texts compare as parsed JSON; a .proto as text.
const norm = (schema: string) => { try { return JSON.stringify(JSON.parse(schema)); } catch { return schema; } };

export async function startFakeRegistry(): Promise<FakeRegistry> {
  const subjects = new Map<string, { id: number; schema: string }[]>();
  const byId = new Map<number, string>();
  // schemaType as registered (absent: AVRO), given back with the schema as Confluent's registry does.
  const types = new Map<number, string>();
  const requests: RecordedRequest[] = [];
  let nextId = 1;

  function idFor(schema: string): number {
    for (const [id, s] of byId) if (norm(s) === norm(schema)) return id;
    byId.set(nextId, schema);
    return nextId++;
  }

  function seed(subject: string, schema: string): number {
    const versions = subjects.get(subject) ?? [];
    subjects.set(subject, versions);
    const existing = versions.find((v) => norm(v.schema) === norm(schema));
    if (existing) return existing.id;
    const id = idFor(schema);
    versions.push({ id, schema });
    return id;
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method!, path: req.url!, authorization: req.headers.authorization, headers: req.headers, body };
      requests.push(recorded);
      if (fake.intercept?.(recorded, res)) return;
      if (fake.requireAuth !== undefined && req.headers.authorization !== fake.requireAuth) {
        return send(res, 401, { error_code: 401, message: 'Unauthorized' });
      }
      const url = new URL(req.url!, 'http://x');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] === 'schemas' && parts[1] === 'ids' && req.method === 'GET') {
        const schema = byId.get(Number(parts[2]));
        if (schema === undefined) return send(res, 404, { error_code: 40403, message: 'Schema not found' });
        const schemaType = types.get(Number(parts[2]));
        return send(res, 200, schemaType ? { schema, schemaType } : { schema });
      }
      if (parts[0] === 'subjects' && parts[1] !== undefined) {
        const subject = parts[1];
        const versions = subjects.get(subject);
        if (req.method === 'POST' && parts[2] === 'versions') {
          const parsed = JSON.parse(body) as { schema: string; schemaType?: string };
          const id = seed(subject, parsed.schema);
          if (parsed.schemaType && parsed.schemaType !== 'AVRO') types.set(id, parsed.schemaType);
          return send(res, 200, { id });
        }
        if (req.method === 'POST' && parts.length === 2) {
          if (!versions) return send(res, 404, { error_code: 40401, message: `Subject '${subject}' not found.` });
          const schema = JSON.parse(body).schema as string;
          const i = versions.findIndex((v) => norm(v.schema) === norm(schema));
          if (i < 0) return send(res, 404, { error_code: 40403, message: 'Schema not found' });
          return send(res, 200, { subject, version: i + 1, id: versions[i]!.id, schema: versions[i]!.schema });
        }
        if (req.method === 'GET' && parts[2] === 'versions' && parts[3] === 'latest') {
          if (!versions) return send(res, 404, { error_code: 40401, message: `Subject '${subject}' not found.` });
          const v = versions[versions.length - 1]!;
          return send(res, 200, { subject, version: versions.length, id: v.id, schema: v.schema });
        }
      }
      send(res, 404, { error_code: 404, message: 'HTTP 404 Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fake: FakeRegistry = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    subjects,
    seed,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  return fake;
}
