import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import {
  SECURITY_KEYS, clientConnection, clientProps, kafkaConnection, parseJaasConfig, unknownSecurityKeys, withClientOverrides,
} from '../../../../src/kafka/client-config.js';
import { ConfigError } from '../../../../src/errors/index.js';

// Secrets used below; no error message or fix may contain any of them.
const KEY_PASSWORD = 'Key-Pa55-x9';
const STORE_PASSWORD = 'St0re-Pa55-q7';
const PLAIN_PASSWORD = 'Pl4in-Pa55-z3';
const CLIENT_SECRET = 'Cl13nt-S3cr3t-w1';
const secrets = [KEY_PASSWORD, STORE_PASSWORD, PLAIN_PASSWORD, CLIENT_SECRET];

const dir = mkdtempSync(join(tmpdir(), 'cdc-kafka-tls-'));
const path = (name: string) => join(dir, name);
const text = (name: string) => readFileSync(path(name), 'utf8');

before(() => {
  // Fixtures made at test time: no private key is committed.
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl('genpkey', ...ec, '-out', 'ca.key');
  openssl('req', '-x509', '-key', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test-ca');
  openssl('genpkey', ...ec, '-out', 'client.key');
  openssl('req', '-x509', '-key', 'client.key', '-out', 'client.pem', '-days', '2', '-subj', '/CN=client');
  openssl('genpkey', ...ec, '-out', 'other.key');
  openssl('pkcs8', '-topk8', '-in', 'client.key', '-out', 'client-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${KEY_PASSWORD}`);
  openssl('pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.pem', '-out', 'keystore.p12', '-passout', `pass:${STORE_PASSWORD}`);
  openssl('pkcs12', '-export', '-nokeys', '-in', 'ca.pem', '-out', 'truststore.p12', '-passout', `pass:${STORE_PASSWORD}`);
  writeFileSync(path('client-bundle.pem'), text('client-enc.key') + text('client.pem'));
  writeFileSync(path('not-pem.txt'), 'hello\n');
  secrets.push(body(text('client.key')), body(text('client-enc.key')));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The base64 of a PEM block: what a leaked key would show. */
function body(pem: string): string {
  return pem.split('\n').filter((l) => l && !l.startsWith('-----'))[0]!;
}

function expectConfigError(fn: () => unknown, key: string, pattern: RegExp): ConfigError {
  let caught: unknown;
  assert.throws(fn, (err: unknown) => {
    caught = err;
    return true;
  });
  const err = caught as ConfigError;
  assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
  assert.equal(err.key, key, err.message);
  assert.match(err.message, pattern);
  assert.ok(err.fix, 'has a fix');
  for (const secret of secrets) assert.ok(!err.describe().includes(secret), `no secret in: ${err.describe()}`);
  return err;
}

const PLAIN_JAAS_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const base = { 'bootstrap.servers': 'k1:9092, SASL_SSL://k2:9093' };
const plainJaas = `${PLAIN_JAAS_MODULE} required username="alice" password="${PLAIN_PASSWORD}";`;
const saslSsl = { ...base, 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': plainJaas };

// --- protocols ------------------------------------------------------------------------------------------------

test('PLAINTEXT is the default; brokers are host:port with a listener prefix dropped', () => {
  assert.deepEqual(kafkaConnection(base), { brokers: ['k1:9092', 'k2:9093'], protocol: 'PLAINTEXT' });
  assert.deepEqual(kafkaConnection({ ...base, 'security.protocol': 'plaintext' }).protocol, 'PLAINTEXT');
});

test('bootstrap.servers and security.protocol must be valid', () => {
  expectConfigError(() => kafkaConnection({}), 'bootstrap.servers', /is required/);
  expectConfigError(() => kafkaConnection({ 'bootstrap.servers': 'k1' }, { keyPrefix: 'producer.' }), 'producer.bootstrap.servers', /"k1".*host:port/);
  assert.deepEqual(kafkaConnection({ x: 'a:1' }, { brokersKey: 'x' }).brokers, ['a:1']);
  expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'TLS' }), 'security.protocol', /"TLS".*not a security protocol/);
});

test('SSL without stores trusts Node\'s CAs and checks the host name; protocol names are case-insensitive', () => {
  assert.deepEqual(kafkaConnection({ ...base, 'security.protocol': 'ssl' }), { brokers: ['k1:9092', 'k2:9093'], protocol: 'SSL', tls: { verifyHostname: true } });
});

test('SASL_PLAINTEXT and SASL_SSL with PLAIN: username and password from the JAAS config', () => {
  const c = kafkaConnection({ ...saslSsl, 'security.protocol': 'SASL_PLAINTEXT' });
  assert.deepEqual(c, { brokers: ['k1:9092', 'k2:9093'], protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'alice', password: PLAIN_PASSWORD } });
  const s = kafkaConnection(saslSsl);
  assert.equal(s.protocol, 'SASL_SSL');
  assert.deepEqual(s.tls, { verifyHostname: true });
  assert.deepEqual(s.sasl, { mechanism: 'PLAIN', username: 'alice', password: PLAIN_PASSWORD });
});

test('SCRAM-SHA-256/512 take username and password too (from either module, as Kafka\'s clients do)', () => {
  const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username=bob password="${PLAIN_PASSWORD}";`;
  assert.deepEqual(kafkaConnection({ ...saslSsl, 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': scram }).sasl,
    { mechanism: 'SCRAM-SHA-512', username: 'bob', password: PLAIN_PASSWORD });
  assert.equal(kafkaConnection({ ...saslSsl, 'sasl.mechanism': 'scram-sha-256' }).sasl?.mechanism, 'SCRAM-SHA-256');
});

// --- trust stores ---------------------------------------------------------------------------------------------

test('PEM trust store from a file: the certificates are read at parse time', () => {
  const tls = kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': path('ca.pem') }).tls!;
  assert.equal(new X509Certificate(tls.ca!).subject, 'CN=test-ca');
});

test('PEM trust store inline, also with its line breaks lost to a .properties continuation', () => {
  const oneLine = text('ca.pem').replace(/\n/g, ' ');
  for (const certs of [text('ca.pem'), oneLine]) {
    const tls = kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.type': 'pem', 'ssl.truststore.certificates': certs }).tls!;
    assert.equal(tls.ca, text('ca.pem'));
  }
});

test('a trust store file that does not exist, or holds no certificate, is an error naming the key as written', () => {
  const worker = { ...base, 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'producer.ssl.truststore.location': path('missing.pem') };
  const err = expectConfigError(() => clientConnection(clientProps(worker, 'producer')), 'producer.ssl.truststore.location', /missing\.pem, which does not exist/);
  assert.match(err.fix!, /producer\.ssl\.truststore\.location/);
  expectConfigError(() => kafkaConnection({ ...worker, 'ssl.truststore.location': path('not-pem.txt') }),
    'ssl.truststore.location', /not-pem\.txt, which holds no PEM certificate/);
  expectConfigError(() => kafkaConnection({ ...worker, 'ssl.truststore.location': dir }), 'ssl.truststore.location', /is a directory/);
  expectConfigError(() => kafkaConnection({ ...worker, 'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }),
    'ssl.truststore.certificates', /certificate \(number 1\) that cannot be read/);
});

test('a JKS trust store (Kafka\'s default type) is refused with a way to convert it', () => {
  const err = expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.location': '/etc/kafka/truststore.jks', 'ssl.truststore.password': STORE_PASSWORD }),
    'ssl.truststore.location', /JKS trust store \(ssl\.truststore\.type defaults to JKS/);
  assert.match(err.fix!, /keytool -exportcert -rfc/);
  assert.match(err.fix!, /ssl\.truststore\.type=PEM/);
  expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.certificates': text('ca.pem') }),
    'ssl.truststore.type', /is JKS, but ssl\.truststore\.certificates holds PEM/);
});

test('a PKCS12 trust store is refused: Node cannot take certificate-only PKCS#12 as trusted CAs', () => {
  // What the refusal rests on: Node's pfx wants a private key.
  assert.throws(() => createSecureContext({ pfx: readFileSync(path('truststore.p12')), passphrase: STORE_PASSWORD }), /private key/);
  const err = expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': path('truststore.p12'), 'ssl.truststore.password': STORE_PASSWORD }),
    'ssl.truststore.location', /PKCS#12 trust store/);
  assert.match(err.fix!, /openssl pkcs12 -in .* -nokeys -out ca\.pem/);
});

test('PEM trust stores take no password; a password without a store is refused', () => {
  expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': path('ca.pem'), 'ssl.truststore.password': STORE_PASSWORD }),
    'ssl.truststore.password', /cannot be used with PEM/);
  expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'SSL', 'ssl.truststore.password': STORE_PASSWORD }), 'ssl.truststore.password', /no trust store/);
});

// --- key stores -----------------------------------------------------------------------------------------------

const ssl = { ...base, 'security.protocol': 'SSL' };

test('PEM key store inline: key and certificate chain; an encrypted key with ssl.key.password', () => {
  const tls = kafkaConnection({ ...ssl, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': text('client.key'), 'ssl.keystore.certificate.chain': text('client.pem') }).tls!;
  assert.equal(tls.key, text('client.key'));
  assert.equal(tls.cert, text('client.pem'));
  assert.equal(tls.keyPassword, undefined);
  const enc = kafkaConnection({ ...ssl, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': text('client-enc.key'), 'ssl.keystore.certificate.chain': text('client.pem'), 'ssl.key.password': KEY_PASSWORD }).tls!;
  assert.equal(enc.keyPassword, KEY_PASSWORD);
  createSecureContext({ key: enc.key!, passphrase: enc.keyPassword!, cert: enc.cert! });
});

test('PEM key store file holding the encrypted key and the chain', () => {
  const tls = kafkaConnection({ ...ssl, 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': path('client-bundle.pem'), 'ssl.key.password': KEY_PASSWORD }).tls!;
  assert.match(tls.key!, /BEGIN ENCRYPTED PRIVATE KEY/);
  assert.equal(new X509Certificate(tls.cert!).subject, 'CN=client');
});

test('encrypted key without or with a wrong ssl.key.password; key and certificate that do not match', () => {
  const props = { ...ssl, 'ssl.keystore.type': 'PEM', 'producer.ssl.keystore.location': path('client-bundle.pem') };
  expectConfigError(() => clientConnection(clientProps(props, 'producer')), 'producer.ssl.key.password', /is not set, but the private key of producer\.ssl\.keystore\.location is encrypted/);
  expectConfigError(() => clientConnection(clientProps({ ...props, 'ssl.key.password': `${KEY_PASSWORD}-wrong` }, 'producer')), 'ssl.key.password', /does not decrypt/);
  expectConfigError(() => kafkaConnection({ ...ssl, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': text('other.key'), 'ssl.keystore.certificate.chain': text('client.pem') }),
    'ssl.keystore.certificate.chain', /first is not the private key's certificate/);
  expectConfigError(() => kafkaConnection({ ...ssl, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': text('client.key') }), 'ssl.keystore.key', /certificate\.chain is not/);
  expectConfigError(() => kafkaConnection({ ...ssl, 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': path('ca.pem') }), 'ssl.keystore.location', /holds no PEM private key/);
});

test('PKCS12 key store: pfx and its password, checked when parsed', () => {
  const props = { ...ssl, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': path('keystore.p12'), 'ssl.keystore.password': STORE_PASSWORD };
  const tls = kafkaConnection(props).tls!;
  assert.deepEqual(tls.pfx, readFileSync(path('keystore.p12')));
  assert.equal(tls.pfxPassword, STORE_PASSWORD);
  expectConfigError(() => kafkaConnection({ ...props, 'ssl.keystore.password': 'wrong' }), 'ssl.keystore.password', /does not open/);
  expectConfigError(() => kafkaConnection({ ...props, 'ssl.keystore.password': '' }), 'ssl.keystore.password', /required/);
  expectConfigError(() => kafkaConnection({ ...props, 'ssl.key.password': KEY_PASSWORD }), 'ssl.key.password', /one password/);
  expectConfigError(() => kafkaConnection({ ...props, 'ssl.keystore.location': path('truststore.p12') }), 'ssl.keystore.location', /cannot be loaded as a PKCS12 key store/);
});

test('a JKS key store is refused with a conversion command', () => {
  const err = expectConfigError(() => kafkaConnection({ ...ssl, 'ssl.keystore.location': '/etc/kafka/keystore.jks', 'ssl.keystore.password': STORE_PASSWORD }),
    'ssl.keystore.location', /JKS key store/);
  assert.match(err.fix!, /keytool -importkeystore .* -deststoretype PKCS12/);
});

// --- other TLS settings ---------------------------------------------------------------------------------------

test('ssl.endpoint.identification.algorithm: https checks the host name, empty does not, anything else is refused', () => {
  assert.equal(kafkaConnection({ ...ssl, 'ssl.endpoint.identification.algorithm': 'HTTPS' }).tls!.verifyHostname, true);
  assert.equal(kafkaConnection({ ...ssl, 'ssl.endpoint.identification.algorithm': '' }).tls!.verifyHostname, false);
  expectConfigError(() => kafkaConnection({ ...ssl, 'ssl.endpoint.identification.algorithm': 'ldaps' }), 'ssl.endpoint.identification.algorithm', /"ldaps"/);
});

test('ssl.enabled.protocols / ssl.protocol become TLS version bounds; older versions are refused', () => {
  const tls = (extra: Record<string, string>) => kafkaConnection({ ...ssl, ...extra }).tls!;
  assert.deepEqual(tls({ 'ssl.enabled.protocols': 'TLSv1.2,TLSv1.3', 'ssl.protocol': 'TLSv1.3' }), { verifyHostname: true });
  assert.equal(tls({ 'ssl.enabled.protocols': 'TLSv1.3' }).minVersion, 'TLSv1.3');
  assert.equal(tls({ 'ssl.protocol': 'TLSv1.2' }).maxVersion, 'TLSv1.2');
  assert.equal(tls({ 'ssl.enabled.protocols': 'TLSv1.2' }).maxVersion, 'TLSv1.2');
  assert.equal(tls({ 'ssl.protocol': 'TLS' }).maxVersion, undefined);
  expectConfigError(() => tls({ 'ssl.enabled.protocols': 'TLSv1.2, TLSv1.1' }), 'ssl.enabled.protocols', /TLSv1\.1, an obsolete/);
  expectConfigError(() => tls({ 'ssl.protocol': 'SSLv3' }), 'ssl.protocol', /obsolete/);
  expectConfigError(() => tls({ 'ssl.protocol': 'TLSv1.2', 'ssl.enabled.protocols': 'TLSv1.3' }), 'ssl.protocol', /no version is left/);
});

test('JVM-only TLS settings are refused unless empty or at Kafka\'s default', () => {
  for (const key of ['ssl.cipher.suites', 'ssl.provider', 'ssl.engine.factory.class', 'ssl.secure.random.implementation']) {
    expectConfigError(() => kafkaConnection({ ...ssl, [key]: 'x' }), key, /no equivalent in Node\.js/);
    kafkaConnection({ ...ssl, [key]: '' });
  }
  kafkaConnection({ ...ssl, 'ssl.keymanager.algorithm': 'SunX509', 'ssl.trustmanager.algorithm': 'PKIX', 'ssl.client.auth': 'none' });
  expectConfigError(() => kafkaConnection({ ...ssl, 'ssl.trustmanager.algorithm': 'SunX509' }), 'ssl.trustmanager.algorithm', /only Kafka's default PKIX/);
});

test('unknown ssl.*/sasl.* keys (typos) are refused, named as written', () => {
  expectConfigError(() => clientConnection(clientProps({ ...base, 'consumer.ssl.trustore.location': '/x' }, 'consumer')), 'consumer.ssl.trustore.location', /not a Kafka client setting/);
  expectConfigError(() => kafkaConnection({ ...base, 'sasl.jaas.conifg': plainJaas }), 'sasl.jaas.conifg', /not a Kafka client setting/);
  assert.deepEqual(unknownSecurityKeys({ 'ssl.foo': '', 'sasl.kerberos.service.name': 'kafka', 'sslx': '', 'group.id': 'g' }), ['ssl.foo']);
  assert.ok(SECURITY_KEYS.has('sasl.login.refresh.window.factor'));
});

// --- security settings under a protocol that ignores them ----------------------------------------------------

test('sasl.* or TLS stores set under a protocol that would not use them are refused, pointing at security.protocol', () => {
  const err = expectConfigError(() => kafkaConnection({ ...base, 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': plainJaas }), 'sasl.mechanism', /security\.protocol is not set \(PLAINTEXT\)/);
  assert.match(err.fix!, /security\.protocol=SASL_SSL/);
  expectConfigError(() => kafkaConnection({ ...base, 'security.protocol': 'SSL', 'sasl.jaas.config': plainJaas }), 'sasl.jaas.config', /is SSL.*without SASL/);
  expectConfigError(() => kafkaConnection({ ...base, 'ssl.truststore.location': path('ca.pem') }), 'ssl.truststore.location', /without TLS/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'security.protocol': 'SASL_PLAINTEXT', 'ssl.keystore.key': 'k' }), 'ssl.keystore.key', /is SASL_PLAINTEXT/);
  // Kafka ignores other TLS settings without TLS, and so do we.
  kafkaConnection({ ...base, 'ssl.endpoint.identification.algorithm': '', 'ssl.enabled.protocols': 'TLSv1.2' });
});

test('a more specific security.protocol switches inherited security settings off on purpose', () => {
  const worker = { ...saslSsl, 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': path('ca.pem'), 'producer.security.protocol': 'PLAINTEXT' };
  assert.deepEqual(clientConnection(clientProps(worker, 'producer')), { brokers: ['k1:9092', 'k2:9093'], protocol: 'PLAINTEXT' });
  assert.equal(clientConnection(clientProps(worker, 'consumer')).protocol, 'SASL_SSL');
  // ...but settings made at the same level as the protocol are still a mistake.
  expectConfigError(() => clientConnection(clientProps({ ...worker, 'producer.sasl.jaas.config': plainJaas }, 'producer')), 'producer.sasl.jaas.config', /producer\.security\.protocol is PLAINTEXT/);
});

// --- SASL -----------------------------------------------------------------------------------------------------

test('SASL refusals: no mechanism (Kafka\'s GSSAPI), GSSAPI, Kerberos or unknown modules, missing JAAS, missing credentials, tokenauth', () => {
  const { ['sasl.mechanism']: _, ...noMechanism } = saslSsl;
  expectConfigError(() => kafkaConnection(noMechanism), 'sasl.mechanism', /not set, so Kafka would use GSSAPI/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.mechanism': 'GSSAPI' }), 'sasl.mechanism', /Kerberos/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.mechanism': 'DIGEST-MD5' }), 'sasl.mechanism', /"DIGEST-MD5"/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.jaas.config': 'com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;' }), 'sasl.jaas.config', /Kerberos/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.jaas.config': `com.example.MyLoginModule required password="${PLAIN_PASSWORD}";` }),
    'sasl.jaas.config', /com\.example\.MyLoginModule, which does not provide PLAIN credentials/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.jaas.config': `${PLAIN_PASSWORD} required;` }), 'sasl.jaas.config', /login module in it/);
  const { ['sasl.jaas.config']: __, ...noJaas } = saslSsl;
  expectConfigError(() => clientConnection(clientProps({ ...noJaas, 'sasl.mechanism': '', 'producer.sasl.mechanism': 'PLAIN' }, 'producer')),
    'producer.sasl.jaas.config', /required for SASL PLAIN/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice";' }),
    'sasl.jaas.config', /no password/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.mechanism': 'SCRAM-SHA-256',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="t" password="${PLAIN_PASSWORD}" tokenauth="true";` }),
  'sasl.jaas.config', /delegation tokens/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.client.callback.handler.class': 'com.example.Handler' }), 'sasl.client.callback.handler.class', /cannot be loaded/);
  expectConfigError(() => kafkaConnection({ ...saslSsl, 'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler' }),
    'sasl.login.callback.handler.class', /cannot be loaded/);
});

