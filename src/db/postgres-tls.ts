/**
 * TLS to PostgreSQL: the one builder of the driver's TLS options for every connection of the connector (snapshot,
 * discovery, admin, signal table, heartbeat, validate, replication commands and the pgoutput stream), from
 * Debezium's `database.sslmode`, `database.sslrootcert`, `database.sslcert`, `database.sslkey` and
 * `database.sslpassword`. The modes follow libpq: allow tries plain, then TLS when the server refuses the
 * plain connection; prefer tries TLS, then plain when the server offers no TLS, the handshake fails or the server
 * refuses the TLS connection; require encrypts without checking the certificate, unless a root certificate is
 * given, which makes it verify-ca (libpq's rule); verify-ca checks the chain; verify-full also the host name.
 * Unlike libpq nothing is read from ~/.postgresql/: every file is named by its key.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { extname } from 'node:path';
import { CdcError } from '../errors/index.js';

export const PG_SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type PgSslMode = (typeof PG_SSL_MODES)[number];

/** `database.sslrootcert=system`: the system's trusted CAs (libpq 16's special value). */
export const SYSTEM_ROOT_CERT = 'system';

export interface PgTls {
  mode: PgSslMode;
  /** `database.sslrootcert`: a PEM file of CA certificates, or `system`. */
  rootCert?: string;
  /** `database.sslcert`: the PEM client certificate. */
  cert?: string;
  /** `database.sslkey`: the client key as PEM, DER PKCS#8 (pgjdbc's .pk8) or, named .p12/.pfx, PKCS#12 with the certificate. */
  key?: string;
  /** `database.sslpassword`: the password of an encrypted key or PKCS#12 file. */
  password?: string;
}

/** The driver's TLS options (pg's `ssl`, handed to tls.connect). */
export interface PgSslOptions {
  rejectUnauthorized: boolean;
  checkServerIdentity?: () => undefined;
  ca?: string;
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
}

/** One connection attempt: TLS options, or false for a plain connection. */
export type PgSslAttempt = PgSslOptions | false;

export const NO_PG_TLS: PgTls = { mode: 'disable' };

/** Whether `database.sslrootcert` is used to verify the server, i.e. libpq verifies in this mode. */
export function pgVerifies(tls: PgTls): boolean {
  return tls.mode === 'verify-ca' || tls.mode === 'verify-full' || (tls.mode === 'require' && tls.rootCert !== undefined);
}

/** The attempts libpq would make, in its order. */
export function pgTlsAttempts(tls: PgTls, read: (path: string) => Buffer = readFileSync): PgSslAttempt[] {
  if (tls.mode === 'disable') return [false];
  const client = clientCredentials(tls, read);
  const verifies = pgVerifies(tls);
  const options: PgSslOptions = {
    rejectUnauthorized: verifies,
    // verify-ca, and require with a root certificate: the chain only, not the host name
    ...(tls.mode !== 'verify-full' && { checkServerIdentity: () => undefined }),
    ...(verifies && tls.rootCert !== undefined && tls.rootCert !== SYSTEM_ROOT_CERT && { ca: readKeyed('database.sslrootcert', tls.rootCert, read).toString('utf8') }),
    ...client,
  };
  if (tls.mode === 'allow') return [false, options];
  if (tls.mode === 'prefer') return [options, false];
  return [options];
}

