/**
 * TLS to MySQL/MariaDB: the one builder of the driver's TLS options for every connection of the connector
 * (snapshot, incremental chunks, signal table, heartbeat, validate, and zongji's two binlog connections), from
 * Debezium's `database.ssl.*` keys and our PEM alternatives. Modes follow the MySQL client (and Connector/J):
 * preferred tries TLS and continues in plain text only when the server does not offer TLS; required encrypts
 * without checking the certificate; verify_ca checks the chain; verify_identity also the host name.
 */
import { readFileSync } from 'node:fs';
import { CdcError } from '../errors/index.js';

export const MYSQL_SSL_MODES = ['disabled', 'preferred', 'required', 'verify_ca', 'verify_identity'] as const;
export type MySqlSslMode = (typeof MYSQL_SSL_MODES)[number];

/** A file named by a config key, kept with the key so that errors can name it. */
export interface KeyedFile {
  key: string;
  path: string;
}

export interface MySqlTls {
  mode: MySqlSslMode;
  /** PEM CA certificates: `database.ssl.ca`, or `database.ssl.truststore` holding PEM. Unset: the system CAs. */
  ca?: KeyedFile;
  /** PEM client certificate and unencrypted key (`database.ssl.cert`, `database.ssl.key`). */
  cert?: KeyedFile;
  key?: KeyedFile;
  /**
   * Client keystore (`database.ssl.keystore`): a PEM file with the key and the certificate chain, and the key's
   * password. mysql2 ignores `pfx`, so PKCS#12 keystores are refused at validate (tls-config.ts).
   */
  keystore?: KeyedFile;
  keystorePassword?: string;
}

/** The driver's TLS options (mysql2's `ssl`). */
export interface MySqlSslOptions {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  rejectUnauthorized: boolean;
  verifyIdentity: boolean;
}

export const NO_TLS: MySqlTls = { mode: 'disabled' };

/** What a keystore or truststore file holds, from its first bytes. */
export function storeFormat(bytes: Buffer): 'pem' | 'jks' | 'pkcs12' | 'unknown' {
  if (bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN ')) return 'pem';
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  if (magic === 0xfeedfeed || magic === 0xcececece) return 'jks';
  return bytes[0] === 0x30 ? 'pkcs12' : 'unknown';
}

/**
 * The TLS options to try, in order: `undefined` is a plain connection. preferred: TLS, then plain (used only
 * when the server does not offer TLS, see `offersNoTls`).
 */
export function mysqlTlsAttempts(tls: MySqlTls, read: (path: string) => Buffer = readFileSync): Array<MySqlSslOptions | undefined> {
  if (tls.mode === 'disabled') return [undefined];
  const verify = tls.mode === 'verify_ca' || tls.mode === 'verify_identity';
  // a PEM keystore serves as both: OpenSSL reads the certificates and the key out of the same text
  const keystore = tls.keystore && readKeyed(tls.keystore, read).toString('utf8');
  const options: MySqlSslOptions = {
    rejectUnauthorized: verify,
    verifyIdentity: tls.mode === 'verify_identity',
    ...(tls.ca && { ca: readKeyed(tls.ca, read).toString('utf8') }),
    ...(tls.cert && { cert: readKeyed(tls.cert, read).toString('utf8') }),
    ...(tls.key && { key: readKeyed(tls.key, read).toString('utf8') }),
    ...(keystore && { cert: keystore, key: keystore }),
    ...(keystore && tls.keystorePassword && { passphrase: tls.keystorePassword }),
  };
  return tls.mode === 'preferred' ? [options, undefined] : [options];
}

function readKeyed(file: KeyedFile, read: (path: string) => Buffer): Buffer {
  try {
    return read(file.path);
  } catch (err) {
    throw new CdcError('MYSQL_TLS_FAILED', `Cannot read ${file.key} (${file.path}): ${(err as Error).message}`, {
      retriable: false, cause: err, fix: `Make ${file.key} name a file the worker can read.`,
    });
  }
}

/** mysql2's error when TLS was asked for and the server's handshake does not offer it. */
export function offersNoTls(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'HANDSHAKE_NO_SSL_SUPPORT';
}

/** Node's certificate verification failures (the chain), as opposed to the host name check. */
const CHAIN_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REJECTED', 'INVALID_CA',
]);

/** A TLS failure as a catalogue error naming the key to change, or undefined when `err` is not about TLS. */
export function mysqlTlsError(err: unknown, tls: MySqlTls, host: string): CdcError | undefined {
  if (err instanceof CdcError) return undefined;
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const text = (err as Error | null)?.message ?? String(err);
  const fail = (message: string, fix: string) => new CdcError('MYSQL_TLS_FAILED', message, { retriable: false, cause: err, fix });
  // mysql2 replaces Node's code of a failed handshake with HANDSHAKE_SSL_ERROR, keeping Node's message
  const handshake = code === 'HANDSHAKE_SSL_ERROR';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH' || (handshake && /does not match certificate's altnames/i.test(text))) {
    return fail(`TLS to MySQL/MariaDB at ${host}: the server's certificate does not name "${host}" (database.ssl.mode=${tls.mode}): ${text}`,
      'Set database.hostname to a name the server\'s certificate holds (subjectAltName), or use database.ssl.mode=verify_ca to check the chain only.');
  }
  if (CHAIN_ERRORS.has(code) || (handshake && /certificate/i.test(text))) {
    const trusted = tls.ca ? `${tls.ca.key} (${tls.ca.path})` : 'the system\'s CAs (no database.ssl.ca or database.ssl.truststore set)';
    return fail(`TLS to MySQL/MariaDB at ${host}: the server's certificate is not trusted by ${trusted} (database.ssl.mode=${tls.mode}): ${text}`,
      'Set database.ssl.ca (PEM) or database.ssl.truststore to the CA that signed the server\'s certificate, or use database.ssl.mode=required to encrypt without checking it.');
  }
  if (offersNoTls(err)) {
    return fail(`MySQL/MariaDB at ${host} does not offer TLS, but database.ssl.mode=${tls.mode} requires it.`,
      'Enable TLS on the server (ssl_cert, ssl_key, ssl_ca), or set database.ssl.mode=preferred or disabled.');
  }
  if (handshake || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_') || code === 'ERR_CRYPTO_OPERATION_FAILED') {
    return fail(`TLS to MySQL/MariaDB at ${host} failed (database.ssl.mode=${tls.mode}): ${code}: ${text}`,
      'Check the client certificate and key (database.ssl.cert/database.ssl.key or database.ssl.keystore and its password) and that the server accepts them.');
  }
  return undefined;
}