const oauthJaas = `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="cdc" clientSecret="${CLIENT_SECRET}" scope="kafka" extension_logicalCluster="lkc-1";`;
const oauth = {
  ...base, 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.jaas.config': oauthJaas,
  'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'sasl.oauthbearer.token.endpoint.url': 'https://idp.example.com/oauth2/token',
};

test('OAUTHBEARER: token endpoint, client credentials, scope and extensions from the JAAS config; timeouts add up', () => {
  assert.deepEqual(kafkaConnection({ ...oauth, 'sasl.login.connect.timeout.ms': '5000', 'sasl.login.read.timeout.ms': '10000' }).sasl, {
    mechanism: 'OAUTHBEARER',
    oauth: { tokenEndpointUrl: 'https://idp.example.com/oauth2/token', clientId: 'cdc', clientSecret: CLIENT_SECRET, scope: 'kafka', extensions: { logicalCluster: 'lkc-1' }, timeoutMs: 15000 },
  });
  // Kafka 3.1–3.3's handler class, or none at all.
  const { ['sasl.login.callback.handler.class']: _, ...noHandler } = oauth;
  assert.equal(kafkaConnection(noHandler).sasl?.oauth?.clientId, 'cdc');
  assert.equal(kafkaConnection({ ...oauth, 'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler' }).sasl?.oauth?.scope, 'kafka');
});

