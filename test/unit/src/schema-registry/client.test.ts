import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CdcError } from '../../../../src/errors/index.js';
import { createRegistryClient, type RegistryClientOptions } from '../../../../src/schema-registry/client.js';
import { startFakeRegistry, type FakeRegistry } from '../../fakes/schema-registry.js';

const SCHEMA = '{"type":"record","name":"V","fields":[{"name":"a","type":"int"}]}';
const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function isCode(code: string, retriable: boolean) {
  return (e: unknown) => e instanceof CdcError && e.code === code && e.retriable === retriable;
}

describe('schema registry client', () => {
  let registry: FakeRegistry;
  let dead = '';
  before(async () => {
    registry = await startFakeRegistry();
    dead = `http://127.0.0.1:${await deadPort()}`;
  });
  after(() => registry.close());
  beforeEach(() => {
    registry.requests.length = 0;
    registry.subjects.clear();
    registry.intercept = undefined;
    registry.requireAuth = undefined;
  });
  const client = (o: Partial<RegistryClientOptions> = {}) => createRegistryClient({
    urls: [registry.url], basicAuthSource: 'URL', userInfo: null, bearerToken: null, headers: {}, timeoutMs: 5000, normalize: false,
    maxSchemasPerSubject: 1000, ...o,
  });

  it('registers with POST /subjects/{subject}/versions, once per subject and schema text', async () => {
    const c = client();
    const [a, b] = await Promise.all([c.register('t-value', SCHEMA), c.register('t-value', SCHEMA)]);
    assert.equal(a, b);
    assert.equal(registry.requests.length, 1);
    const r = registry.requests[0]!;
    assert.deepEqual([r.method, r.path, r.headers['content-type'], JSON.parse(r.body)], ['POST', '/subjects/t-value/versions', 'application/vnd.schemaregistry.v1+json', { schema: SCHEMA }]);
    assert.equal(await c.register('t-value', SCHEMA), a);
    assert.equal(registry.requests.length, 1, 'cached');
  });
  it('looks up without registering (POST /subjects/{subject}); an unknown schema is a non-retriable error naming the subject', async () => {
    const c = client();
    await assert.rejects(c.lookup('t-value', SCHEMA), (e: unknown) => isCode('SCHEMA_REGISTRY_SCHEMA_NOT_FOUND', false)(e) && /'t-value'/.test((e as Error).message));
    const id = registry.seed('t-value', SCHEMA);
    assert.equal(await c.lookup('t-value', SCHEMA), id, 'a failed lookup is not cached');
    assert.deepEqual(registry.requests.map((r) => `${r.method} ${r.path}`), ['POST /subjects/t-value', 'POST /subjects/t-value']);
    assert.equal(registry.subjects.get('t-value')!.length, 1);
  });
  it('reads the latest version and a schema by id', async () => {
    registry.seed('s', SCHEMA);
    const newer = SCHEMA.replace('"a"', '"b"');
    const id = registry.seed('s', newer);
    assert.deepEqual(await client().latest('s'), { id, schema: newer });
    assert.equal(await client().byId(id), newer);
    await assert.rejects(client().latest('missing'), isCode('SCHEMA_REGISTRY_SCHEMA_NOT_FOUND', false));
  });
  it('subjects are URL-encoded; normalize.schemas and request.header.* are sent', async () => {
    await client({ normalize: true, headers: { 'X-Tenant': 'blue' } }).register('a/b c', SCHEMA);
    assert.equal(registry.requests[0]!.path, '/subjects/a%2Fb%20c/versions?normalize=true');
    assert.equal(registry.requests[0]!.headers['x-tenant'], 'blue');
  });
  it('basic auth from the URL\'s user info (decoded), from basic.auth.user.info, or a bearer token; never in a message', async () => {
    registry.requireAuth = basic('us er', 'p@ss:word');
    const port = new URL(registry.url).port;
    assert.ok(await client({ urls: [`http://us%20er:p%40ss%3Aword@127.0.0.1:${port}/`] }).register('s', SCHEMA) > 0);
    assert.ok(await client({ basicAuthSource: 'USER_INFO', userInfo: 'us er:p@ss:word' }).register('s2', SCHEMA) > 0);
    registry.requireAuth = 'Bearer t0ken';
    assert.ok(await client({ bearerToken: 't0ken' }).register('s3', SCHEMA) > 0);
    registry.requireAuth = basic('user', 'right');
    await assert.rejects(client({ urls: [`http://user:wr0ng-pw@127.0.0.1:${port}`] }).register('s4', SCHEMA),
      (e: unknown) => isCode('SCHEMA_REGISTRY_REJECTED', false)(e) && /HTTP 401/.test((e as Error).message) && !JSON.stringify([(e as CdcError).message, (e as CdcError).fix]).includes('wr0ng-pw'));
  });
  it('fails over to the next URL when one cannot be reached, and stays with the one that answers', async () => {
    const c = client({ urls: [dead, registry.url] });
    assert.ok(await c.register('s', SCHEMA) > 0);
    assert.ok(await c.register('s2', SCHEMA) > 0);
    assert.equal(registry.requests.length, 2);
  });
  it('no URL reachable (or a timeout) is retriable, and the message has no credentials', async () => {
    await assert.rejects(client({ urls: [dead.replace('http://', 'http://u:s3cret@')] }).register('s', SCHEMA),
      (e: unknown) => isCode('SCHEMA_REGISTRY_UNAVAILABLE', true)(e) && /ECONNREFUSED/.test((e as Error).message) && !(e as Error).message.includes('s3cret'));
    registry.intercept = () => true; // never answers
    await assert.rejects(client({ timeoutMs: 100 }).register('s', SCHEMA), (e: unknown) => isCode('SCHEMA_REGISTRY_UNAVAILABLE', true)(e) && /TimeoutError/.test((e as Error).message));
  });
  it('409 is an incompatible schema with the fix in words; 5xx and 429 are retriable; other 4xx carry the registry\'s message', async () => {
    const answer = (status: number, body: unknown) => { registry.intercept = (_r, res) => { res.statusCode = status; res.end(JSON.stringify(body)); return true; }; };
    answer(409, { error_code: 409, message: 'Schema being registered is incompatible with an earlier schema for subject "t-value"' });
    await assert.rejects(client().register('t-value', SCHEMA), (e: unknown) => isCode('SCHEMA_REGISTRY_INCOMPATIBLE', false)(e)
      && /incompatible with an earlier schema/.test((e as Error).message) && /compatibility level/.test((e as CdcError).fix!));
    answer(503, { error_code: 50003, message: 'Error while forwarding the request to the leader' });
    await assert.rejects(client().register('t-value', SCHEMA), isCode('SCHEMA_REGISTRY_UNAVAILABLE', true));
    answer(429, {});
    await assert.rejects(client().register('t-value', SCHEMA), isCode('SCHEMA_REGISTRY_UNAVAILABLE', true));
    answer(422, { error_code: 42201, message: 'Invalid schema' });
    await assert.rejects(client().register('t-value', SCHEMA), (e: unknown) => isCode('SCHEMA_REGISTRY_REJECTED', false)(e) && /HTTP 422.*Invalid schema/.test((e as Error).message));
    answer(200, { no: 'id' });
    await assert.rejects(client().register('t-value', SCHEMA), (e: unknown) => isCode('SCHEMA_REGISTRY_REJECTED', false)(e) && /without a schema id/.test((e as Error).message));
  });
  it('max.schemas.per.subject caps the schemas one client registers per subject', async () => {
    const c = client({ maxSchemasPerSubject: 1 });
    await c.register('s', SCHEMA);
    await assert.rejects(c.register('s', SCHEMA.replace('"a"', '"b"')), (e: unknown) => isCode('SCHEMA_REGISTRY_REJECTED', false)(e) && /max\.schemas\.per\.subject/.test((e as Error).message));
  });
});
