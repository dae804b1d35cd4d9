import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../../../../src/connect-api/index.js';
import { MYSQL_CONFIG_DEF, mysqlSettings } from '../../../../src/connectors/mysql/config.js';
import { mysqlTlsAttempts, mysqlTlsError, storeFormat, type MySqlTls } from '../../../../src/db/mysql-tls.js';
import { CdcError } from '../../../../src/errors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mysql-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ca = file('ca.pem', CA_PEM);
const cert = file('cert.pem', CA_PEM);
const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
const keystore = file('keystore.pem', `-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n${CA_PEM}`);
const jks = file('store.jks', Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
const p12 = file('store.p12', Buffer.from([0x30, 0x82, 0x0a, 0x01, 0x02]));

const minimal = { 'database.hostname': 'db', 'database.user': 'u', 'topic.prefix': 'srv' };
const parse = (extra: Record<string, string>) => parseConfig(MYSQL_CONFIG_DEF, { ...minimal, ...extra });

describe('MySQL/MariaDB TLS options (database.ssl.*)', () => {
  it('preferred (the default) tries TLS without checking the certificate, then plain', () => {
    const s = mysqlSettings(parse({}).settings, 'c');
    assert.deepEqual(s.connection.tls, { mode: 'preferred' });
    assert.deepEqual(mysqlTlsAttempts(s.connection.tls!), [{ rejectUnauthorized: false, verifyIdentity: false }, undefined]);
  });

  it('disabled is plain; required encrypts without checking; verify_ca checks the chain; verify_identity the host too', () => {
    assert.deepEqual(mysqlTlsAttempts({ mode: 'disabled' }), [undefined]);
    assert.deepEqual(mysqlTlsAttempts({ mode: 'required' }), [{ rejectUnauthorized: false, verifyIdentity: false }]);
    const caFile = { key: 'database.ssl.ca', path: ca };
    assert.deepEqual(mysqlTlsAttempts({ mode: 'verify_ca', ca: caFile }), [{ rejectUnauthorized: true, verifyIdentity: false, ca: CA_PEM }]);
    assert.deepEqual(mysqlTlsAttempts({ mode: 'verify_identity' }), [{ rejectUnauthorized: true, verifyIdentity: true }], 'no CA: the system CAs');
  });

  it('reads the PEM alternatives and a PEM keystore (key and chain in one file) with its password', () => {
    const s = mysqlSettings(parse({ 'database.ssl.mode': 'verify_identity', 'database.ssl.truststore': ca, 'database.ssl.keystore': keystore,
      'database.ssl.keystore.password': 'kpw' }).settings, 'c');
    assert.deepEqual(s.connection.tls, { mode: 'verify_identity', ca: { key: 'database.ssl.truststore', path: ca },
      keystore: { key: 'database.ssl.keystore', path: keystore }, keystorePassword: 'kpw' });
    const [options] = mysqlTlsAttempts(s.connection.tls!);
    assert.equal(options!.cert, options!.key);
    assert.match(options!.key!, /BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
    assert.equal(options!.passphrase, 'kpw');
    const pem = mysqlSettings(parse({ 'database.ssl.mode': 'required', 'database.ssl.cert': cert, 'database.ssl.key': key }).settings, 'c');
    assert.deepEqual(mysqlTlsAttempts(pem.connection.tls!)[0], { rejectUnauthorized: false, verifyIdentity: false, cert: CA_PEM, key: `-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n` });
  });

  it('refuses unknown modes, JKS and PKCS#12 stores, missing files, and files a mode would not use, naming the key', () => {
    assert.match(parse({ 'database.ssl.mode': 'VERIFY_FULL' }).errors['database.ssl.mode']![0]!, /VERIFY_FULL/);
    assert.match(parse({ 'database.ssl.mode': 'verify_ca', 'database.ssl.truststore': jks }).errors['database.ssl.truststore']![0]!, /JKS truststores are not supported.*keytool -exportcert/);
    assert.match(parse({ 'database.ssl.mode': 'verify_ca', 'database.ssl.truststore': p12 }).errors['database.ssl.truststore']![0]!, /PKCS12 truststores are not supported.*openssl pkcs12/);
    assert.match(parse({ 'database.ssl.mode': 'required', 'database.ssl.keystore': p12 }).errors['database.ssl.keystore']![0]!, /PKCS12 keystores are not supported/);
    assert.match(parse({ 'database.ssl.mode': 'verify_ca', 'database.ssl.ca': join(dir, 'missing.pem') }).errors['database.ssl.ca']![0]!, /Cannot read the file: ENOENT/);
    assert.match(parse({ 'database.ssl.mode': 'required', 'database.ssl.ca': ca }).errors['database.ssl.ca']![0]!, /set database.ssl.mode to verify_ca or verify_identity/);
    assert.match(parse({ 'database.ssl.mode': 'disabled', 'database.ssl.cert': cert, 'database.ssl.key': key }).errors['database.ssl.cert']![0]!, /no effect with database.ssl.mode=disabled/);
    assert.match(parse({ 'database.ssl.mode': 'required', 'database.ssl.cert': cert }).errors['database.ssl.cert']![0]!, /Needs "database.ssl.key"/);
    assert.match(parse({ 'database.ssl.mode': 'verify_ca', 'database.ssl.ca': ca, 'database.ssl.truststore': ca }).errors['database.ssl.ca']![0]!, /together with "database.ssl.truststore"/);
    assert.deepEqual(parse({ 'database.ssl.mode': 'verify_ca', 'database.ssl.ca': ca, 'database.ssl.cert': cert, 'database.ssl.key': key }).errors, {});
  });

  it('tells store formats apart by their first bytes', () => {
    assert.equal(storeFormat(Buffer.from(CA_PEM)), 'pem');
    assert.equal(storeFormat(Buffer.from([0xfe, 0xed, 0xfe, 0xed])), 'jks');
    assert.equal(storeFormat(Buffer.from([0x30, 0x82])), 'pkcs12');
    assert.equal(storeFormat(Buffer.from('hello')), 'unknown');
  });

  it('turns TLS failures into MYSQL_TLS_FAILED naming the key to change, and leaves other errors alone', () => {
    const tls: MySqlTls = { mode: 'verify_ca', ca: { key: 'database.ssl.ca', path: '/etc/ca.pem' } };
    const chain = mysqlTlsError(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), tls, 'db');
    assert.ok(chain instanceof CdcError);
    assert.equal(chain.code, 'MYSQL_TLS_FAILED');
    assert.equal(chain.retriable, false);
    assert.match(chain.message, /not trusted by database.ssl.ca \(\/etc\/ca.pem\)/);
    assert.match(chain.fix!, /database.ssl.ca/);
    const host = mysqlTlsError(Object.assign(new Error('Hostname/IP does not match'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), { mode: 'verify_identity' }, 'db');
    assert.match(host!.message, /does not name "db"/);
    assert.match(host!.fix!, /database.hostname.*verify_ca/);
    const none = mysqlTlsError(Object.assign(new Error('Server does not support secure connection'), { code: 'HANDSHAKE_NO_SSL_SUPPORT' }), { mode: 'required' }, 'db');
    assert.match(none!.fix!, /database.ssl.mode=preferred or disabled/);
    assert.equal(mysqlTlsError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), tls, 'db'), undefined);
  });
});
