/**
 * A Confluent Schema Registry client (the REST API Confluent's serializers use, which Apicurio also serves under
 * /apis/ccompat/v7): register, look up, latest version, schema by id. Several URLs fail over on connection
 * errors; ids are cached per subject and schema text. Credentials (URL user info, basic.auth.user.info,
 * bearer.auth.token) go into the Authorization header only: no message, log line or error carries them.
 */
import type { RegistrySchemaType, SchemaRegistryClient } from '../../schemas/index.js';
import { redactUrl } from '../connect-api/index.js';
import { CdcError, type ErrorCode } from '../errors/index.js';

export interface RegistryClientOptions {
  /** `schema.registry.url`; may carry `user:password@` (used when `basicAuthSource` is URL). */
  urls: readonly string[];
  basicAuthSource: 'URL' | 'USER_INFO';
  /** `basic.auth.user.info` as `user:password`. */
  userInfo: string | null;
  bearerToken: string | null;
  /** `request.header.*` */
  headers: Readonly<Record<string, string>>;
  /** Whole request, connect + answer. */
  timeoutMs: number;
  /** `normalize.schemas` */
  normalize: boolean;
  /** `max.schemas.per.subject` */
  maxSchemasPerSubject: number;
  fetch?: typeof fetch;
}

export class SchemaRegistryError extends CdcError {
  constructor(code: ErrorCode, message: string, fix?: string, cause?: unknown) {
    super(code, message, { fix, cause });
  }
}

interface Endpoint { base: string; shown: string; auth: string | null }

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5';

function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

/** A URL without its user info (fetch refuses URLs with credentials), and the Authorization header they make. */
function endpoint(url: string, options: RegistryClientOptions): Endpoint {
  const parsed = new URL(url.trim());
  let auth: string | null = null;
  if (options.basicAuthSource === 'URL' && parsed.username !== '') {
    auth = basic(decodeURIComponent(parsed.username), decodeURIComponent(parsed.password));
  }
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/+$/, '');
  if (options.basicAuthSource === 'USER_INFO' && options.userInfo) {
    const at = options.userInfo.indexOf(':');
    auth = basic(options.userInfo.slice(0, at), options.userInfo.slice(at + 1));
  }
  if (options.bearerToken) auth = `Bearer ${options.bearerToken}`;
  return { base, shown: redactUrl(base), auth };
}

/** The registry's `{"error_code":..,"message":..}`, or the start of whatever it sent. */
function registryMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error_code?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 500);
  } catch {
    // not JSON
  }
  return body.slice(0, 300) || '(no message)';
}