function clientCredentials(tls: PgTls, read: (path: string) => Buffer): Partial<PgSslOptions> {
  const passphrase = tls.password !== undefined ? { passphrase: tls.password } : {};
  if (tls.key === undefined) return tls.cert !== undefined ? { cert: readKeyed('database.sslcert', tls.cert, read).toString('utf8') } : {};
  const keyBytes = readKeyed('database.sslkey', tls.key, read);
  if (['.p12', '.pfx'].includes(extname(tls.key).toLowerCase())) return { pfx: keyBytes, ...passphrase };
  const cert = tls.cert !== undefined ? { cert: readKeyed('database.sslcert', tls.cert, read).toString('utf8') } : {};
  if (keyBytes.subarray(0, 64).toString('latin1').includes('-----BEGIN ')) return { ...cert, key: keyBytes.toString('utf8'), ...passphrase };
  // DER PKCS#8, as pgjdbc expects: decrypted here into PEM, which tls.connect takes
  try {
    const key = createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8', ...passphrase });
    return { ...cert, key: key.export({ format: 'pem', type: 'pkcs8' }).toString() };
  } catch (err) {
    throw new CdcError('PG_TLS_FAILED', `database.sslkey (${tls.key}) is not a usable key: ${(err as Error).message}`, {
      retriable: false, cause: err,
      fix: 'Give database.sslkey a PEM key, a DER PKCS#8 key or a .p12/.pfx file, and database.sslpassword if it is encrypted.',
    });
  }
}

function readKeyed(key: string, path: string, read: (path: string) => Buffer): Buffer {
  try {
    return read(path);
  } catch (err) {
    throw new CdcError('PG_TLS_FAILED', `Cannot read ${key} (${path}): ${(err as Error).message}`, {
      retriable: false, cause: err, fix: `Make ${key} name a file the worker can read.`,
    });
  }
}

const NO_SSL_OFFERED = /server does not support SSL connections/i;

/**
 * Whether libpq would make the next attempt after this failure: prefer's TLS attempt falls back when the server
 * offers no TLS, the handshake fails or the server refuses the connection; allow's plain attempt goes on to TLS
 * when the server refuses it. A server that cannot be reached is not retried.
 */
export function pgTriesNext(err: unknown, tls: PgTls): boolean {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; severity?: unknown };
  const refusedByServer = typeof e.severity === 'string';
  if (tls.mode === 'allow') return refusedByServer;
  if (tls.mode !== 'prefer') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  return refusedByServer || NO_SSL_OFFERED.test(String(e.message ?? '')) || code.startsWith('ERR_SSL_') || code === 'ECONNRESET';
}

const CHAIN_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REJECTED', 'INVALID_CA',
]);

/** A TLS failure as a catalogue error naming the key to change, or undefined when `err` is not about TLS. */
export function pgTlsError(err: unknown, tls: PgTls, host: string): CdcError | undefined {
  if (err instanceof CdcError) return undefined;
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const text = String(e.message ?? err);
  const fail = (message: string, fix: string) => new CdcError('PG_TLS_FAILED', message, { retriable: false, cause: err, fix });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail(`TLS to PostgreSQL at ${host}: the server's certificate does not name "${host}" (database.sslmode=${tls.mode}): ${text}`,
      'Set database.hostname to a name the server\'s certificate holds (subjectAltName), or use database.sslmode=verify-ca to check the chain only.');
  }
  if (CHAIN_ERRORS.has(code)) {
    const trusted = tls.rootCert === undefined || tls.rootCert === SYSTEM_ROOT_CERT ? 'the system\'s CAs' : `database.sslrootcert (${tls.rootCert})`;
    return fail(`TLS to PostgreSQL at ${host}: the server's certificate is not trusted by ${trusted} (database.sslmode=${tls.mode}): ${code}: ${text}`,
      'Set database.sslrootcert to the CA that signed the server\'s certificate, or use database.sslmode=require without database.sslrootcert to encrypt without checking it.');
  }
  if (NO_SSL_OFFERED.test(text)) {
    return fail(`PostgreSQL at ${host} does not offer TLS, but database.sslmode=${tls.mode} requires it.`,
      'Enable TLS on the server (ssl = on, ssl_cert_file, ssl_key_file), or set database.sslmode=prefer or disable.');
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_') || /mac verify failure|bad decrypt/i.test(text)) {
    return fail(`TLS to PostgreSQL at ${host} failed (database.sslmode=${tls.mode}): ${code}: ${text}`,
      'Check database.sslcert, database.sslkey and database.sslpassword, and that the server accepts the client certificate.');
  }
  return undefined;
}
