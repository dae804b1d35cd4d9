import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../src/errors/index.js';
import { loadWorkerConfig } from '../../../../src/worker/config.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-rest-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc', '-keyout', 'server.key', '-out', 'server.pem', '-days', '2', '-subj', '/CN=localhost');
const KEYSTORE = join(dir, 'keystore.pem');
writeFileSync(KEYSTORE, readFileSync(join(dir, 'server.key'), 'utf8') + readFileSync(join(dir, 'server.pem'), 'utf8'));
const CA = join(dir, 'server.pem');
const CREDENTIALS = join(dir, 'users');
writeFileSync(CREDENTIALS, 'alice: pw,admin\nbob: pw,reader\n');

const base = {
  'bootstrap.servers': 'kafka:9092', 'group.id': 'cdc', 'config.storage.topic': 'c', 'offset.storage.topic': 'o', 'status.storage.topic': 's',
};
const load = (props: Record<string, string>) => loadWorkerConfig({ env: {}, overrides: { ...base, ...props } });

function refused(props: Record<string, string>, key: string, pattern: RegExp): void {
  assert.throws(() => load(props), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.key, key);
    assert.match(err.message, pattern);
    assert.ok(err.fix);
    return true;
  });
}

const pemKeystore = { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': KEYSTORE };

test('defaults: one http listener on rest.host.name/rest.port (0.0.0.0:8083), no TLS, no auth, no CORS, conditions refused', () => {
  const { rest } = load({});
  assert.deepEqual(rest.listeners, [{ protocol: 'http', host: '0.0.0.0', port: 8083 }]);
  assert.equal(rest.advertised, rest.listeners[0]);
  assert.equal(rest.security.tls, undefined);
  assert.equal(rest.security.auth, undefined);
  assert.deepEqual(rest.security.cors, { allowOrigins: [], allowMethods: ['GET', 'POST', 'HEAD'] });
  assert.equal(rest.security.additionalConditionsWithoutAuth, false);
});

test('https from the top-level ssl.* (Connect: when no listeners.https.ssl.* is set); the Kafka clients then leave them alone', () => {
  const cfg = load({ listeners: 'http://127.0.0.1:0,https://:0', ...pemKeystore, 'ssl.client.auth': 'required', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': CA });
  assert.equal(cfg.rest.listeners.length, 2);
  assert.equal(cfg.rest.advertised.protocol, 'http'); // Connect: http when there is an http listener
  assert.match(cfg.rest.security.tls!.cert!, /BEGIN CERTIFICATE/);
  assert.match(cfg.rest.security.tls!.ca!, /BEGIN CERTIFICATE/);
  assert.equal(cfg.rest.security.tls!.clientAuth, 'required');
  assert.equal(cfg.kafka.connection.protocol, 'PLAINTEXT');
  assert.equal(cfg.kafka.connection.tls, undefined);
  // With security.protocol=SSL the same settings are the Kafka clients' too.
  const both = load({ listeners: 'https://:0', ...pemKeystore, 'security.protocol': 'SSL' });
  assert.equal(both.rest.advertised.protocol, 'https');
  assert.match(both.kafka.connection.tls!.cert!, /BEGIN CERTIFICATE/);
});

test('listeners.https.ssl.* wins over ssl.* for the REST server, and the top-level ssl.* stay the Kafka clients\'', () => {
  const prefixed = Object.fromEntries(Object.entries(pemKeystore).map(([k, v]) => [`listeners.https.${k}`, v]));
  const cfg = load({ listeners: 'https://127.0.0.1:0', ...prefixed });
  assert.match(cfg.rest.security.tls!.cert!, /BEGIN CERTIFICATE/);
  // Top-level TLS stores without security.protocol=SSL are the Kafka clients', and refused there as before.
  refused({ listeners: 'https://127.0.0.1:0', ...prefixed, ...pemKeystore }, 'ssl.keystore.type', /security\.protocol is not set/);
});

test('TLS and listener settings that cannot be honoured stop the worker, naming the key', () => {
  refused({ listeners: 'https://:0' }, 'ssl.keystore.location', /https listener needs the server's certificate/);
  refused({ listeners: 'https://:0', 'listeners.https.ssl.keystore.type': 'JKS', 'listeners.https.ssl.keystore.location': KEYSTORE }, 'listeners.https.ssl.keystore.location', /JKS/);
  refused({ listeners: 'https://:0', ...pemKeystore, 'ssl.client.auth': 'maybe' }, 'ssl.client.auth', /not none, requested or required/);
  refused({ listeners: 'https://:0', ...pemKeystore, 'ssl.client.auth': 'requested' }, 'ssl.truststore.location', /needs the CAs/);
  refused({ listeners: 'http://:0', 'listeners.https.ssl.keystore.location': KEYSTORE }, 'listeners.https.ssl.keystore.location', /no https listener/);
  refused({ listeners: 'http://:0', 'rest.advertised.listener': 'https' }, 'rest.advertised.listener', /no https listener/);
  refused({ 'rest.advertised.listener': 'spdy' }, 'rest.advertised.listener', /spdy/);
  refused({ listeners: 'https://:0', 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': join(dir, 'missing.pem') }, 'ssl.keystore.location', /does not exist/);
});

test('Basic authentication from rest.auth.basic.file; Connect\'s Java extension is refused with the replacement named', () => {
  const auth = load({ 'rest.auth.basic.file': CREDENTIALS, 'rest.auth.basic.realm': 'cdc' }).rest.security.auth!;
  assert.equal(auth.realm, 'cdc');
  assert.deepEqual([...auth.users.keys()], ['alice', 'bob']);
  refused({ 'rest.auth.basic.file': join(dir, 'nope') }, 'rest.auth.basic.file', /cannot be read \(ENOENT\)/);
  assert.throws(() => load({ 'rest.extension.classes': 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension' }),
    (err: ConfigError) => err.key === 'rest.extension.classes' && /rest\.auth\.basic\.file/.test(err.fix ?? ''));
});

test('CORS settings: origins or *, methods checked; additional conditions allowed only when asked', () => {
  const cors = load({ 'access.control.allow.origin': 'https://ui.example.com, http://localhost:3000', 'access.control.allow.methods': 'get,put' }).rest.security.cors;
  assert.deepEqual(cors, { allowOrigins: ['https://ui.example.com', 'http://localhost:3000'], allowMethods: ['GET', 'PUT'] });
  assert.deepEqual(load({ 'access.control.allow.origin': '*' }).rest.security.cors.allowOrigins, ['*']);
  refused({ 'access.control.allow.origin': 'ui.example.com' }, 'access.control.allow.origin', /not an origin/);
  refused({ 'access.control.allow.origin': '*', 'access.control.allow.methods': 'GET,FETCH' }, 'access.control.allow.methods', /FETCH/);
  assert.equal(load({ 'rest.snapshots.additional.conditions.allow': 'true' }).rest.security.additionalConditionsWithoutAuth, true);
});