export function createRegistryClient(options: RegistryClientOptions): SchemaRegistryClient {
  const doFetch = options.fetch ?? fetch;
  const endpoints = options.urls.map((u) => endpoint(u, options));
  const query = options.normalize ? '?normalize=true' : '';
  // The endpoint that answered last; a connection failure moves on to the next.
  let current = 0;
  const ids = new Map<string, Map<string, Promise<number>>>();
  const schemas = new Map<number, Promise<string>>();

  async function request(method: 'GET' | 'POST', path: string, body: unknown, what: string, subject?: string): Promise<unknown> {
    let lastError: unknown;
    for (let tried = 0; tried < endpoints.length; tried++) {
      const e = endpoints[(current + tried) % endpoints.length]!;
      const headers: Record<string, string> = { ...options.headers, accept: ACCEPT };
      if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
      if (e.auth) headers['authorization'] = e.auth;
      let res: Response;
      try {
        res = await doFetch(e.base + path, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (err) {
        lastError = err;
        continue;
      }
      current = (current + tried) % endpoints.length;
      const text = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(text);
        } catch {
          throw new SchemaRegistryError('SCHEMA_REGISTRY_REJECTED', `Schema registry at ${e.shown} answered ${what} with something that is not JSON.`,
            'Check that schema.registry.url points at a Confluent-compatible registry API (for Apicurio: .../apis/ccompat/v7).');
        }
      }
      throw httpError(res.status, registryMessage(text), e.shown, what, subject);
    }
    const cause = lastError instanceof Error ? ((lastError.cause as { code?: string } | undefined)?.code ?? lastError.name) : String(lastError);
    throw new SchemaRegistryError('SCHEMA_REGISTRY_UNAVAILABLE',
      `Schema registry unreachable (${endpoints.map((e) => e.shown).join(', ')}): ${cause}, while ${what}.`, undefined, lastError);
  }

  function httpError(status: number, message: string, shown: string, what: string, subject?: string): SchemaRegistryError {
    const at = `Schema registry at ${shown} answered HTTP ${status} ${what}`;
    if (status >= 500 || status === 429 || status === 408) return new SchemaRegistryError('SCHEMA_REGISTRY_UNAVAILABLE', `${at}: ${message}`);
    if (status === 409) {
      return new SchemaRegistryError('SCHEMA_REGISTRY_INCOMPATIBLE', `${at}: the schema is incompatible with earlier versions of subject '${subject}': ${message}`,
        `Make the table change compatible with subject '${subject}' (e.g. new columns nullable or with a default), or relax its compatibility level on the registry (PUT /config/${subject}), then restart the task.`);
    }
    if (status === 404 && subject !== undefined) {
      return new SchemaRegistryError('SCHEMA_REGISTRY_SCHEMA_NOT_FOUND', `${at}: subject '${subject}' has no such schema: ${message}`,
        `Register the schema under subject '${subject}' first, or set auto.register.schemas=true (or use.latest.version=true).`);
    }
    const fix = status === 401 || status === 403
      ? 'Check the registry credentials: basic.auth.credentials.source with basic.auth.user.info (or user:password@ in the URL), or bearer.auth.token.'
      : undefined;
    return new SchemaRegistryError('SCHEMA_REGISTRY_REJECTED', `${at}: ${message}`, fix);
  }

  // Confluent's registry takes an absent schemaType as AVRO; Avro requests stay as they were.
  const body = (schema: string, schemaType: RegistrySchemaType) => (schemaType === 'AVRO' ? { schema } : { schemaType, schema });
  const subjectPath = (subject: string) => `/subjects/${encodeURIComponent(subject)}`;

  function idOf(answer: unknown, what: string): number {
    const id = (answer as { id?: unknown } | null)?.id;
    if (typeof id === 'number') return id;
    throw new SchemaRegistryError('SCHEMA_REGISTRY_REJECTED', `Schema registry answered ${what} without a schema id.`,
      'Check that schema.registry.url points at a Confluent-compatible registry API (for Apicurio: .../apis/ccompat/v7).');
  }

  /** One request per subject and schema text, however many converters and records ask. */
  function cachedId(subject: string, schema: string, load: () => Promise<number>): Promise<number> {
    let bySchema = ids.get(subject);
    if (!bySchema) ids.set(subject, (bySchema = new Map()));
    const known = bySchema.get(schema);
    if (known) return known;
    if (bySchema.size >= options.maxSchemasPerSubject) {
      return Promise.reject(new SchemaRegistryError('SCHEMA_REGISTRY_REJECTED',
        `More than ${options.maxSchemasPerSubject} schemas for subject '${subject}' (max.schemas.per.subject).`,
        'Raise max.schemas.per.subject, or check why the table\'s schema changes so often.'));
    }
    const pending = load();
    bySchema.set(schema, pending);
    pending.catch(() => bySchema.delete(schema));
    return pending;
  }

  return {
    register(subject, schema, schemaType = 'AVRO') {
      const what = `registering a schema under subject '${subject}'`;
      return cachedId(subject, schemaType + schema, async () =>
        idOf(await request('POST', `${subjectPath(subject)}/versions${query}`, body(schema, schemaType), what, subject), what));
    },
    lookup(subject, schema, schemaType = 'AVRO') {
      const what = `looking up a schema under subject '${subject}'`;
      return cachedId(subject, schemaType + schema, async () =>
        idOf(await request('POST', `${subjectPath(subject)}${query}`, body(schema, schemaType), what, subject), what));
    },
    async latest(subject) {
      const what = `reading the latest version of subject '${subject}'`;
      const answer = await request('GET', `${subjectPath(subject)}/versions/latest`, undefined, what, subject);
      const schema = (answer as { schema?: unknown }).schema;
      if (typeof schema !== 'string') throw new SchemaRegistryError('SCHEMA_REGISTRY_REJECTED', `Schema registry answered ${what} without a schema.`);
      return { id: idOf(answer, what), schema };
    },
    byId(id) {
      let known = schemas.get(id);
      if (!known) {
        const what = `reading schema id ${id}`;
        known = request('GET', `/schemas/ids/${id}`, undefined, what).then((answer) => {
          const schema = (answer as { schema?: unknown }).schema;
          if (typeof schema !== 'string') throw new SchemaRegistryError('SCHEMA_REGISTRY_REJECTED', `Schema registry answered ${what} without a schema.`);
          return schema;
        });
        schemas.set(id, known);
        known.catch(() => schemas.delete(id));
      }
      return known;
    },
  };
}
