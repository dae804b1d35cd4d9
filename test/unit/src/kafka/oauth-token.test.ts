import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuthTokenProvider } from '../../../../src/kafka/oauth-token.js';
import { CdcError } from '../../../../src/errors/index.js';
import type { KafkaOAuth } from '../../../../src/kafka/types.js';

const SECRET = 'S3cr3t:with&odd chars';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

// A real token endpoint on localhost; each test sets how it answers.
let answer: (req: Seen, res: ServerResponse) => void = (_req, res) => res.end();
let seen: Seen[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    const request = { path: req.url ?? '', headers: req.headers, body };
    seen.push(request);
    answer(request, res);
  });
});
let url = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function json(status: number, value: unknown, delayMs = 0) {
  return (_req: Seen, res: ServerResponse) => {
    setTimeout(() => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    }, delayMs);
  };
}

function oauth(extra: Partial<KafkaOAuth> = {}): KafkaOAuth {
  return { tokenEndpointUrl: `${url}?tenant=secret-tenant`, clientId: 'cdc client', clientSecret: SECRET, ...extra };
}

function reset(respond: typeof answer): void {
  seen = [];
  answer = respond;
}

async function expectTokenError(promise: Promise<unknown>, retriable: boolean, pattern: RegExp): Promise<CdcError> {
  const err = await promise.then(() => assert.fail('expected an error'), (e: unknown) => e);
  assert.ok(err instanceof CdcError, String(err));
  assert.equal(err.code, 'KAFKA_OAUTH_TOKEN_FAILED');
  assert.equal(err.retriable, retriable);
  assert.match(err.message, pattern);
  assert.ok(err.message.includes(url), 'names the endpoint');
  for (const secret of [SECRET, encodeURIComponent(SECRET), 'secret-tenant', 'tok-']) assert.ok(!err.describe().includes(secret), err.describe());
  return err;
}

test('POSTs the client-credentials grant as Kafka does and caches the token', async () => {
  reset(json(200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 }));
  const token = createOAuthTokenProvider(oauth({ scope: 'kafka write' }));
  assert.equal(await token(), 'tok-1');
  assert.equal(await token(), 'tok-1');
  assert.equal(seen.length, 1);
  const [req] = seen;
  assert.equal(req!.path, '/oauth2/token?tenant=secret-tenant');
  assert.equal(req!.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(req!.headers['accept'], 'application/json');
  assert.equal(req!.headers['cache-control'], 'no-cache');
  // Kafka's default (sasl.oauthbearer.header.urlencode=false): id and secret as they are.
  assert.equal(req!.headers['authorization'], `Basic ${Buffer.from(`cdc client:${SECRET}`).toString('base64')}`);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(req!.body)), { grant_type: 'client_credentials', scope: 'kafka write' });
});

test('urlEncodeCredentials form-encodes id and secret before Basic auth (RFC 6749 2.3.1); no scope, no scope parameter', async () => {
  reset(json(200, { access_token: 'tok-2', expires_in: 60 }));
  assert.equal(await createOAuthTokenProvider(oauth({ urlEncodeCredentials: true }))(), 'tok-2');
  assert.equal(seen[0]!.headers['authorization'], `Basic ${Buffer.from('cdc+client:S3cr3t%3Awith%26odd+chars').toString('base64')}`);
  assert.equal(seen[0]!.body, 'grant_type=client_credentials');
});

test('refreshes once 80 % of the lifetime has passed; concurrent callers share one request', async () => {
  let clock = 1_000_000;
  let n = 0;
  reset((req, res) => json(200, { access_token: `tok-${++n}`, expires_in: 100 }, 50)(req, res));
  const token = createOAuthTokenProvider(oauth(), fetch, () => clock);
  assert.deepEqual(await Promise.all([token(), token(), token()]), ['tok-1', 'tok-1', 'tok-1']);
  assert.equal(seen.length, 1);
  clock += 79_000;
  assert.equal(await token(), 'tok-1');
  clock += 2_000;
  assert.deepEqual(await Promise.all([token(), token()]), ['tok-2', 'tok-2']);
  assert.equal(seen.length, 2);
});

test('a failed refresh keeps the still-valid token, retries later, and fails once the token has expired', async () => {
  let clock = 0;
  reset(json(200, { access_token: 'tok-old', expires_in: 100 }));
  const token = createOAuthTokenProvider(oauth(), fetch, () => clock);
  assert.equal(await token(), 'tok-old');
  answer = json(503, { error: 'temporarily_unavailable' });
  clock = 90_000;
  assert.equal(await token(), 'tok-old');
  assert.equal(seen.length, 2);
  assert.equal(await token(), 'tok-old', 'no new request right after a failure');
  assert.equal(seen.length, 2);
  clock = 96_000;
  assert.equal(await token(), 'tok-old');
  assert.equal(seen.length, 3);
  clock = 100_000;
  await expectTokenError(token(), true, /HTTP 503, temporarily_unavailable/);
});

test('a JWT without expires_in lives until its exp claim', async () => {
  const exp = 2_000_000;
  const jwt = ['{"alg":"none"}', JSON.stringify({ sub: 'cdc', exp })].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.';
  let clock = (exp - 100) * 1000;
  reset(json(200, { access_token: jwt }));
  const token = createOAuthTokenProvider(oauth(), fetch, () => clock);
  assert.equal(await token(), jwt);
  clock += 79_000;
  await token();
  assert.equal(seen.length, 1);
  clock += 2_000;
  await token();
  assert.equal(seen.length, 2);
});

test('rejected credentials are not retriable; the error names the endpoint and the provider\'s error, never the secret', async () => {
  reset(json(401, { error: 'invalid_client', error_description: `client secret ${SECRET} is wrong`, echo: SECRET }));
  const err = await expectTokenError(createOAuthTokenProvider(oauth())(), false, /HTTP 401, invalid_client \(client secret \[hidden\] is wrong\)/);
  assert.match(err.fix!, /client id and secret/);
  assert.ok(!err.message.includes('?tenant'), 'query parameters left out');
});

test('server errors, timeouts and refused connections are retriable', async () => {
  reset((_req, res) => {
    res.writeHead(500);
    res.end('<html>oops tok-leak</html>');
  });
  await expectTokenError(createOAuthTokenProvider(oauth())(), true, /HTTP 500\.$/);
  reset(() => {}); // never answers
  await expectTokenError(createOAuthTokenProvider(oauth({ timeoutMs: 100 }))(), true, /no answer within 100 ms/);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const err = await createOAuthTokenProvider(oauth({ tokenEndpointUrl: `http://127.0.0.1:${port}/t` }))().catch((e: unknown) => e as CdcError);
  assert.ok(err instanceof CdcError && err.retriable && /ECONNREFUSED/.test(err.message), String(err));
});

test('an answer without a usable token is an error that does not show the answer', async () => {
  reset(json(200, { token: 'tok-x' }));
  await expectTokenError(createOAuthTokenProvider(oauth())(), false, /no access_token/);
  reset(json(200, { access_token: 'tok-opaque' }));
  await expectTokenError(createOAuthTokenProvider(oauth())(), false, /neither when the token expires/);
  reset((_req, res) => res.end('tok-plain'));
  await expectTokenError(createOAuthTokenProvider(oauth())(), false, /not JSON/);
});