test('OAUTHBEARER: Kafka 4.x client credential keys win over the JAAS options; header.urlencode', () => {
  const c = kafkaConnection({
    ...oauth, 'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="old" scope="old";',
    'sasl.oauthbearer.client.credentials.client.id': 'cdc-4', 'sasl.oauthbearer.client.credentials.client.secret': CLIENT_SECRET,
    'sasl.oauthbearer.scope': 'kafka.write', 'sasl.oauthbearer.header.urlencode': 'TRUE',
    'sasl.oauthbearer.jwt.retriever.class': 'org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever',
  });
  assert.deepEqual(c.sasl?.oauth, { tokenEndpointUrl: 'https://idp.example.com/oauth2/token', clientId: 'cdc-4', clientSecret: CLIENT_SECRET, scope: 'kafka.write', urlEncodeCredentials: true });
});

test('OAUTHBEARER refusals: no endpoint, file endpoint, no client id or secret, unsecured tokens, assertions, other classes', () => {
  const { ['sasl.oauthbearer.token.endpoint.url']: _, ...noUrl } = oauth;
  expectConfigError(() => kafkaConnection(noUrl), 'sasl.oauthbearer.token.endpoint.url', /required for OAUTHBEARER/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.oauthbearer.token.endpoint.url': 'file:///tmp/token.jwt' }), 'sasl.oauthbearer.token.endpoint.url', /file: URL/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.oauthbearer.token.endpoint.url': `not a url ${CLIENT_SECRET}` }), 'sasl.oauthbearer.token.endpoint.url', /not a URL/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="${CLIENT_SECRET}";` }),
    'sasl.oauthbearer.client.credentials.client.id', /neither is clientId/);
  expectConfigError(() => withPrefixOverride({ 'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="x";' }),
    'producer.override.sasl.oauthbearer.client.credentials.client.secret', /neither is clientSecret in producer\.override\.sasl\.jaas\.config/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";' }),
    'sasl.jaas.config', /unsecured/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.jaas.config': `${PLAIN_JAAS_MODULE} required username="a" password="${PLAIN_PASSWORD}";` }), 'sasl.jaas.config', /OAUTHBEARER needs/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.oauthbearer.assertion.private.key.file': '/k.pem' }), 'sasl.oauthbearer.assertion.private.key.file', /client assertions/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.oauthbearer.jwt.retriever.class': 'org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever' }),
    'sasl.oauthbearer.jwt.retriever.class', /cannot be loaded/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.login.callback.handler.class': 'io.strimzi.kafka.oauth.client.JaasClientOauthLoginCallbackHandler' }),
    'sasl.login.callback.handler.class', /cannot be loaded/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.login.read.timeout.ms': '10s' }), 'sasl.login.read.timeout.ms', /"10s"/);
  expectConfigError(() => kafkaConnection({ ...oauth, 'sasl.jaas.config': oauthJaas.replace('extension_logicalCluster', 'extension_auth') }), 'sasl.jaas.config', /"auth" whose name is not allowed/);
  // Broker-side and tuning keys are accepted as Kafka's clients accept them.
  kafkaConnection({ ...oauth, 'sasl.oauthbearer.expected.audience': 'kafka', 'sasl.login.refresh.window.factor': '0.9', 'sasl.kerberos.service.name': 'kafka' });
});

