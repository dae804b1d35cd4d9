import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../../../../src/connect-api/index.js';
import { pgSettings, postgresConfigDef } from '../../../../src/connectors/postgres/index.js';
import { pgTlsAttempts, pgTlsError, pgTriesNext } from '../../../../src/db/postgres-tls.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ca = file('root.crt', CA_PEM);
const cert = file('client.crt', CA_PEM);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const derKey = file('client.pk8', privateKey.export({ format: 'der', type: 'pkcs8' }));
const encryptedDerKey = file('client-enc.pk8', privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'kpw' }));
const pemKey = file('client.key', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());

const minimal = { 'database.hostname': 'db', 'database.user': 'u', 'database.dbname': 'inventory', 'topic.prefix': 'srv' };
const parse = (extra: Record<string, string>) => parseConfig(postgresConfigDef, { ...minimal, ...extra });
const attempts = (extra: Record<string, string>) => {
  const p = parse(extra);
  assert.deepEqual(p.errors, {});
  return pgTlsAttempts(pgSettings(p.settings).connection.tls!);
};
const noIdentityCheck = (a: unknown) => {
  const { checkServerIdentity, ...rest } = a as { checkServerIdentity?: () => undefined };
  assert.equal(checkServerIdentity?.(), undefined);
  return { ...rest, identityChecked: checkServerIdentity === undefined };
};

describe('PostgreSQL TLS options (database.ssl*), as libpq', () => {
  it('orders the attempts as libpq: disable plain; allow plain then TLS; prefer (default) TLS then plain', () => {
    assert.deepEqual(attempts({ 'database.sslmode': 'disable' }), [false]);
    const allow = attempts({ 'database.sslmode': 'allow' });
    assert.equal(allow[0], false);
    assert.deepEqual(noIdentityCheck(allow[1]), { rejectUnauthorized: false, identityChecked: false });
    const prefer = attempts({});
    assert.deepEqual(noIdentityCheck(prefer[0]), { rejectUnauthorized: false, identityChecked: false });
    assert.equal(prefer[1], false);
  });

  it('require checks nothing, unless sslrootcert is set: then the chain, as verify-ca (libpq\'s rule)', () => {
    assert.deepEqual(attempts({ 'database.sslmode': 'require' }).map(noIdentityCheck), [{ rejectUnauthorized: false, identityChecked: false }]);
    assert.deepEqual(attempts({ 'database.sslmode': 'require', 'database.sslrootcert': ca }).map(noIdentityCheck),
      [{ rejectUnauthorized: true, ca: CA_PEM, identityChecked: false }]);
    assert.deepEqual(attempts({ 'database.sslmode': 'verify-ca', 'database.sslrootcert': ca }).map(noIdentityCheck),
      [{ rejectUnauthorized: true, ca: CA_PEM, identityChecked: false }]);
    assert.deepEqual(attempts({ 'database.sslmode': 'verify-full', 'database.sslrootcert': ca }), [{ rejectUnauthorized: true, ca: CA_PEM }]);
    assert.deepEqual(attempts({ 'database.sslmode': 'verify-full', 'database.sslrootcert': 'system' }), [{ rejectUnauthorized: true }], 'system: Node\'s CAs');
  });

  it('reads client keys as PEM, DER PKCS#8 (decrypted with sslpassword) or PKCS#12', () => {
    const [pem] = attempts({ 'database.sslmode': 'require', 'database.sslcert': cert, 'database.sslkey': pemKey, 'database.sslpassword': 'pw' });
    assert.deepEqual([(pem as { cert: string }).cert, (pem as { passphrase: string }).passphrase], [CA_PEM, 'pw']);
    const [der] = attempts({ 'database.sslmode': 'require', 'database.sslcert': cert, 'database.sslkey': derKey });
    assert.match((der as { key: string }).key, /^-----BEGIN PRIVATE KEY-----/);
    const [enc] = attempts({ 'database.sslmode': 'require', 'database.sslcert': cert, 'database.sslkey': encryptedDerKey, 'database.sslpassword': 'kpw' });
    assert.equal((enc as { key: string }).key, (der as { key: string }).key);
    assert.throws(() => attempts({ 'database.sslmode': 'require', 'database.sslcert': cert, 'database.sslkey': encryptedDerKey, 'database.sslpassword': 'wrong' }),
      (e: Error & { code?: string }) => e.code === 'PG_TLS_FAILED' && /database.sslkey/.test(e.message));
    const p12 = file('client.p12', Buffer.from([0x30, 0x82]));
    const [pfx] = attempts({ 'database.sslmode': 'prefer', 'database.sslkey': p12, 'database.sslpassword': 'kpw' });
    assert.deepEqual([(pfx as { pfx: Buffer }).pfx, (pfx as { passphrase: string }).passphrase], [Buffer.from([0x30, 0x82]), 'kpw']);
  });

  it('refuses what libpq would not do or a mode would not use, naming the key', () => {
    assert.match(parse({ 'database.sslmode': 'verify_full' }).errors['database.sslmode']![0]!, /verify_full/);
    assert.match(parse({ 'database.sslmode': 'verify-ca' }).errors['database.sslrootcert']![0]!, /verify-ca verifies the server's certificate/);
    assert.match(parse({ 'database.sslmode': 'verify-ca', 'database.sslrootcert': 'system' }).errors['database.sslrootcert']![0]!, /needs database.sslmode=verify-full/);
    assert.match(parse({ 'database.sslmode': 'prefer', 'database.sslrootcert': ca }).errors['database.sslrootcert']![0]!, /never does/);
    assert.match(parse({ 'database.sslmode': 'require', 'database.sslrootcert': join(dir, 'nope') }).errors['database.sslrootcert']![0]!, /ENOENT/);
    assert.match(parse({ 'database.sslmode': 'disable', 'database.sslcert': cert, 'database.sslkey': pemKey }).errors['database.sslcert']![0]!, /no effect/);
    assert.match(parse({ 'database.sslmode': 'require', 'database.sslkey': pemKey }).errors['database.sslkey']![0]!, /Needs "database.sslcert"/);
  });

  it('moves to the next attempt where libpq does, and names the key in TLS failures', () => {
    const refused = Object.assign(new Error('pg_hba.conf rejects connection'), { code: '28000', severity: 'FATAL' });
    const noSsl = new Error('The server does not support SSL connections');
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(pgTriesNext(refused, { mode: 'prefer' }), true);
    assert.equal(pgTriesNext(noSsl, { mode: 'prefer' }), true);
    assert.equal(pgTriesNext(unreachable, { mode: 'prefer' }), false);
    assert.equal(pgTriesNext(refused, { mode: 'allow' }), true);
    assert.equal(pgTriesNext(unreachable, { mode: 'allow' }), false);
    assert.equal(pgTriesNext(refused, { mode: 'require' }), false);
    const chain = pgTlsError(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), { mode: 'verify-ca', rootCert: '/r.crt' }, 'db');
    assert.equal(chain!.code, 'PG_TLS_FAILED');
    assert.match(chain!.message, /not trusted by database.sslrootcert \(\/r.crt\)/);
    const host = pgTlsError(Object.assign(new Error('Hostname/IP does not match'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), { mode: 'verify-full', rootCert: '/r.crt' }, 'db');
    assert.match(host!.fix!, /database.hostname.*verify-ca/);
    assert.match(pgTlsError(noSsl, { mode: 'require' }, 'db')!.fix!, /ssl = on/);
    assert.equal(pgTlsError(refused, { mode: 'require' }, 'db'), undefined);
  });
});
