/**
 * The TLS material of Kafka's secured listeners (SASL_SSL and mutual-TLS SSL) and of MariaDB and PostgreSQL, made
 * once with the openssl command: per set a test CA, a server and a client certificate it signs, and an
 * unrelated CA. The paths are in env.ts (kafkaTlsPaths, dbTlsPaths), as `.services/env` names them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbTlsPaths, KAFKA_CLIENT_P12_PASSWORD, KAFKA_SASL_USER, kafkaTlsPaths, type DbTlsPaths, type KafkaTlsPaths } from './env.js';
import { requireBin, run, ServiceStartError, type Log, type ServiceName } from './process.js';

const TLS_DAYS = '3650';

/**
 * Kafka's TLS material, made once with openssl: a CA, a broker certificate for 127.0.0.1/localhost and a client
 * certificate signed by it, an unrelated CA, and the client's key and chain as PKCS#12 too.
 */
export function ensureKafkaTls(log: Log): KafkaTlsPaths {
  const tls = kafkaTlsPaths();
  makeOnce('kafka', tls, log, (ssl, tmp) => {
    makeCa(ssl, 'ca', 'tscdc test CA');
    makeCa(ssl, 'other-ca', 'tscdc untrusted CA');
    makeLeaf(ssl, tmp, 'broker', 'localhost', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']);
    makeLeaf(ssl, tmp, 'client', KAFKA_SASL_USER, ['extendedKeyUsage=clientAuth']);
    const keystore = ['broker-key.pem', 'broker-cert.pem', 'ca.pem'].map((f) => readFileSync(join(tmp, f), 'utf8'));
    writeFileSync(join(tmp, 'broker-keystore.pem'), keystore.join(''), { mode: 0o600 });
    ssl('pkcs12', '-export', '-in', 'client-cert.pem', '-inkey', 'client-key.pem', '-certfile', 'ca.pem', '-name', 'tscdc-client',
      '-out', 'client.p12', '-passout', `pass:${KAFKA_CLIENT_P12_PASSWORD}`);
  });
  return tls;
}

/**
 * The TLS material of MariaDB and PostgreSQL, made once: a CA of their own, a server certificate for 127.0.0.1
 * and localhost that both use, a client certificate, and an unrelated CA (DB_TLS_OTHER_CA). Synchronous, so
 * mariadbUp and postgresUp, started together, never make it twice.
 */
export function ensureDbTls(service: ServiceName, log: Log): DbTlsPaths {
  const tls = dbTlsPaths();
  makeOnce(service, tls, log, (ssl, tmp) => {
    makeCa(ssl, 'ca', 'tscdc database test CA');
    makeCa(ssl, 'other-ca', 'tscdc untrusted database CA');
    makeLeaf(ssl, tmp, 'server', 'localhost', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']);
    makeLeaf(ssl, tmp, 'client', 'tscdc-client', ['extendedKeyUsage=clientAuth']);
  });
  return tls;
}

/** Runs `make` in a temporary dir renamed to `paths.dir` at the end, so that a half-made set is never used. */
function makeOnce(service: ServiceName, paths: { dir: string }, log: Log, make: (ssl: OpenSsl, tmp: string) => void): void {
  if (Object.values(paths).every((f) => existsSync(f))) return;
  const openssl = requireBin(service, 'openssl', 'openssl');
  log(`${service}: making TLS material in ${paths.dir} (once)`);
  const tmp = `${paths.dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const ssl: OpenSsl = (...args) => {
    const r = run(openssl, args, { cwd: tmp });
    if (r.status !== 0) throw new ServiceStartError(service, `\`openssl ${args.join(' ')}\` failed (exit ${r.status}):\n${r.out.trim()}`);
  };
  make(ssl, tmp);
  rmSync(paths.dir, { recursive: true, force: true });
  renameSync(tmp, paths.dir);
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