function withPrefixOverride(overrides: Record<string, string>) {
  const connector = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`producer.override.${k}`, v]));
  return clientConnection(withClientOverrides(clientProps(oauth, 'producer'), connector));
}

// --- where settings come from ---------------------------------------------------------------------------------

test('clientProps: worker keys for every client, <role>. keys win for that client, other roles left out', () => {
  const worker = { ...base, 'group.id': 'g', 'security.protocol': 'SSL', 'producer.security.protocol': 'SASL_SSL', 'consumer.max.poll.records': '5', 'admin.x': 'y' };
  const p = clientProps(worker, 'producer');
  assert.equal(p.props['security.protocol'], 'SASL_SSL');
  assert.equal(p.origins['security.protocol'], 'producer.security.protocol');
  assert.equal(p.origins['bootstrap.servers'], 'bootstrap.servers');
  assert.equal(p.props['max.poll.records'], undefined);
  assert.equal(p.props['consumer.max.poll.records'], undefined);
  assert.equal(clientProps(worker, 'consumer').props['max.poll.records'], '5');
  assert.equal(clientProps(worker, 'admin').props['security.protocol'], 'SSL');
});

test('a connector\'s producer.override.* wins over the worker\'s producer settings, and errors name the override', () => {
  const worker = { ...saslSsl, 'producer.sasl.jaas.config': plainJaas.replace('alice', 'worker-producer') };
  const merged = withClientOverrides(clientProps(worker, 'producer'), {
    'producer.override.sasl.jaas.config': plainJaas.replace('alice', 'connector'), 'producer.override.': 'ignored', 'database.hostname': 'db',
  });
  assert.equal(merged.origins['sasl.jaas.config'], 'producer.override.sasl.jaas.config');
  assert.equal(merged.props['database.hostname'], undefined);
  assert.equal(clientConnection(merged).sasl?.username, 'connector');
  const broken = withClientOverrides(clientProps(worker, 'producer'), { 'producer.override.sasl.jaas.config': plainJaas.replace(/;$/, '') });
  expectConfigError(() => clientConnection(broken), 'producer.override.sasl.jaas.config', /^Configuration producer\.override\.sasl\.jaas\.config is not ended by a semicolon/);
});

