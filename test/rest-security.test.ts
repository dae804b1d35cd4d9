/**
 * The REST API's security against a real worker on the real Kafka: http and https listeners at once (TLS from
 * the top-level ssl.*, an encrypted PEM key), mutual TLS (ssl.client.auth=required), HTTP Basic with reader and
 * admin roles and hashed passwords, CORS preflights; and, on an unauthenticated worker, the additional-conditions
 * guard, the connector-name limit, pause keeping a FAILED task FAILED, and 413/414/431 in Connect's error shape.
 * Certificates are made here with openssl, in a temp dir removed at the end.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { hashPassword } from '../src/rest/credentials.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  cleanupWorkerTopics, closeTestKafka, counterConfig, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';

const KEY_PASSWORD = 'key-pass-123';
const dir = mkdtempSync(join(tmpdir(), 'cdc-rest-security-'));
const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), 'utf8');

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate from it, and one from an unrelated CA. */
function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'];
  for (const ca of ['ca', 'other-ca']) {
    openssl('req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=${ca}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  }
  const leaf = (name: string, ca: string, ext: string) => {
    writeFileSync(file(`${name}.ext`), `basicConstraints=CA:FALSE\n${ext}\n`);
    openssl('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  };
  // clientAuth too: a worker presents its own certificate when it forwards a request to another worker.
  leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth');
  leaf('client', 'ca', 'extendedKeyUsage=clientAuth');
  leaf('stranger', 'other-ca', 'extendedKeyUsage=clientAuth');
  // The server's key store: its key encrypted (ssl.key.password), then its certificate and the CA.
  openssl('pkcs8', '-topk8', '-in', 'server.key', '-out', 'server-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${KEY_PASSWORD}`);
  writeFileSync(file('keystore.pem'), read('server-enc.key') + read('server.pem') + read('ca.pem'));
}

interface Answer { status: number; headers: IncomingHttpHeaders; text: string; body: any }
interface CallOptions { body?: unknown; raw?: string; headers?: Record<string, string>; user?: string; password?: string; cert?: 'client' | 'stranger' | 'none' }

/** One request on a fresh connection (no pooled TLS session), optionally with Basic credentials and a client certificate. */
function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
  if (o.user !== undefined) headers.authorization = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`;
  const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const tls = url.protocol === 'https:'
    ? { ca: read('ca.pem'), ...(o.cert === 'none' ? {} : { cert: read(`${o.cert ?? 'client'}.pem`), key: read(`${o.cert ?? 'client'}.key`) }) }
    : {};
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try { body = text === '' ? undefined : JSON.parse(text); } catch { body = undefined; }
        resolve({ status: res.statusCode!, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function assertConnectError(r: Answer, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body?.error_code, status, r.text);
  assert.match(r.body.message, pattern);
}

const admin = { user: 'admin', password: 'admin-pw' };
const reader = { user: 'reader', password: 'reader-pw' };
const hashed = { user: 'hashed', password: 'bcrypt-pw' };
const scrypted = { user: 'scrypted', password: 'scrypt-pw' };

before(async () => {
  makeCertificates();
  writeFileSync(file('users'), [
    `${admin.user}: ${admin.password},admin`,
    `${reader.user}: ${reader.password},reader`,
    `${hashed.user}: ${bcrypt.hashSync(hashed.password, 4)},admin`,
    `${scrypted.user}: ${await hashPassword(scrypted.password)},reader`,
  ].join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('REST security: TLS, mutual TLS, Basic auth, CORS', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let httpUrl: string;
  let httpsUrl: string;
  const connectors: string[] = [];

  before(async () => {

    settings = newWorkerSettings('restsec', {
      listeners: 'http://127.0.0.1:0,https://127.0.0.1:0',
      // Top-level ssl.*: the REST server's (no listeners.https.ssl.* is set), while Kafka stays PLAINTEXT.
      'ssl.keystore.type': 'PEM', 'ssl.keystore.location': file('keystore.pem'), 'ssl.key.password': KEY_PASSWORD,
      'ssl.truststore.type': 'PEM', 'ssl.truststore.location': file('ca.pem'), 'ssl.client.auth': 'required',
      'rest.auth.basic.file': file('users'), 'rest.auth.basic.realm': 'cdc-test',
      'access.control.allow.origin': 'https://ui.example.test', 'access.control.allow.methods': 'GET,POST,PUT',
    });
    w = await startInProcessWorker(settings);
    httpUrl = w.worker.urls.find((u) => u.startsWith('http:'))!;
    httpsUrl = w.worker.urls.find((u) => u.startsWith('https:'))!;
  });

  after(async () => {
    for (const name of connectors) await call(httpUrl, 'DELETE', `/connectors/${name}`, admin).catch(() => undefined);
    await w?.stop();
    await cleanupWorkerTopics(settings, connectors.map((c) => `${c}_out`));
    await closeTestKafka();
  });

  it('serves http and https listeners at once; https with a client certificate from the trusted CA works', async () => {
    assert.equal(w.worker.url, httpUrl); // Connect advertises the http listener when there is one
    assert.equal((await call(httpUrl, 'GET', '/', admin)).status, 200);
    const r = await call(httpsUrl, 'GET', '/connectors', { ...admin, cert: 'client' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, []);
  });

  it('mutual TLS: a client certificate from an unknown CA, or none, is refused in the handshake', async () => {
    await assert.rejects(call(httpsUrl, 'GET', '/connectors', { ...admin, cert: 'stranger' }), /certificate|alert|ECONNRESET|socket hang up/i);
    await assert.rejects(call(httpsUrl, 'GET', '/connectors', { ...admin, cert: 'none' }), /certificate|alert|ECONNRESET|socket hang up/i);
  });

  it('Basic auth: no or wrong credentials → 401 with a challenge; reader may GET but not POST; admin may; /health stays open', async () => {
    const none = await call(httpUrl, 'GET', '/connectors');
    assertConnectError(none, 401, /Authentication required/);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="cdc-test", charset="UTF-8"');
    assertConnectError(await call(httpUrl, 'GET', '/connectors', { user: admin.user, password: 'nope' }), 401, /Invalid username or password/);
    assertConnectError(await call(httpUrl, 'GET', '/connectors', { user: 'ghost', password: admin.password }), 401, /Invalid username or password/);
    assertConnectError(await call(httpsUrl, 'GET', '/connectors', { cert: 'client' }), 401, /Authentication required/);
    assert.equal((await call(httpUrl, 'GET', '/health')).status, 200);

    const name = uniqueName('restsec');
    connectors.push(name);
    const create = { name, config: counterConfig(`${name}_out`) };
    assertConnectError(await call(httpUrl, 'POST', '/connectors', { ...reader, body: create }), 403, /may only read \(GET\); POST needs the admin role/);
    assert.equal((await call(httpUrl, 'GET', '/connectors', reader)).status, 200);
    const created = await call(httpsUrl, 'POST', '/connectors', { ...admin, body: create });
    assert.equal(created.status, 201, created.text);
    assert.equal((await call(httpUrl, 'GET', `/connectors/${name}/config`, reader)).status, 200);
    assertConnectError(await call(httpUrl, 'DELETE', `/connectors/${name}`, reader), 403, /admin role/);
    // The worker's log has no credentials.
    assert.ok(!w.logs().includes(admin.password) && !w.logs().includes('Basic '), 'credentials in the log');
  });

  it('hashed passwords (bcrypt, scrypt) work, and only with the right password', async () => {
    assert.equal((await call(httpUrl, 'GET', '/connectors', hashed)).status, 200);
    assert.equal((await call(httpUrl, 'GET', '/connectors', hashed)).status, 200); // remembered
    assertConnectError(await call(httpUrl, 'GET', '/connectors', { user: hashed.user, password: `${hashed.password}x` }), 401, /Invalid/);
    assert.equal((await call(httpUrl, 'GET', '/connectors', scrypted)).status, 200);
    assertConnectError(await call(httpUrl, 'POST', '/connectors', { ...scrypted, body: {} }), 403, /admin role/);
  });

  it('CORS: a preflight from an allowed origin is answered without credentials; other origins get no CORS headers', async () => {
    const origin = 'https://ui.example.test';
    const pre = await call(httpUrl, 'OPTIONS', '/connectors', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    assert.equal(pre.status, 200, pre.text);
    assert.equal(pre.headers['access-control-allow-origin'], origin);
    assert.equal(pre.headers['access-control-allow-methods'], 'GET,POST,PUT');
    assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/);
    const get = await call(httpUrl, 'GET', '/connectors', { ...admin, headers: { origin } });
    assert.equal(get.status, 200);
    assert.equal(get.headers['access-control-allow-origin'], origin);
    const denied = await call(httpUrl, 'GET', '/connectors', { ...admin, headers: { origin: 'https://evil.example.test' } });
    assert.equal(denied.status, 200);
    assert.equal(denied.headers['access-control-allow-origin'], undefined);
    const deleteMethod = await call(httpUrl, 'OPTIONS', '/connectors', { headers: { origin, 'access-control-request-method': 'DELETE' } });
    assert.equal(deleteMethod.headers['access-control-allow-methods'], undefined);
  });

  it('with authentication, an admin may send additional-conditions (they reach the connector)', async () => {
    const name = connectors[0]!;
    const r = await call(httpUrl, 'POST', `/connectors/${name}/snapshots`, {
      ...admin, body: { 'data-collections': ['a.b'], 'additional-conditions': [{ 'data-collection': 'a.b', filter: 'id > 1' }] },
    });
    // test.CounterSource takes no snapshot commands: the request got past the guard to the connector (409).
    assertConnectError(r, 409, /.+/);
  });
});

describe('REST security across a cluster: a follower forwards over https with the caller\'s credentials', () => {
  let settings: WorkerSettings;
  const workers: InProcessWorker[] = [];
  const connectors: string[] = [];

  before(async () => {
    settings = newWorkerSettings('restsecfwd', {
      listeners: 'https://127.0.0.1:0',
      'listeners.https.ssl.keystore.type': 'PEM', 'listeners.https.ssl.keystore.location': file('keystore.pem'), 'listeners.https.ssl.key.password': KEY_PASSWORD,
      'listeners.https.ssl.truststore.type': 'PEM', 'listeners.https.ssl.truststore.location': file('ca.pem'), 'listeners.https.ssl.client.auth': 'required',
      'rest.auth.basic.file': file('users'),
    });
    // The first to join leads; requests to the second are forwarded to it.
    workers.push(await startInProcessWorker(settings));
    workers.push(await startInProcessWorker(settings));
  });

  after(async () => {
    for (const name of connectors) await call(workers[0]!.url, 'DELETE', `/connectors/${name}`, { ...admin, cert: 'client' }).catch(() => undefined);
    for (const w of workers.reverse()) await w.stop();
    await cleanupWorkerTopics(settings, connectors.map((c) => `${c}_out`));
    await closeTestKafka();
  });

  it('creates a connector through the follower (forwarded to the leader), and the leader sees the same user', async () => {
    const [leader, follower] = workers as [InProcessWorker, InProcessWorker];
    assert.match(follower.url, /^https:/);
    const name = uniqueName('restsecfwd');
    connectors.push(name);
    const create = { name, config: counterConfig(`${name}_out`) };
    // A rebalance may still be under way right after the second worker joined: retry on 409 as Connect's clients do.
    const send = (who: { user: string; password: string }) => waitFor(async () => {
      const r = await call(follower.url, 'POST', '/connectors', { ...who, cert: 'client', body: create });
      return r.status === 409 && /rebalance/i.test(r.text) ? undefined : r;
    }, { timeoutMs: 60_000, intervalMs: 250, message: 'a write outside a rebalance' });
    assertConnectError(await send(reader), 403, /admin role/);
    const r = await send(admin);
    assert.equal(r.status, 201, r.text);
    assert.ok(leader.logs().split('\n').some((l) => l.includes('"method":"POST"') && l.includes('forward=false') && l.includes('"status":201')), 'the leader applied a forwarded POST');
    assert.equal((await call(leader.url, 'GET', `/connectors/${name}`, { ...reader, cert: 'client' })).status, 200);
  });
});

describe('REST without authentication: additional-conditions guard, name limit, pause of a FAILED task, 413/414/431', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  const connectors: string[] = [];

  before(async () => {
    settings = newWorkerSettings('restedge');
    w = await startInProcessWorker(settings);
  });

  after(async () => {
    for (const name of connectors) await call(w.url, 'DELETE', `/connectors/${name}`).catch(() => undefined);
    await w?.stop();
    await cleanupWorkerTopics(settings, connectors.map((c) => `${c}_out`));
    await closeTestKafka();
  });

  async function counter(name: string, extra: Record<string, string> = {}) {
    connectors.push(name);
    const r = await call(w.url, 'POST', '/connectors', { body: { name, config: counterConfig(`${name}_out`, extra) } });
    assert.equal(r.status, 201, r.text);
  }

  it('refuses additional-conditions (SQL with the connector\'s privileges) when nobody is authenticated', async () => {
    const name = uniqueName('restedge_sig');
    await counter(name);
    const path = `/connectors/${name}/snapshots`;
    const r = await call(w.url, 'POST', path, { body: { 'data-collections': ['a.b'], 'additional-conditions': [{ 'data-collection': 'a.b', filter: '1=1' }] } });
    assertConnectError(r, 403, /additional-conditions are refused.*no authentication.*rest\.snapshots\.additional\.conditions\.allow/);
    const single = await call(w.url, 'POST', path, { body: { 'data-collections': ['a.b'], 'additional-condition': 'id > 0' } });
    assertConnectError(single, 403, /additional-conditions are refused/);
    // Without conditions the request reaches the connector (which takes no snapshot commands: 409).
    assertConnectError(await call(w.url, 'POST', path, { body: { 'data-collections': ['a.b'] } }), 409, /.+/);
  });

  it('limits new connector names to 249 characters (POST and PUT .../config)', async () => {
    const long = `x${'n'.repeat(249)}`;
    assertConnectError(await call(w.url, 'POST', '/connectors', { body: { name: long, config: counterConfig('unused') } }), 400, /too long: 250 characters; the limit is 249/);
    assertConnectError(await call(w.url, 'PUT', `/connectors/${long}/config`, { body: counterConfig('unused') }), 400, /limit is 249/);
    assert.equal((await call(w.url, 'GET', `/connectors/${long}`)).status, 404);
  });

  it('pausing a connector whose task FAILED keeps the task FAILED, with its trace', async () => {
    const name = uniqueName('restedge_fail');
    await counter(name, { 'fail.at.record': '3' });
    await waitForStatus(w.url, name, (s) => s.tasks.length === 1 && s.tasks[0].state === 'FAILED');
    assert.equal((await call(w.url, 'PUT', `/connectors/${name}/pause`)).status, 202);
    const status = await waitForStatus(w.url, name, (s) => s.connector.state === 'PAUSED');
    assert.equal(status.tasks[0].state, 'FAILED', JSON.stringify(status));
    assert.match(status.tasks[0].trace, /fail\.at\.record=3/);
  });

  it('answers 413, 414 and 431 with Connect\'s error body', async () => {
    const big = `{"name":"x","config":{"pad":"${'a'.repeat(10 * 1024 * 1024)}"}}`;
    assertConnectError(await call(w.url, 'POST', '/connectors', { raw: big }), 413, /too large/);
    assertConnectError(await call(w.url, 'GET', `/connectors/${'u'.repeat(9000)}`), 414, /URI too long/);
    assertConnectError(await call(w.url, 'GET', `/connectors/${'u'.repeat(20_000)}`), 414, /URI too long/);
    assertConnectError(await call(w.url, 'GET', '/connectors', { headers: { 'x-padding': 'p'.repeat(20_000) } }), 431, /header fields too large/);
    assert.equal((await call(w.url, 'GET', '/connectors')).status, 200); // the server is fine afterwards
  });
});
