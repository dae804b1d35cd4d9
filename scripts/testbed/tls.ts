/**
 * The TLS material of Kafka's secured listeners (SASL_SSL and mutual-TLS SSL), made once with the openssl
 * command: a test CA, a broker and a client certificate it signs, an unrelated CA, and the client's key as
 * PKCS#12 too. The paths are in env.ts (kafkaTlsPaths), as `.services/env` names them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_CLIENT_P12_PASSWORD, KAFKA_SASL_USER, kafkaTlsPaths, type KafkaTlsPaths } from './env.js';
import { requireBin, run, ServiceStartError, type Log } from './process.js';

const TLS_DAYS = '3650';

/**
 * Make the TLS material once with openssl: a CA, a broker certificate for 127.0.0.1/localhost and a client
 * certificate signed by it, an unrelated CA, and the client's key and chain as PKCS#12 too. Made in a
 * temporary dir and renamed at the end, so that a half-made set is never used.
 */
export function ensureKafkaTls(log: Log): KafkaTlsPaths {
  const tls = kafkaTlsPaths();
  if (Object.values(tls).every((f) => existsSync(f))) return tls;
  const openssl = requireBin('kafka', 'openssl', 'openssl');
  log(`kafka: making TLS material in ${tls.dir} (once)`);
  const tmp = `${tls.dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const ssl: OpenSsl = (...args) => {
    const r = run(openssl, args, { cwd: tmp });
    if (r.status !== 0) throw new ServiceStartError('kafka', `\`openssl ${args.join(' ')}\` failed (exit ${r.status}):\n${r.out.trim()}`);
  };
  makeCa(ssl, 'ca', 'tscdc test CA');
  makeCa(ssl, 'other-ca', 'tscdc untrusted CA');
  makeLeaf(ssl, tmp, 'broker', 'localhost', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']);
  makeLeaf(ssl, tmp, 'client', KAFKA_SASL_USER, ['extendedKeyUsage=clientAuth']);
  const keystore = ['broker-key.pem', 'broker-cert.pem', 'ca.pem'].map((f) => readFileSync(join(tmp, f), 'utf8'));
  writeFileSync(join(tmp, 'broker-keystore.pem'), keystore.join(''), { mode: 0o600 });
  ssl('pkcs12', '-export', '-in', 'client-cert.pem', '-inkey', 'client-key.pem', '-certfile', 'ca.pem', '-name', 'tscdc-client',
    '-out', 'client.p12', '-passout', `pass:${KAFKA_CLIENT_P12_PASSWORD}`);
  rmSync(tls.dir, { recursive: true, force: true });
  renameSync(tmp, tls.dir);
  return tls;
}

type OpenSsl = (...args: string[]) => void;

/** A self-signed CA: `<name>.pem` and its unencrypted PKCS#8 key `<name>-key.pem`. */
function makeCa(ssl: OpenSsl, name: string, cn: string): void {
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-noenc', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', TLS_DAYS,
    '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

/** `<name>-cert.pem` signed by ca.pem, with its unencrypted PKCS#8 key `<name>-key.pem`; `extensions` are x509v3 config lines. */
function makeLeaf(ssl: OpenSsl, dir: string, name: string, cn: string, extensions: string[]): void {
  const ext = `${name}.ext`;
  const csr = `${name}.csr`;
  const lines = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', ...extensions];
  writeFileSync(join(dir, ext), `${lines.join('\n')}\n`);
  ssl('req', '-new', '-newkey', 'rsa:2048', '-noenc', '-keyout', `${name}-key.pem`, '-out', csr, '-subj', `/CN=${cn}`);
  ssl('x509', '-req', '-in', csr, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', TLS_DAYS, '-extfile', ext, '-out', `${name}-cert.pem`);
  rmSync(join(dir, ext));
  rmSync(join(dir, csr));
}