// --- JAAS syntax ----------------------------------------------------------------------------------------------

test('parseJaasConfig: quoted values with escapes, single quotes, unquoted values, spaces, newlines and comments', () => {
  const jaas = parseJaasConfig(`
    org.apache.kafka.common.security.plain.PlainLoginModule   REQUIRED   // a comment
      username=alice@example.com  /* another */ password="p\\"w\\\\d;=/x"
      quoted='it"s' octal="\\101\\1012" tab="a\\tb" empty="" ;  `);
  assert.deepEqual(jaas, {
    loginModule: 'org.apache.kafka.common.security.plain.PlainLoginModule',
    controlFlag: 'required',
    options: { username: 'alice@example.com', password: 'p"w\\d;=/x', quoted: 'it"s', octal: 'AA2', tab: 'a\tb', empty: '' },
  });
});

test('parseJaasConfig refuses what Kafka refuses, without quoting the text', () => {
  const fails = (text: string, pattern: RegExp) => expectConfigError(() => parseJaasConfig(text, 'producer.override.sasl.jaas.config'), 'producer.override.sasl.jaas.config', pattern);
  fails(`${PLAIN_JAAS_MODULE} required password="${PLAIN_PASSWORD}"`, /not ended by a semicolon/);
  fails(`${PLAIN_JAAS_MODULE} required password=${PLAIN_PASSWORD} x;`, /option 2 \(character \d+\) without name=value/);
  fails(`${PLAIN_JAAS_MODULE} required password=my ${PLAIN_PASSWORD};`, /option 2/);
  fails(`${PLAIN_JAAS_MODULE} required password="${PLAIN_PASSWORD}\n";`, /not closed on its line/);
  fails(`${PLAIN_JAAS_MODULE} always;`, /invalid control flag/);
  fails(`${PLAIN_JAAS_MODULE};`, /no control flag/);
  fails('', /names no login module/);
  fails(`${PLAIN_JAAS_MODULE} required a=b; ${PLAIN_JAAS_MODULE} required c=d;`, /more than one login module/);
});
